from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

PERMANENCE_STATES = [
    ("planned", "Planned"),
    ("done", "Held"),
    ("cancelled", "Cancelled"),
]
# The keys of the company's PERMANENCE_PERIODS.
PERIOD_DELTAS = {"week": relativedelta(weeks=1), "month": relativedelta(months=1)}


class SiaoPermanence(models.Model):
    """SIAO office hours held inside a prison: the workers meet the persons listed,
    evaluate their situation and open their requests."""

    _name = "siao.permanence"
    _description = "SIAO office hours in prison"
    _inherit = ["mail.thread", "mail.activity.mixin", "siao.input.validation"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    prison_id = fields.Many2one(
        "res.partner",
        string="Establishment",
        required=True,
        ondelete="restrict",
        index=True,
        domain="[('siao_partner_type', '=', 'prison')]",
        tracking=True,
    )
    date = fields.Datetime(
        required=True, index=True, tracking=True, default=fields.Datetime.now
    )
    duration = fields.Float(string="Duration (hours)", default=3.0)
    user_ids = fields.Many2many(
        "res.users",
        "siao_permanence_user_rel",
        "permanence_id",
        "user_id",
        string="Workers",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    state = fields.Selection(
        PERMANENCE_STATES, default="planned", required=True, readonly=True, index=True
    )
    line_ids = fields.One2many(
        "siao.permanence.line", "permanence_id", string="Persons to see"
    )
    line_count = fields.Integer(string="Persons", compute="_compute_counts")
    met_count = fields.Integer(string="Met", compute="_compute_counts")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    note = fields.Text()

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("Office hours planned")

    @api.depends("prison_id", "date", "company_id.siao_timezone")
    def _compute_name(self):
        for session in self:
            session.name = _(
                "Office hours %(prison)s, %(day)s",
                prison=session.prison_id.name or "",
                day=session.date
                and session.company_id.siao_day_of(session.date).strftime("%d/%m/%Y")
                or "",
            )

    @api.depends("line_ids.outcome")
    def _compute_counts(self):
        Line = self.env["siao.permanence.line"]
        groups = Line._read_group(
            [("permanence_id", "in", self.ids)],
            ["permanence_id", "outcome"],
            ["__count"],
        )
        counts, met = {}, {}
        for session, outcome, count in groups:
            counts[session] = counts.get(session, 0) + count
            if outcome in Line._met_outcomes():
                met[session] = met.get(session, 0) + count
        for session in self:
            session.line_count = counts.get(session._origin, 0)
            session.met_count = met.get(session._origin, 0)

    @api.constrains("duration")
    def _check_duration(self):
        if any(not 0 < session.duration <= 24 for session in self):
            raise ValidationError(_("Office hours last between a minute and a day."))

    def write(self, vals):
        if {"prison_id", "date", "company_id"} & set(vals) and self.filtered(
            lambda session: session.state != "planned"
        ):
            raise UserError(
                _("Held or cancelled office hours keep their establishment and date.")
            )
        return super().write(vals)

    # ---- Views ----
    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        key = super()._get_view_cache_key(view_id, view_type, **options)
        return key + (self.env.company.siao_permanence_period,)

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """The calendar opens on a week or a month, as the company holds its office
        hours (its setting)."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "calendar":
            arch.set("mode", self.env.company.siao_permanence_period or "month")
        return arch, view

    # ---- The list ----
    def _previous_session(self):
        self.ensure_one()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("prison_id", "=", self.prison_id.id),
                ("state", "=", "done"),
                ("date", "<", self.date),
            ],
            order="date desc",
            limit=1,
        )

    def _proposal_domains(self):
        """{reason: domain} of the persons detained in this establishment to see:
        a request due (the deadline alerts' rule), a recent arrival (since the last
        session there, or one period), a case the commission asked to see since."""
        self.ensure_one()
        Person = self.env["siao.detainee"]
        day = self.company_id.siao_day_of(self.date)
        previous = self._previous_session()
        period = PERIOD_DELTAS[self.company_id.siao_permanence_period or "month"]
        since = self.company_id.siao_day_of(previous.date) if previous else day - period
        here = [
            ("company_id", "=", self.company_id.id),
            ("prison_id", "=", self.prison_id.id),
            ("state", "=", "detained"),
            ("active", "=", True),
        ]
        return {
            "request_due": expression.AND([here, Person._request_due_domain(day)]),
            "recent_arrival": here
            + [
                "|",
                ("incarceration_date", ">=", since),
                (
                    "stay_ids",
                    "any",
                    [
                        (
                            "transfer_ids",
                            "any",
                            [
                                ("to_prison_id", "=", self.prison_id.id),
                                ("transfer_date", ">=", since),
                            ],
                        )
                    ],
                ),
            ],
            "commission": here
            + [
                (
                    "id",
                    "in",
                    self.env["siao.commission.line"]
                    ._search(
                        [
                            ("decision", "=", "permanence_meeting"),
                            ("meeting_id.state", "=", "closed"),
                            (
                                "meeting_id.date",
                                ">=",
                                self.company_id.siao_day_start(since),
                            ),
                            ("meeting_id.date", "<", self.date),
                        ]
                    )
                    .subselect("detainee_id"),
                )
            ],
        }

    def action_prepare_list(self):
        """Add to the list the persons of the establishment the workers should see
        (those already listed stay as they are); the worker adds others by hand."""
        for session in self:
            if session.state != "planned":
                raise UserError(_("The list is prepared before the office hours."))
            session.check_access("write")
            listed = session.line_ids.detainee_id
            values = []
            for reason, domain in session._proposal_domains().items():
                found = self.env["siao.detainee"].search(
                    expression.AND([domain, [("id", "not in", listed.ids)]])
                )
                values += [
                    {"permanence_id": session.id, "detainee_id": p.id, "reason": reason}
                    for p in found
                ]
                listed |= found
            self.env["siao.permanence.line"].create(values)
        return True

    # ---- Steps ----
    @api.model
    def _next_in(self, prison):
        """The next office hours planned in ``prison`` (none when none is)."""
        if not prison:
            return self.browse()
        return self.search(
            [
                ("prison_id", "=", prison.id),
                ("state", "=", "planned"),
                ("date", ">=", fields.Datetime.now()),
            ],
            order="date, id",
            limit=1,
        )

    def action_print_convocations(self):
        """A convocation to these office hours for each person on the list,
        recorded on their file as a letter sent; the PDF of them all."""
        self.ensure_one()
        # The persons whose file the user works on (an AVDL worker who only
        # reads a file writes no letter from it).
        persons = self.line_ids.detainee_id._filtered_access("write")
        return self.env["siao.letter"]._send_new(
            [
                {
                    "detainee_id": person.id,
                    "kind": "office_hours",
                    "permanence_id": self.id,
                }
                for person in persons
            ]
        )

    def action_done(self):
        if self.filtered(lambda session: session.state != "planned"):
            raise UserError(_("Only planned office hours can be closed."))
        if self.filtered(
            lambda session: session.company_id.siao_day_of(session.date)
            > session.company_id.siao_today()
        ):
            raise UserError(
                _("Office hours are closed once held: this session is still to come.")
            )
        # Every line, those of files the user may not read included (counted, named
        # to no one).
        if (
            self.env["siao.permanence.line"]
            .sudo()
            .search_count(
                [("permanence_id", "in", self.ids), ("outcome", "=", False)], limit=1
            )
        ):
            raise UserError(
                _("Give each person listed an outcome before closing the office hours.")
            )
        self.check_access("write")
        self.sudo().write({"state": "done"})
        return True

    def action_cancel(self):
        if self.filtered(lambda session: session.state != "planned"):
            raise UserError(_("Only planned office hours can be cancelled."))
        self.check_access("write")
        self.sudo().write({"state": "cancelled"})
        return True

    def action_plan_next(self):
        """The next office hours in the same establishment, one period later (the
        company's setting), with the same workers."""
        self.ensure_one()
        period = PERIOD_DELTAS[self.company_id.siao_permanence_period or "month"]
        following = self.copy(
            {
                "date": self.company_id.siao_moved(self.date, period),
                "user_ids": [(6, 0, self.user_ids.ids)],
                "line_ids": [],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": following.id,
            "view_mode": "form",
        }

    @api.model
    def _next_for(self, users, days=60):
        """The planned office hours of ``users`` from now on."""
        now = fields.Datetime.now()
        return self.search(
            [
                ("state", "=", "planned"),
                ("user_ids", "in", users.ids),
                ("date", ">=", now - timedelta(hours=12)),
                ("date", "<=", now + timedelta(days=days)),
            ],
            order="date",
        )
