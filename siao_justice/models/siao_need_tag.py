from odoo import api, fields, models

NEED_TAG_KINDS = [
    ("need", "Need: the place must accept or offer it"),
    ("prohibited_zone", "Prohibited zone: the place must not lie in it"),
]


class SiaoNeedTag(models.Model):
    """A need or a constraint of a person (reduced mobility, an animal, a zone the
    court forbids...) and, on a place, what it accepts or offers, or the zone it
    lies in. Never an offence."""

    _name = "siao.need.tag"
    _description = "Need or constraint"
    _inherit = ["siao.input.validation"]
    _order = "kind, name"

    name = fields.Char(required=True)
    kind = fields.Selection(NEED_TAG_KINDS, required=True, default="need")
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: shared by every company."
    )

    _sql_constraints = [
        ("name_unique", "UNIQUE(name, kind, company_id)", "This tag already exists."),
    ]

    @api.model
    def _mismatch(self, needs, offered):
        """The tags of a person (``needs``) that a place offering ``offered`` goes
        against: a need it does not meet, a prohibited zone it lies in. The one
        rule of what fits."""
        return (needs.filtered(lambda t: t.kind == "need") - offered) | (
            needs.filtered(lambda t: t.kind == "prohibited_zone") & offered
        )
