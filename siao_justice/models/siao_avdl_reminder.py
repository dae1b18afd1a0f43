from odoo import fields, models


class SiaoAvdlReminder(models.Model):
    _name = "siao.avdl.reminder"
    _description = "AVDL end-of-period reminder sent"
    _inherit = ["siao.person.record"]

    measure_id = fields.Many2one(
        "siao.avdl.measure", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="measure_id.company_id", store=True)
    period_index = fields.Integer(required=True)
    activity_id = fields.Many2one("mail.activity", ondelete="set null")

    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE(measure_id, period_index)",
            "This reminder was already sent.",
        )
    ]
