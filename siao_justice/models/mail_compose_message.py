from odoo import api, models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    @api.depends("composition_mode", "model", "parent_id", "res_domain", "res_ids")
    def _compute_record_name(self):
        """Odoo copies the name of the replied message's record as superuser: a
        reply to a message of the addon that the user may not read names no
        one."""
        result = super()._compute_record_name()
        for composer in self:
            parent = composer.parent_id
            if (
                parent
                and (parent.model or "").startswith("siao.")
                and not parent.with_env(parent.env(su=False))._filtered_access("read")
            ):
                composer.record_name = False
        return result
