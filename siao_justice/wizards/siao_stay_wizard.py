from odoo import fields, models

from ..models.res_company import company_today
from ..models.siao_detainee import CLOSING_REASONS, LEGAL_STATUSES


class SiaoStayWizard(models.TransientModel):
    """Record a new incarceration, a transfer to another prison, or the closing
    of the follow-up."""

    _name = "siao.stay.wizard"
    _inherit = ["siao.input.validation"]
    _description = "New stay in prison or transfer"

    detainee_id = fields.Many2one("siao.detainee", string="Person", required=True)
    kind = fields.Selection(
        [
            ("new_stay", "New incarceration"),
            ("transfer", "Transfer"),
            ("close", "Close the follow-up"),
        ],
        required=True,
        default="new_stay",
    )
    prison_id = fields.Many2one(
        "res.partner",
        string="Prison",
        domain="[('siao_partner_type', '=', 'prison')]",
    )
    prison_number = fields.Char(string="Prison number")
    date = fields.Date(required=True, default=company_today)
    legal_status = fields.Selection(LEGAL_STATUSES, default="convicted")
    closing_reason = fields.Selection(CLOSING_REASONS, string="Reason of the closing")
    note = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        if self.kind == "close":
            return self.detainee_id.action_close_file(
                self.closing_reason, note=(self.note or "").strip() or None
            )
        if self.kind == "transfer":
            return self.detainee_id.action_transfer(
                self.prison_id.id, self.prison_number, self.date
            )
        return self.detainee_id.action_new_stay(
            self.prison_id.id,
            self.date,
            prison_number=self.prison_number,
            legal_status=self.legal_status or "convicted",
        )
