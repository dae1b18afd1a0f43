import werkzeug.exceptions

from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        """The portal shows a person's chatter: mail's words and the addon's are
        sent to the officer's browser in their language (i18n_extra/fr.po holds
        the two of mail's words Odoo leaves untranslated)."""
        return super()._get_translation_frontend_modules_name() + [
            "mail",
            "siao_justice",
        ]

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """A body announced larger than its route allows is refused before it is
        read, with the route's own page when its controller has one (the SPIP's
        release list on the portal)."""
        result = super()._pre_dispatch(rule, args)
        limit = rule.endpoint.routing.get("max_content_length")
        controller = getattr(rule.endpoint.func, "__self__", None)
        refuse = getattr(controller, "_siao_refuse_too_large", None)
        if limit and refuse and (request.httprequest.content_length or 0) > limit:
            werkzeug.exceptions.abort(refuse())
        return result
