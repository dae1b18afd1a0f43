from odoo import fields, models


class SiaoDetaineeTransfer(models.Model):
    """A move of a detained person from one prison to another during a stay."""

    _name = "siao.detainee.transfer"
    _description = "Transfer between prisons"
    _inherit = ["siao.person.record"]
    _order = "stay_id, transfer_date desc, id desc"

    stay_id = fields.Many2one(
        "siao.detainee.stay",
        string="Stay",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    detainee_id = fields.Many2one(
        related="stay_id.detainee_id", store=True, index=True, string="Person"
    )
    company_id = fields.Many2one(related="stay_id.company_id", store=True, index=True)
    transfer_date = fields.Date(string="Transfer date", required=True, readonly=True)
    from_prison_id = fields.Many2one(
        "res.partner", string="From", ondelete="restrict", readonly=True
    )
    from_prison_number = fields.Char(string="Former prison number", readonly=True)
    to_prison_id = fields.Many2one(
        "res.partner", string="To", ondelete="restrict", readonly=True
    )
    to_prison_number = fields.Char(string="New prison number", readonly=True)
