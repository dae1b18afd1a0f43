from odoo import api, models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    @api.depends("composition_mode", "model", "parent_id", "res_domain", "res_ids")
    def _compute_record_name(self):
        """Odoo copies the name of the replied message's record as superuser: a
        reply to a message of the addon that the user may not read names no
        one."""
        result = super()._compute_record_name()
        self._siao_replies_to_unreadable().record_name = False
        return result

    @api.depends(
        "composition_mode",
        "model",
        "parent_id",
        "record_name",
        "res_domain",
        "res_ids",
        "template_id",
    )
    def _compute_subject(self):
        """The subject of such a reply is the replied record's name, or the
        replied message's subject: a reply to what the user may not read names no
        one either."""
        result = super()._compute_subject()
        self._siao_replies_to_unreadable().subject = False
        return result

    def _siao_replies_to_unreadable(self):
        """The composers that reply to a message of the addon the user may not
        read."""
        return self.filtered(
            lambda composer: composer.parent_id
            and (composer.parent_id.model or "").startswith("siao.")
            and not composer.parent_id.with_env(
                composer.parent_id.env(su=False)
            )._filtered_access("read")
        )
