from contextlib import contextmanager
from datetime import date, timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date
from odoo.tools.translate import translate_sql_constraint

from .siao_housing_place import OCCUPYING_KINDS
from .siao_rules import HELD_PLACE_TYPES, HELD_STAY_END_NOTICE_DAYS

NEXT_STEPS = [
    ("housing", "Ordinary housing"),
    ("adapted_housing", "Supported housing or shelter"),
    ("family", "Family or friends"),
    ("extended", "Stay extended by a coordinator"),
    ("none", "No solution: the 115 told"),
]


class SiaoHousingReservation(models.Model):
    _name = "siao.housing.reservation"
    _description = "Place reservation or occupation"
    _inherit = ["mail.thread", "siao.person.record"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _support_act = True

    place_id = fields.Many2one(
        "siao.housing.place",
        string="Place",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        tracking=True,
    )
    detainee_id = fields.Many2one(
        "siao.detainee",
        string="Person",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        tracking=True,
    )
    place_mismatch = fields.Char(
        string="Needs not met",
        compute="_compute_place_mismatch",
        help="The place goes against a need or a constraint of the person.",
    )
    company_id = fields.Many2one(related="place_id.company_id", store=True, index=True)
    kind = fields.Selection(
        [
            ("reservation", "Reservation (place held)"),
            ("occupation", "Occupation"),
            ("immersion", "Immersion before release"),
        ],
        required=True,
        default="reservation",
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "To confirm"),
            ("confirmed", "Confirmed"),
            ("cancelled", "Cancelled"),
        ],
        default="confirmed",
        required=True,
        tracking=True,
        index=True,
    )
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", tracking=True, help="Empty: open-ended.")
    jap_agreement_date = fields.Date(
        string="JAP agreement", tracking=True, help="Required to confirm an immersion."
    )
    note = fields.Text()
    # A stay in a SAS apartment or a floating place: limited, its next step
    # found before it ends.
    is_held_type = fields.Boolean(related="place_id.is_held_type")
    next_step = fields.Selection(
        NEXT_STEPS,
        string="Next step",
        tracking=True,
        help="Where the person goes when the stay in the SAS apartment or the "
        "floating place ends.",
    )
    next_step_note = fields.Char(string="Next step, in short")
    end_announced = fields.Boolean(
        string="End announced to the referent", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "dates_ordered",
            "CHECK(date_to IS NULL OR date_to >= date_from)",
            "A reservation cannot end before it starts.",
        ),
    ]

    @api.depends("place_id", "detainee_id")
    def _compute_place_mismatch(self):
        for record in self:
            record.place_mismatch = record.place_id._mismatch_note(record.detainee_id)

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("Reservation created")

    def init(self):
        # No two confirmed reservations of one place overlap: PostgreSQL guards it,
        # for concurrent requests too.
        self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        self.env.cr.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = "
            "'siao_housing_reservation_no_overlap'"
        )
        if not self.env.cr.fetchone():
            self.env.cr.execute(
                """
                ALTER TABLE siao_housing_reservation
                  ADD CONSTRAINT siao_housing_reservation_no_overlap
                  EXCLUDE USING gist (
                      place_id WITH =,
                      daterange(date_from, date_to, '[]') WITH &&
                  ) WHERE (state = 'confirmed')
                """
            )

    @api.model
    def default_get(self, fields_list):
        """A booking for a person starts, by default, on their release day (the
        day they need the place), or today once released."""
        values = super().default_get(fields_list)
        if "date_from" in fields_list and not values.get("date_from"):
            person = (
                self.env["siao.detainee"].browse(values.get("detainee_id")).exists()
                if isinstance(values.get("detainee_id"), int)
                else None
            )
            if person:
                values["date_from"] = person._place_needed_from()
        return values

    @api.depends("place_id", "detainee_id", "kind")
    @api.depends_context("uid")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for reservation in self:
            reservation.display_name = _(
                "%(kind)s of %(place)s for %(person)s (%(dates)s)",
                kind=labels.get(reservation.kind, ""),
                place=reservation.place_id.name or "",
                person=reservation.detainee_id.name or "",
                dates=reservation._dates_label(),
            )
        self._hide_unreadable_names()

    def _dates_label(self):
        start = self.date_from and self.date_from.strftime("%d/%m/%Y") or ""
        end = self.date_to and self.date_to.strftime("%d/%m/%Y") or "…"
        return f"{start} – {end}"

    def _covers(self, day):
        self.ensure_one()
        return (
            self.state == "confirmed"
            and self.date_from <= day
            and (not self.date_to or day <= self.date_to)
        )

    # ---- Constraints ----
    @api.constrains("kind", "state", "jap_agreement_date")
    def _check_immersion(self):
        for reservation in self:
            if (
                reservation.kind == "immersion"
                and reservation.state == "confirmed"
                and not reservation.jap_agreement_date
            ):
                raise ValidationError(
                    _(
                        "An immersion before release is confirmed only with the "
                        "JAP's agreement date."
                    )
                )

    def _held_lengths(self):
        """{id: days} of these bookings (open-ended: longer than any)."""
        return {
            booking.id: ((booking.date_to or date.max) - booking.date_from).days
            for booking in self
        }

    def _check_held_stay_length(self, before=None):
        """A stay in a SAS apartment or a floating place ends, within the
        company's longest stay, unless a coordinator extended it; a stay made
        shorter always passes (``before``: the lengths before the write), so
        that ending it never fails."""
        coordinator = self.env.su or self.env.user.has_group(
            "siao_justice.group_siao_manager"
        )
        lengths = self._held_lengths()
        for booking in self.filtered(lambda b: b.state == "confirmed"):
            place = booking.place_id.sudo()
            if not place.is_held_type:
                continue
            last = place._held_stay_end(booking.date_from)
            if booking.date_to and booking.date_to <= last:
                continue
            if before and lengths[booking.id] <= before.get(booking.id, -1):
                continue
            if booking.next_step == "extended" and coordinator:
                continue
            raise ValidationError(
                _(
                    "A stay in a SAS apartment or a floating place lasts "
                    "%(days)s days at most: it ends on %(last)s or before.",
                    days=place.company_id.siao_held_place_max_days,
                    last=format_date(self.env, last),
                )
            )

    @api.constrains("place_id", "date_from", "date_to", "state")
    def _check_within_availability(self):
        """A place is booked within its availability only: before it, the booking
        would not count in the place's occupancy."""
        for booking in self.filtered(lambda b: b.state == "confirmed"):
            place = booking.place_id.sudo()
            until = place.available_until
            if booking.date_from >= place.available_from and not (
                until and (not booking.date_to or booking.date_to > until)
            ):
                continue
            start = format_date(self.env, place.available_from)
            if until:
                raise ValidationError(
                    _(
                        "The place %(place)s takes someone from %(start)s to "
                        "%(end)s: book it within those dates.",
                        place=place.name,
                        start=start,
                        end=format_date(self.env, until),
                    )
                )
            raise ValidationError(
                _(
                    "The place %(place)s takes someone from %(start)s: book it "
                    "from that day.",
                    place=place.name,
                    start=start,
                )
            )

    # ---- CRUD ----
    @api.model_create_multi
    def create(self, vals_list):
        checked = self._boundary(vals_list, creating=True)
        for vals in vals_list:
            self._check_extension(vals)
            if vals.get("kind") == "immersion" and "state" not in vals:
                vals["state"] = "draft"
        with self._overlap_guard():
            bookings = super(SiaoHousingReservation, checked).create(vals_list)
        bookings._check_held_stay_length()
        return bookings

    def _check_extension(self, vals):
        if (
            vals.get("next_step") == "extended"
            and not self.env.su
            and not self.env.user.has_group("siao_justice.group_siao_manager")
        ):
            raise UserError(
                _("Only a coordinator extends a stay beyond the longest stay.")
            )

    def write(self, vals):
        self._check_extension(vals)
        checked = self._boundary([vals])
        before = self._held_lengths()
        if "date_to" in vals:
            # A new end is announced again a week before it.
            vals = dict(vals, end_announced=False)
        with self._overlap_guard():
            result = super(SiaoHousingReservation, checked).write(vals)
            self.flush_recordset()
        if {"place_id", "date_from", "date_to", "state", "next_step"} & set(vals):
            self._check_held_stay_length(before)
        if vals.get("next_step"):
            self._close_end_activities()
        # A place held that ends, or is cancelled: its attestation holds no more.
        self.env["siao.attestation"]._recheck(self.sudo().detainee_id)
        return result

    @contextmanager
    def _overlap_guard(self):
        """PostgreSQL decides (for bookings of the same call, or made at the same
        instant, too); its refusal is told in the user's language, naming no one
        (the other booking may be a file the caller may not read)."""
        try:
            with self.env.cr.savepoint():
                yield
        except psycopg2.errors.ExclusionViolation as exc:
            raise ValidationError(
                _("This place is already taken over these dates.")
            ) from exc
        except (psycopg2.errors.CheckViolation, psycopg2.errors.DataException) as exc:
            # daterange() refuses reversed dates (a plain data exception, 22000)
            # before the CHECK constraint does.
            if exc.pgcode not in ("22000", "23514"):
                raise
            raise ValidationError(
                translate_sql_constraint(
                    self.env.cr,
                    f"{self._table}_dates_ordered",
                    self.env.lang or "en_US",
                )
            ) from exc

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(reservation.state == "confirmed" for reservation in self):
            raise UserError(
                _("Cancel the reservation instead of deleting it: it is history.")
            )

    @api.model
    def _occupy(self, person, place, day):
        """The person enters the place on ``day`` (an admission, a measure's entry
        into housing): what was held for them there from then on becomes the
        occupation, open-ended, under the same no-overlap guard as any booking.
        Returns the occupation."""
        Reservation = self.sudo()
        mine = Reservation.search(
            [
                ("detainee_id", "=", person.id),
                ("place_id", "=", place.id),
                ("state", "=", "confirmed"),
            ]
        )
        occupied = mine.filtered(lambda r: r.kind == "occupation" and r._covers(day))
        if occupied:
            return occupied[:1]
        mine.filtered(lambda r: r.kind != "occupation")._end_before(day)
        return Reservation.create(
            {
                "place_id": place.id,
                "detainee_id": person.id,
                "kind": "occupation",
                "state": "confirmed",
                "date_from": day,
                "date_to": place._held_stay_end(day),
            }
        )

    def _end_before(self, day):
        """The person is back in prison on ``day``: what was held for them from then
        on ends the day before (or is cancelled, if it had not begun)."""
        held = self.filtered(
            lambda r: r.state in ("draft", "confirmed")
            and (not r.date_to or r.date_to >= day)
        )
        started = held.filtered(lambda r: r.date_from < day)
        started.sudo().write({"date_to": day - timedelta(days=1)})
        (held - started).sudo().write({"state": "cancelled"})

    @api.model
    def _announce_held_stay_ends(self, company):
        """A week before a stay in a SAS apartment or a floating place ends
        without its next step: an activity for the person's referent."""
        today = company.siao_today()
        stays = (
            self.sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "confirmed"),
                    ("kind", "in", OCCUPYING_KINDS),
                    ("place_id.place_type", "in", HELD_PLACE_TYPES),
                    ("date_to", ">=", today),
                    (
                        "date_to",
                        "<=",
                        today + timedelta(days=HELD_STAY_END_NOTICE_DAYS),
                    ),
                    ("next_step", "=", False),
                    ("end_announced", "=", False),
                    ("detainee_id.active", "=", True),
                    ("detainee_id.frozen", "=", False),
                ]
            )
            .with_context(siao_not_a_contact=True)
        )
        activity_type = self.env.ref("siao_justice.mail_activity_type_held_stay_end")
        for stay in stays:
            user = stay.detainee_id.user_id or self.env.user
            env = self.with_context(lang=user.lang).env
            stay.detainee_id.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=user.id,
                date_deadline=stay.date_to,
                summary=env._(
                    "The stay in %(place)s ends on %(day)s: record the next step",
                    place=stay.place_id.name,
                    day=format_date(env, stay.date_to),
                ),
            )
        stays.end_announced = True

    def _close_end_activities(self):
        """The next step is recorded: the activity that asked for it is done."""
        activity_type = self.env.ref("siao_justice.mail_activity_type_held_stay_end")
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "siao.detainee"),
                    ("res_id", "in", self.detainee_id.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        if activities:
            activities.action_feedback(feedback=_("Next step recorded."))

    # ---- Actions ----
    def action_confirm(self):
        self.write({"state": "confirmed"})
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True
