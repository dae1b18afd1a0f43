"""The household of a request: the persons who would live with the person (a
partner, children with their birth dates), as SI-SIAO records them. Those not
housed already count in the size of the place to find."""

from odoo import _, api, fields, models

HOUSEHOLD_RELATIONS = [
    ("partner", "Partner"),
    ("child", "Child"),
    ("other", "Other relative"),
]


class SiaoRequestMember(models.Model):
    _name = "siao.request.member"
    _description = "Member of the household of a request"
    _inherit = ["siao.person.record"]
    _order = "request_id, relation, birthdate, id"

    request_id = fields.Many2one(
        "siao.request", required=True, ondelete="cascade", index=True
    )
    detainee_id = fields.Many2one(
        related="request_id.detainee_id", store=True, index=True
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )
    relation = fields.Selection(HOUSEHOLD_RELATIONS, required=True, default="child")
    first_name = fields.Char(required=True)
    birthdate = fields.Date()
    already_housed = fields.Boolean(
        help="Already housed (by the other parent, family...): not counted in the "
        "size of the place to find."
    )

    @api.constrains("birthdate")
    def _check_birthdate(self):
        for member in self:
            if member.birthdate and member.birthdate > member.company_id.siao_today():
                raise models.ValidationError(
                    _("A member's birth date cannot be in the future.")
                )
