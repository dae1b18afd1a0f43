from odoo import fields, models

from .siao_request import ORIENTATION_TYPES

PLACE_TYPES = ORIENTATION_TYPES + [
    ("sas_apartment", "SAS apartment (kept free for releases)"),
    ("floating_place", "Floating place"),
]


class SiaoHousingPlace(models.Model):
    _name = "siao.housing.place"
    _description = "Housing place"
    _inherit = ["mail.thread", "siao.input.validation"]
    _order = "structure_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    structure_id = fields.Many2one(
        "res.partner",
        string="Structure",
        required=True,
        ondelete="restrict",
        index=True,
        domain="[('siao_partner_type', 'in', ('host_structure', 'landlord'))]",
        tracking=True,
    )
    place_type = fields.Selection(
        PLACE_TYPES, string="Type", required=True, default="chrs", tracking=True
    )
    justice_reserved = fields.Boolean(
        string="Reserved for people leaving prison", tracking=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True, tracking=True)
    note = fields.Text()
