from odoo import fields, models

from .res_company import company_today


class SiaoAvdlRenewal(models.Model):
    _name = "siao.avdl.renewal"
    _description = "AVDL measure renewal"
    _inherit = ["siao.person.record"]
    _order = "date, id"

    measure_id = fields.Many2one(
        "siao.avdl.measure", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="measure_id.company_id", store=True, index=True
    )
    date = fields.Date(required=True, default=company_today, index=True)
    reason = fields.Text(required=True)
    previous_end_date = fields.Date()
    new_end_date = fields.Date()
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, ondelete="set null"
    )
