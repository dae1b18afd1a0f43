from odoo import fields, models

from ..models.siao_request import REFUSAL_REASONS, REFUSAL_SIDES


class SiaoRequestRefuseWizard(models.TransientModel):
    _name = "siao.request.refuse.wizard"
    _inherit = "siao.request.wizard.mixin"
    _description = "Record the refusal of a SIAO request"

    refusal_by = fields.Selection(
        REFUSAL_SIDES,
        string="Refused by",
        required=True,
    )
    reason = fields.Selection(REFUSAL_REASONS, required=True)

    def action_confirm(self):
        return self.request_ids.action_refuse(
            refusal_by=self.refusal_by, reason=self.reason
        )
