"""The first night outside: a plan for the day of release, on the file from a week
before it (where the person sleeps that night, its address and opening hours, how
they get there from the prison, the 115 told when there is no place, the person
told). The day before, a file without a ready plan alerts the coordinators, who
hold a SAS apartment or a floating place for that night in one click. The morning
after, the worker records whether the person got there; the workbook counts the
first nights covered beside the dry exits."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .siao_rules import HELD_PLACE_TYPES, RELEASE_PLAN_NOTICE_DAYS

FIRST_NIGHT_KINDS = [
    ("housing", "The place found (housing, structure)"),
    ("held_place", "A SAS apartment or a floating place held"),
    ("family", "Family or friends"),
    ("emergency", "No place: the 115 told"),
]
# What the plan says, changed only while the release is to come.
PLAN_FIELDS = (
    "first_night",
    "place_name",
    "address",
    "opening_hours",
    "route",
    "emergency_told_on",
    "person_told_on",
    "note",
)
# What a plan's readiness is read from (``_missing_labels``).
READY_INPUTS = (
    "first_night",
    "place_name",
    "address",
    "opening_hours",
    "route",
    "emergency_told_on",
    "person_told_on",
)
# Where and how: the person told of them is told again when they change.
WHERE_AND_HOW = ("first_night", "place_name", "address", "opening_hours", "route")
ARRIVALS = [
    ("arrived", "Arrived"),
    ("not_arrived", "Did not arrive"),
    ("unknown", "Unknown"),
]


class SiaoReleasePlan(models.Model):
    _name = "siao.release.plan"
    _description = "Release-day plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "siao.person.record"]
    _order = "release_date desc, id desc"
    _support_act = True

    detainee_id = fields.Many2one(
        "siao.detainee", required=True, ondelete="cascade", index=True
    )
    stay_id = fields.Many2one(
        "siao.detainee.stay",
        string="Stay in prison",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        related="detainee_id.company_id", store=True, index=True
    )
    is_current = fields.Boolean(related="stay_id.is_current", store=True, index=True)
    release_date = fields.Date(
        string="Release on",
        compute="_compute_release_date",
        store=True,
        index=True,
        help="The day the person was released, or the day their release is "
        "planned for.",
    )
    first_night = fields.Selection(
        FIRST_NIGHT_KINDS, string="The first night", tracking=True
    )
    place_name = fields.Char(string="Where the person sleeps", tracking=True)
    address = fields.Text(tracking=True)
    opening_hours = fields.Char(
        string="Opening hours", help="When the person is expected there."
    )
    route = fields.Text(string="How to get there from the prison", tracking=True)
    reservation_id = fields.Many2one(
        "siao.housing.reservation",
        string="Place held for the night",
        readonly=True,
        ondelete="set null",
        copy=False,
    )
    emergency_told_on = fields.Date(
        string="115 told on", tracking=True, help="When the person has no place."
    )
    person_told_on = fields.Date(
        string="Person told on",
        tracking=True,
        help="Set when the letter of the release-day plan is sent, or by hand when "
        "the person was told otherwise (office hours, the establishment).",
    )
    note = fields.Text(groups="siao_justice.group_siao_user")
    ready = fields.Boolean(
        compute="_compute_ready",
        store=True,
        index=True,
        help="The person knows where to sleep the first night and how to get there.",
    )
    missing = fields.Char(string="Still to give", compute="_compute_missing")
    arrival = fields.Selection(ARRIVALS, readonly=True, tracking=True, copy=False)
    arrival_recorded_on = fields.Date(
        string="Arrival recorded on", readonly=True, copy=False
    )
    arrival_recorded_by_id = fields.Many2one(
        "res.users", string="Arrival recorded by", readonly=True, copy=False
    )
    arrival_asked = fields.Boolean(
        string="Arrival asked of the referent", readonly=True, copy=False
    )
    is_open = fields.Boolean(
        string="Release to come",
        compute="_compute_is_open",
        help="The plan of the current stay of a person still in prison.",
    )
    arrival_due = fields.Boolean(
        string="Arrival to record",
        compute="_compute_is_open",
        help="The day of release has come and the arrival is not recorded yet.",
    )

    _sql_constraints = [
        (
            "stay_unique",
            "UNIQUE(stay_id)",
            "A stay in prison has one release-day plan.",
        )
    ]

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("Release-day plan created")

    @api.depends("detainee_id", "release_date")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = _(
                "Release-day plan – %(person)s", person=plan.detainee_id.display_name
            )
        self._hide_unreadable_names()

    @api.depends(
        "stay_id.actual_release_date",
        "stay_id.is_current",
        "detainee_id.estimated_release_date",
    )
    def _compute_release_date(self):
        for plan in self:
            plan.release_date = plan.stay_id.actual_release_date or (
                plan.stay_id.is_current and plan.detainee_id.estimated_release_date
            )

    @api.depends(
        "is_current", "detainee_id.state", "stay_id.actual_release_date", "arrival"
    )
    def _compute_is_open(self):
        for plan in self:
            today = plan.company_id.siao_today()
            plan.is_open = plan.is_current and plan.detainee_id.state == "detained"
            plan.arrival_due = bool(
                plan.arrival in (False, "unknown")
                and plan.stay_id.actual_release_date
                and plan.stay_id.actual_release_date <= today
            )

    def _missing_labels(self):
        """What the plan still lacks for the person to know where to sleep the
        first night and how to get there: the one rule of a ready plan."""
        self.ensure_one()
        labels = dict(self._fields_labels())
        if not self.first_night:
            return [labels["first_night"]]
        needed = (
            ["emergency_told_on"]
            if self.first_night == "emergency"
            else ["place_name", "address", "route"]
            + (["opening_hours"] if self.first_night != "family" else [])
        )
        return [labels[name] for name in needed + ["person_told_on"] if not self[name]]

    def _fields_labels(self):
        return [
            (name, self._fields[name]._description_string(self.env))
            for name in READY_INPUTS
        ]

    @api.depends(*READY_INPUTS)
    def _compute_ready(self):
        for plan in self:
            plan.ready = not plan._missing_labels()

    @api.depends(*READY_INPUTS)
    def _compute_missing(self):
        for plan in self:
            plan.missing = ", ".join(plan._missing_labels()) or False

    # ---- CRUD ----
    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        plans._close_alerts_when_ready()
        return plans

    def write(self, vals):
        if not self.env.su:
            if "stay_id" in vals:
                raise UserError(_("A release-day plan stays with its stay."))
            if set(vals) & set(PLAN_FIELDS) and any(not p.is_open for p in self):
                raise UserError(_("The release is past: this plan is history."))
        if set(vals) & set(WHERE_AND_HOW) and "person_told_on" not in vals:
            # The person was told another plan: they are to be told again.
            vals = dict(vals, person_told_on=False)
        left = (
            self.filtered(lambda p: p.first_night == "held_place")
            if "first_night" in vals and vals["first_night"] != "held_place"
            else self.browse()
        )
        result = super().write(vals)
        left._let_held_place_go()
        self._close_alerts_when_ready()
        return result

    def _let_held_place_go(self):
        """The first night is no longer in the place held for it: the place is
        free again for others."""
        for plan in self.sudo().filtered("reservation_id"):
            held = plan.reservation_id
            if held.state == "confirmed" and held.kind == "reservation":
                held.action_cancel()
            plan.reservation_id = False

    def _close_alerts_when_ready(self):
        """A plan ready ends the alerts that asked for it (the referent's, the
        coordinators'); a place held, the coordinators' (the deadline alerts
        close their activities when they stop holding)."""
        current = self.filtered("is_current")
        if current:
            self.env["siao.deadline.alert"]._schedule(current.detainee_id.sudo())

    @api.model
    def _of_current_stay(self, person):
        """The plan of the person's current stay, made (from the solution found)
        when there is none yet."""
        person.ensure_one()
        person.check_access("write")
        if person.state != "detained" or not person.current_stay_id:
            raise UserError(_("A release-day plan is made for a person in prison."))
        # Two first openings at once: the second waits for the first and is
        # retried (its snapshot is older than the first's plan), then finds it.
        self.env.cr.execute(
            "UPDATE siao_detainee_stay SET write_date = write_date WHERE id = %s",
            [person.current_stay_id.id],
        )
        plan = self.search([("stay_id", "=", person.current_stay_id.id)], limit=1)
        if plan:
            return plan
        self.browse().check_access("create")
        self._check_frozen([{"detainee_id": person.id}], creating=True)
        values = person._release_plan_values()
        # The stay is the application's to set (one plan per stay).
        plan = self.sudo().create(
            {
                "detainee_id": person.id,
                "stay_id": person.current_stay_id.id,
                "first_night": "housing" if values else False,
                "place_name": values.get("plan_place"),
                "address": values.get("plan_address"),
            }
        )
        return plan.sudo(self.env.su)

    # ---- Actions ----
    def _check_open(self):
        self.ensure_one()
        self.check_access("write")
        self._check_frozen([{}], creating=False)
        if not self.is_open:
            raise UserError(_("The release is past: this plan is history."))

    def action_hold_place(self):
        """A coordinator holds, from the night of the release, the first SAS
        apartment or floating place free that night that goes against none of
        the person's needs, for the longest stay there (the stay starts if the
        person arrives): PostgreSQL decides between two coordinators holding the
        same place at once, the second gets the next one."""
        self._check_open()
        if not (
            self.env.su or self.env.user.has_group("siao_justice.group_siao_manager")
        ):
            raise UserError(
                _("A coordinator holds a SAS apartment or a floating place.")
            )
        day = self.release_date
        today = self.company_id.siao_today()
        if not day or day < today:
            raise UserError(_("Give the release date first."))
        if day > today + timedelta(days=RELEASE_PLAN_NOTICE_DAYS):
            raise UserError(
                _("A place is held for the first night from a week before the release.")
            )
        if self.reservation_id.state == "confirmed":
            raise UserError(_("A place is already held for this night."))
        places = self.env["siao.housing.place"].search(
            [
                ("place_type", "in", HELD_PLACE_TYPES),
                ("company_id", "=", self.company_id.id),
            ]
        )
        Reservation = self.env["siao.housing.reservation"]
        for place, free, mismatch in places._ranked_for(self.detainee_id, day, day):
            if not free:
                break
            if mismatch:
                continue
            try:
                reservation = Reservation.create(
                    {
                        "place_id": place.id,
                        "detainee_id": self.detainee_id.id,
                        "kind": "reservation",
                        "state": "confirmed",
                        "date_from": day,
                        "date_to": place._held_stay_end(day),
                    }
                )
            except ValidationError:
                continue  # taken by someone else at the same instant
            structure = place.sudo().structure_id
            self.write(
                {
                    "first_night": "held_place",
                    "place_name": f"{structure.name} – {place.name}",
                    "address": structure._siao_postal_address(),
                    # Those of the place held are to be given.
                    "opening_hours": False,
                    "route": False,
                }
            )
            self.sudo().reservation_id = reservation
            return True
        raise UserError(
            _(
                "No SAS apartment or floating place is free that night: tell the "
                "115 and the person."
            )
        )

    def action_person_told(self):
        """The person was told of the plan (at office hours, by the
        establishment): recorded today."""
        self._check_open()
        self.person_told_on = self.company_id.siao_today()
        return True

    def action_emergency_told(self):
        """No place: the 115 was told of the release, today."""
        self._check_open()
        self.write(
            {
                "first_night": self.first_night or "emergency",
                "emergency_told_on": self.company_id.siao_today(),
            }
        )
        return True

    def action_write_letter(self):
        """The letter of the release-day plan, from the plan: sending it records
        that the person was told."""
        self._check_open()
        letter = self.env["siao.letter"].create(
            {
                "detainee_id": self.detainee_id.id,
                "kind": "release_plan",
                **self._letter_values(),
            }
        )
        return letter.action_open()

    def _letter_values(self):
        return {
            "plan_place": self.place_name
            or (self.first_night == "emergency" and _("No place yet: call the 115"))
            or False,
            "plan_address": self.address,
            "plan_hours": self.opening_hours,
            "plan_route": self.route,
        }

    def action_arrived(self):
        return self._record_arrival("arrived")

    def action_not_arrived(self):
        return self._record_arrival("not_arrived")

    def action_arrival_unknown(self):
        return self._record_arrival("unknown")

    def _record_arrival(self, arrival):
        """Whether the person reached the first night's place, recorded once the
        release is recorded (an "unknown" may be corrected): a SAS apartment or a
        floating place held becomes the stay there (up to the company's longest
        stay); not reached, it is free again from today."""
        self.ensure_one()
        self.check_access("write")
        self._check_frozen([{}], creating=False)
        today = self.company_id.siao_today()
        if not self.stay_id.actual_release_date:
            raise UserError(
                _("Whether the person arrived is recorded once the release is.")
            )
        if self.arrival and self.arrival != "unknown":
            raise UserError(_("The arrival is recorded already."))
        self.sudo().write(
            {
                "arrival": arrival,
                "arrival_recorded_on": today,
                "arrival_recorded_by_id": self.env.user.id,
            }
        )
        held = self.sudo().reservation_id.filtered(
            lambda r: r.state == "confirmed" and r.kind == "reservation"
        )
        if held and arrival == "arrived" and self.first_night == "held_place":
            held.kind = "occupation"
        elif held and arrival == "not_arrived":
            held._end_before(today)
        labels = dict(self._fields["arrival"]._description_selection(self.env))
        self.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("siao_justice.mail_activity_type_first_night")
        ).sudo().action_feedback(feedback=labels[arrival])
        return True

    @api.model
    def _released_on(self, persons, day):
        """The release is recorded on ``day``: a place held for another night
        moves to that night when it is free then, else it is let go."""
        day = fields.Date.to_date(day)
        plans = self.sudo().search(
            [
                ("detainee_id", "in", persons.ids),
                ("stay_id.actual_release_date", "=", day),
                ("reservation_id.state", "=", "confirmed"),
                ("reservation_id.kind", "=", "reservation"),
            ]
        )
        for plan in plans:
            held = plan.reservation_id
            if held.date_from == day:
                continue
            try:
                held.write(
                    {"date_from": day, "date_to": held.place_id._held_stay_end(day)}
                )
            except ValidationError:
                plan._let_held_place_go()

    @api.model
    def _release_day_moved(self, persons):
        """The release of these persons moved: a place held for the night it was
        planned for is let go (the coordinators hold one again for the new
        night, alerted as for any release without a plan)."""
        plans = self.sudo().search(
            [
                ("detainee_id", "in", persons.ids),
                ("is_current", "=", True),
                ("reservation_id", "!=", False),
            ]
        )
        for plan in plans:
            if plan.reservation_id.date_from != plan.detainee_id.estimated_release_date:
                plan.write(
                    {"first_night": False, "place_name": False, "address": False}
                )
                plan._let_held_place_go()
                plan.detainee_id.message_post(
                    body=_(
                        "The release moved: the place held for the first night is "
                        "let go. Hold one for the new night."
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    # ---- The nights ----
    @api.model
    def _cron_first_night(self):
        """The morning after a release: the referent records whether the person
        arrived. A week before a stay in a held place ends: the referent records
        the next step."""
        activity_type = self.env.ref("siao_justice.mail_activity_type_first_night")
        for company in self.env["res.company"].sudo().search([]):
            today = company.siao_today()
            plans = (
                self.sudo()
                .search(
                    [
                        ("company_id", "=", company.id),
                        ("stay_id.actual_release_date", "<", today),
                        ("arrival", "=", False),
                        ("arrival_asked", "=", False),
                        ("detainee_id.active", "=", True),
                        ("detainee_id.frozen", "=", False),
                    ]
                )
                .with_context(siao_not_a_contact=True)
            )
            for plan in plans:
                user = plan.detainee_id.user_id or self.env.user
                plan.with_context(lang=user.lang).activity_schedule(
                    activity_type_id=activity_type.id,
                    user_id=user.id,
                    date_deadline=today,
                    summary=self.with_context(lang=user.lang).env._(
                        "Record whether the person reached the first night's place"
                    ),
                )
            plans.arrival_asked = True
            self.env["siao.housing.reservation"]._announce_held_stay_ends(company)
