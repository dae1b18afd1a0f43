import logging

from odoo import models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)


class IrModelAccess(models.Model):
    _inherit = "ir.model.access"

    def _make_access_error(self, model, mode):
        """On the addon's records, the refusal speaks the user's language only: what
        their role does not allow, without Odoo's technical model name."""
        if not model.startswith("siao."):
            return super()._make_access_error(model, mode)
        _logger.info(
            "Access Denied by ACLs for operation: %s, uid: %s, model: %s",
            mode,
            self._uid,
            model,
        )
        kind = self.env["ir.model"]._get(model).name or self.env._("records")
        if mode == "write":
            message = self.env._(
                "Your SIAO Justice role does not let you change: %(kind)s.", kind=kind
            )
        elif mode == "create":
            message = self.env._(
                "Your SIAO Justice role does not let you create: %(kind)s.", kind=kind
            )
        elif mode == "unlink":
            message = self.env._(
                "Your SIAO Justice role does not let you delete: %(kind)s.", kind=kind
            )
        else:
            message = self.env._(
                "Your SIAO Justice role does not let you read: %(kind)s.", kind=kind
            )
        advice = self.env._("Ask a coordinator if your work needs it.")
        return AccessError(f"{message}\n\n{advice}")
