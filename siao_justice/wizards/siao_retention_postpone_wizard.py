from odoo import fields, models


class SiaoRetentionPostponeWizard(models.TransientModel):
    _name = "siao.retention.postpone.wizard"
    _inherit = ["siao.input.validation"]
    _description = "Keep a file longer"

    detainee_id = fields.Many2one("siao.detainee", string="Person", required=True)
    until = fields.Date(string="Keep until", required=True)
    reason = fields.Text(
        required=True, help="The documented need to keep the file longer."
    )

    def action_confirm(self):
        return self.detainee_id.action_postpone_retention(
            until=self.until, reason=self.reason
        )
