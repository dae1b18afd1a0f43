from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .res_company import company_today, flag_domain
from .siao_request import ORIENTATION_TYPES
from .siao_rules import HELD_PLACE_TYPES

PLACE_TYPES = ORIENTATION_TYPES + [
    ("sas_apartment", "SAS apartment (kept free for releases)"),
    ("floating_place", "Floating place"),
]
# The places ranked for a person, at most (a département's places, searched once).
FIT_CANDIDATES = 500
# The bookings during which someone lives in the place (a reservation alone holds it).
OCCUPYING_KINDS = ("occupation", "immersion")


def place_days_sql(place, first_day, last_day):
    """One row (open_days, occupied_days, stays_ended, stay_days) for the place
    ``place`` (an SQL alias of siao_housing_place) over [first_day, last_day]
    (SQL dates, both included): the days it was open, the days someone lived in
    it (PostgreSQL keeps confirmed bookings of a place from overlapping: their days
    add up), and the stays that ended in the window with their whole length. The
    one definition of a place's occupancy: the place's rate, the contingents' figures
    and their report view read it."""
    return SQL(
        """SELECT GREATEST(window_.last_day - window_.first_day + 1, 0) AS open_days,
                  COALESCE(sum(GREATEST(
                      LEAST(window_.last_day, COALESCE(stay.date_to, window_.last_day))
                      - GREATEST(window_.first_day, stay.date_from) + 1, 0))
                      FILTER (WHERE stay.id IS NOT NULL), 0) AS occupied_days,
                  count(stay.id) FILTER (
                      WHERE stay.date_to BETWEEN window_.first_day AND window_.last_day
                  ) AS stays_ended,
                  COALESCE(sum(stay.date_to - stay.date_from + 1) FILTER (
                      WHERE stay.date_to BETWEEN window_.first_day AND window_.last_day
                  ), 0) AS stay_days
             FROM (SELECT GREATEST(%(first)s, %(place)s.available_from) AS first_day,
                          LEAST(%(last)s, COALESCE(%(place)s.available_until,
                                                   %(last)s)) AS last_day
                  ) AS window_
        LEFT JOIN siao_housing_reservation stay
               ON stay.place_id = %(place)s.id
              AND stay.state = 'confirmed'
              AND stay.kind IN %(kinds)s
              AND stay.date_from <= window_.last_day
              AND (stay.date_to IS NULL OR stay.date_to >= window_.first_day)
         GROUP BY window_.first_day, window_.last_day""",
        place=place,
        first=first_day,
        last=last_day,
        kinds=OCCUPYING_KINDS,
    )


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
        default=company_today,
        required=True,
        help="First day the place can take someone (occupancy rates count from it).",
    )
    available_until = fields.Date(help="Last day, when the place is given back.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True, tracking=True)
    note = fields.Text()
    need_tag_ids = fields.Many2many(
        "siao.need.tag",
        string="Accepts or offers",
        help="What the place accepts or offers (an animal, reduced mobility, a "
        "couple...) and the zone it lies in: the persons' needs are matched with it.",
    )
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
    free_today = fields.Boolean(
        string="Free today",
        compute="_compute_free_today",
        search="_search_free_today",
        help="Open today (the association's day) and neither reserved nor occupied.",
    )
    current_reservation_id = fields.Many2one(
        "siao.housing.reservation",
        compute="_compute_state",
        store=True,
        string="Current",
    )
    capacity = fields.Integer(
        string="Persons housed",
        default=1,
        tracking=True,
        help="How many persons the place houses together: a household larger "
        "than it comes after the places that take it.",
    )

    is_held_type = fields.Boolean(
        string="Kept for releases without a place",
        compute="_compute_is_held_type",
        help="A SAS apartment or a floating place: proposed first to a person at "
        "risk of a dry exit whose release is near, its stay limited.",
    )

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("Place created")

    @api.depends("place_type")
    def _compute_is_held_type(self):
        for place in self:
            place.is_held_type = place.place_type in HELD_PLACE_TYPES

    def _held_stay_end(self, first_day):
        """The last day of a stay from ``first_day`` in this place when it is
        kept for releases (the company's longest stay), else False (open)."""
        self.ensure_one()
        if not self.is_held_type:
            return False
        days = self.sudo().company_id.siao_held_place_max_days
        return fields.Date.to_date(first_day) + timedelta(days=days - 1)

    @api.depends(
        "reservation_ids.state",
        "reservation_ids.date_from",
        "reservation_ids.date_to",
        "reservation_ids.kind",
    )
    def _compute_state(self):
        for place in self:
            today = place.company_id.siao_today()
            current = place.reservation_ids.filtered(
                lambda r, today=today: r._covers(today)
            )[:1]
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

    def _occupancy(self, date_from, date_to):
        """(days occupied, days open) of these places over the period: the
        occupancy rate's numerator and denominator, for the CPOM too (the one
        definition, ``place_days_sql``)."""
        if not self:
            return 0, 0
        self.env["siao.housing.reservation"].flush_model()
        self.flush_recordset(["available_from", "available_until"])
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(sum(days.open_days), 0),
                          COALESCE(sum(days.occupied_days), 0)
                     FROM siao_housing_place place, LATERAL (%(days)s) AS days
                    WHERE place.id = ANY(%(ids)s)""",
                days=place_days_sql(
                    SQL("place"),
                    SQL("%s::date", fields.Date.to_date(date_from)),
                    SQL("%s::date", fields.Date.to_date(date_to)),
                ),
                ids=self.ids,
            )
        )
        open_days, occupied = self.env.cr.fetchone()
        return occupied, open_days

    # ---- Fitting places first ----
    @api.model
    def _free_today_domain(self):
        return [("state", "=", "free")] + self.env["res.company"]._siao_per_day_domain(
            lambda today: [
                ("available_from", "<=", today),
                "|",
                ("available_until", "=", False),
                ("available_until", ">=", today),
            ]
        )

    def _compute_free_today(self):
        free = self.filtered_domain(self._free_today_domain())
        for place in self:
            place.free_today = place in free

    def _search_free_today(self, operator, value):
        return flag_domain(self.env, self._free_today_domain(), operator, value)

    def _free_between(self, date_from, date_to):
        """The places of ``self`` open and without any confirmed booking over
        [date_from, date_to] (date_to empty: from date_from on)."""
        if not self:
            return self
        self.env["siao.housing.reservation"].flush_model()
        self.flush_recordset(["available_from", "available_until"])
        self.env.cr.execute(
            SQL(
                """SELECT place.id FROM siao_housing_place place
                    WHERE place.id = ANY(%(ids)s)
                      AND place.available_from <= %(start)s
                      AND (place.available_until IS NULL
                           OR place.available_until >= COALESCE(%(end)s, %(start)s))
                      AND NOT EXISTS (
                          SELECT 1 FROM siao_housing_reservation booking
                           WHERE booking.place_id = place.id
                             AND booking.state = 'confirmed'
                             AND daterange(booking.date_from, booking.date_to, '[]')
                                 && daterange(%(start)s, %(end)s, '[]'))""",
                ids=self.ids,
                start=date_from,
                end=date_to or None,
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _mismatch_for(self, person):
        """The person's needs and constraints this place goes against."""
        self.ensure_one()
        return self.env["siao.need.tag"]._mismatch(
            person.sudo().need_tag_ids, self.sudo().need_tag_ids
        )

    def _mismatch_note(self, person):
        """What to warn of when this place is proposed or reserved for ``person``
        (False when it fits, or when the user may not read the needs)."""
        if (
            not self
            or not person
            or not (
                self.env.su or self.env.user.has_group("siao_justice.group_siao_user")
            )
        ):
            return False
        mismatch = self[:1]._mismatch_for(person)
        if not mismatch:
            return False
        return _(
            "This place goes against the person's needs: %(tags)s.",
            tags=", ".join(mismatch.mapped("name")),
        )

    def _ranked_for(self, person, date_from, date_to=None):
        """These places for ``person`` over the period: the free ones first,
        then those that meet the person's needs (a need rules a place out), then
        those large enough for the household of the current request, then the
        SAS apartments and floating places for a person at risk of a dry exit
        (the others' places for anyone else: they are kept for those releases),
        then those that answer more of the person's newest wishes (a wish ranks a
        place): a list of (place, free, tags the place goes against)."""
        date_from = fields.Date.to_date(date_from) or self.env.company.siao_today()
        free = self._free_between(date_from, fields.Date.to_date(date_to))
        # The wishes and the household as the user may read them.
        wish = person.current_wish_id
        request = person.current_request_id
        if not self.env.su:
            request = request._filtered_access("read")
        household = request.household_size or 1
        at_risk = person.sudo().dry_exit_risk
        rows = []
        for place in self:
            mismatch = place._mismatch_for(person)
            key = (
                place not in free,
                bool(mismatch),
                0 < place.capacity < household,
                place.is_held_type != at_risk,
                -wish._rank_of(place),
            )
            rows.append((key, (place, place in free, mismatch)))
        rows.sort(key=lambda row: row[0])
        return [row for _key, row in rows]

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """Proposing or reserving a place for a person (``siao_fit_person_id``, over
        ``siao_fit_date_from``/``siao_fit_date_to``): the free places that fit come
        first, and a place that goes against the person's needs says so."""
        person_id = self.env.context.get("siao_fit_person_id")
        if not isinstance(person_id, int) or isinstance(person_id, bool):
            return super().name_search(name, args, operator, limit)
        # The needs are the social workers' to read (a restricted field).
        person = (
            self.env["siao.detainee"]
            .browse(person_id)
            .exists()
            ._filtered_access("read")
        )
        if not person or not (
            self.env.su or self.env.user.has_group("siao_justice.group_siao_user")
        ):
            return super().name_search(name, args, operator, limit)
        domain = expression.AND(
            [args or [], [("display_name", operator, name)] if name else []]
        )
        places = self.search(domain, limit=FIT_CANDIDATES)
        context = self.env.context
        rows = places._ranked_for(
            person,
            context.get("siao_fit_date_from") or person.estimated_release_date,
            context.get("siao_fit_date_to"),
        )
        return [
            (place.id, place._fit_label(free, mismatch))
            for place, free, mismatch in rows[: limit or None]
        ]

    def _fit_label(self, free, mismatch):
        if mismatch:
            return _(
                "%(place)s ⚠ %(tags)s",
                place=self.display_name,
                tags=", ".join(mismatch.mapped("name")),
            )
        if not free:
            return _("%(place)s (taken over these dates)", place=self.display_name)
        return self.display_name

    def occupancy_rate(self, date_from, date_to):
        """Share of the open days of these places that were occupied
        (None when they were open no day)."""
        occupied, open_days = self._occupancy(date_from, date_to)
        return occupied / open_days if open_days else None
