from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

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
    available_from = fields.Date(
        default=fields.Date.context_today,
        required=True,
        help="First day the place can take someone (occupancy rates count from it).",
    )
    available_until = fields.Date(help="Last day, when the place is given back.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True, tracking=True)
    note = fields.Text()
    reservation_ids = fields.One2many(
        "siao.housing.reservation", "place_id", string="Reservations"
    )
    state = fields.Selection(
        [("free", "Free"), ("reserved", "Reserved"), ("occupied", "Occupied")],
        compute="_compute_state",
        store=True,
        index=True,
        group_expand=True,
        help="Today's state: recomputed every day.",
    )
    current_reservation_id = fields.Many2one(
        "siao.housing.reservation",
        compute="_compute_state",
        store=True,
        string="Current",
    )

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("Place created")

    @api.depends(
        "reservation_ids.state",
        "reservation_ids.date_from",
        "reservation_ids.date_to",
        "reservation_ids.kind",
    )
    def _compute_state(self):
        today = fields.Date.today()
        for place in self:
            current = place.reservation_ids.filtered(lambda r: r._covers(today))[:1]
            place.current_reservation_id = current
            if not current:
                place.state = "free"
            else:
                place.state = (
                    "reserved" if current.kind == "reservation" else "occupied"
                )

    @api.constrains("available_from", "available_until")
    def _check_availability(self):
        for place in self:
            if place.available_until and place.available_until < place.available_from:
                raise ValidationError(
                    _("A place cannot be given back before it opens.")
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_never_booked(self):
        if self.with_context(active_test=False).reservation_ids:
            raise UserError(
                _("This place has reservations: archive it instead of deleting it.")
            )

    @api.model
    def _cron_update_state(self):
        """The state is today's: recompute it for places with reservations."""
        places = self.with_context(active_test=False).search(
            [("reservation_ids", "!=", False)]
        )
        self.env.add_to_compute(self._fields["state"], places)
        self.env.add_to_compute(self._fields["current_reservation_id"], places)
        places.flush_recordset(["state", "current_reservation_id"])

    def _occupied_days(self, date_from, date_to):
        """Days occupied and days open over the period (both included), per place."""
        result = {}
        for place in self:
            start = max(date_from, place.available_from)
            end = min(date_to, place.available_until or date_to)
            open_days = max((end - start).days + 1, 0)
            occupied = set()
            for reservation in place.reservation_ids.filtered(
                lambda r: r.state == "confirmed"
                and r.kind in ("occupation", "immersion")
            ):
                first = max(start, reservation.date_from)
                last = min(end, reservation.date_to or end)
                occupied.update(
                    first.toordinal() + offset
                    for offset in range((last - first).days + 1)
                )
            result[place.id] = (len(occupied), open_days)
        return result

    def _occupancy(self, date_from, date_to):
        """(days occupied, days open) of these places over the period: the
        occupancy rate's numerator and denominator, for the CPOM too."""
        days = self._occupied_days(
            fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        )
        return (
            sum(value[0] for value in days.values()),
            sum(value[1] for value in days.values()),
        )

    def occupancy_rate(self, date_from, date_to):
        """Share of the open days of these places that were occupied
        (None when they were open no day)."""
        occupied, open_days = self._occupancy(date_from, date_to)
        return occupied / open_days if open_days else None
