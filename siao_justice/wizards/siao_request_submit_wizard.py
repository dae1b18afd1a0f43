from odoo import fields, models


class SiaoRequestSubmitWizard(models.TransientModel):
    _name = "siao.request.submit.wizard"
    _inherit = "siao.request.wizard.mixin"
    _description = "Submit a SIAO request without consent"

    reason = fields.Text(
        required=True,
        help="Why the request must be submitted without the person's consent.",
    )

    def action_confirm(self):
        return self.request_ids.action_submit(override_reason=self.reason)
