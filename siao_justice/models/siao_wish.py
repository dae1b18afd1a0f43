"""What the person wants, in their own words: where, what kind of place, with
whom. Needs (``siao.need.tag``) are what the person requires and rule a place
out; wishes are what they want and rank the places that fit. Each wish is dated
with how it was said; a new one does not erase the last, the file keeps them all
and reads the newest."""

from odoo import _, api, fields, models
from odoo.tools import format_date

from .siao_rules import COLLECTIVE_PLACE_TYPES, normalise_text

WISH_WAYS = [
    ("interview", "In an interview"),
    ("office_hours", "At office hours in prison"),
    ("letter", "By letter"),
    ("reply_slip", "Reply slip of a letter"),
    ("spip", "Through the SPIP"),
]
COLLECTIVE_LIFE = [
    ("yes", "Collective life suits them"),
    ("no", "No collective life"),
    ("either", "Either"),
]


class SiaoWish(models.Model):
    _name = "siao.wish"
    _description = "Wishes of the person"
    _inherit = ["siao.person.record"]
    _order = "date desc, id desc"
    _support_act = True

    detainee_id = fields.Many2one(
        "siao.detainee", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="detainee_id.company_id", store=True, index=True
    )
    request_id = fields.Many2one(
        "siao.request",
        string="For the request",
        ondelete="set null",
        index=True,
        domain="[('detainee_id', '=', detainee_id)]",
        help="Empty: the person's wishes for any request.",
    )
    date = fields.Date(
        string="Said on",
        required=True,
        default=lambda self: self.env.company.siao_today(),
    )
    how = fields.Selection(WISH_WAYS, string="Said", required=True, default="interview")
    area = fields.Char(
        string="Where", help="A town, a district, near whom: as the person says it."
    )
    avoid_area = fields.Char(string="Away from")
    near_family = fields.Boolean(string="Near their family")
    place_type = fields.Selection(
        lambda self: self.env["siao.housing.place"]._fields["place_type"].selection,
        string="Kind of place",
    )
    collective_life = fields.Selection(COLLECTIVE_LIFE, default="either")
    with_partner = fields.Boolean(string="With their partner")
    with_children = fields.Boolean(string="With their children")
    with_animal = fields.Boolean(string="With an animal")
    # The person's own words stay with the association's workers.
    note = fields.Text(string="In their words", groups="siao_justice.group_siao_user")
    user_id = fields.Many2one(
        "res.users", string="Recorded by", readonly=True, default=lambda s: s.env.user
    )
    summary = fields.Char(compute="_compute_summary")

    @api.depends(
        "area",
        "avoid_area",
        "near_family",
        "place_type",
        "collective_life",
        "with_partner",
        "with_children",
        "with_animal",
    )
    def _compute_summary(self):
        place_types = dict(self._fields["place_type"]._description_selection(self.env))
        for wish in self:
            parts = [
                wish.area,
                wish.avoid_area and _("away from %s", wish.avoid_area),
                wish.near_family and _("near their family"),
                wish.place_type and place_types[wish.place_type],
                wish.collective_life == "no" and _("no collective life"),
                wish.collective_life == "yes" and _("collective life suits them"),
                wish.with_partner and _("with their partner"),
                wish.with_children and _("with their children"),
                wish.with_animal and _("with an animal"),
            ]
            wish.summary = " · ".join(part for part in parts if part) or _(
                "No wish said"
            )

    @api.depends("summary", "date")
    def _compute_display_name(self):
        for wish in self:
            wish.display_name = _(
                "%(wishes)s (%(day)s)",
                wishes=wish.summary,
                day=wish.date and format_date(self.env, wish.date),
            )
        self._hide_unreadable_names()

    @api.constrains("date")
    def _check_date(self):
        for wish in self:
            if wish.date > wish.company_id.siao_today():
                raise models.ValidationError(
                    _("A wish is dated on the day it was said, not in the future.")
                )

    def _rank_of(self, place):
        """How many of these wishes the place answers (0 when there is none): a
        wish ranks a place, it never rules one out."""
        if not self:
            return 0
        self.ensure_one()
        place = place.sudo()
        score = 0
        if self.place_type and place.place_type == self.place_type:
            score += 1
        if self.collective_life in ("yes", "no"):
            collective = place.place_type in COLLECTIVE_PLACE_TYPES
            score += collective == (self.collective_life == "yes")
        town = normalise_text(place.structure_id.city or "")
        if self.area and town and town in normalise_text(self.area):
            score += 1
        if self.avoid_area and town and town in normalise_text(self.avoid_area):
            score -= 1
        return score
