from odoo import fields, models

from ..models.res_company import company_today
from ..models.siao_avdl_measure import CLOSING_REASONS


class SiaoAvdlCloseWizard(models.TransientModel):
    _name = "siao.avdl.close.wizard"
    _inherit = ["siao.input.validation"]
    _description = "Close an AVDL measure"

    measure_id = fields.Many2one("siao.avdl.measure", required=True)
    kind = fields.Selection(
        [("close", "Close the measure"), ("cancel", "Cancel the measure")],
        required=True,
        default="close",
    )
    closing_date = fields.Date(required=True, default=company_today)
    closing_reason = fields.Selection(CLOSING_REASONS)

    def action_confirm(self):
        if self.kind == "cancel":
            return self.measure_id.action_cancel()
        return self.measure_id.action_close(
            closing_date=self.closing_date, closing_reason=self.closing_reason
        )
