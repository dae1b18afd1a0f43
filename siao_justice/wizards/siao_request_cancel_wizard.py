from odoo import fields, models


class SiaoRequestCancelWizard(models.TransientModel):
    _name = "siao.request.cancel.wizard"
    _inherit = "siao.request.wizard.mixin"
    _description = "Cancel a SIAO request"

    reason = fields.Text(required=True)

    def action_confirm(self):
        return self.request_ids.action_cancel(reason=self.reason)
