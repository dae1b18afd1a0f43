import calendar
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from ..hooks import FRENCH
from .record_tools import without_defaults
from .res_company import flag_domain


def nth_weekday_of_month(year, month, week, weekday):
    """The ``week``-th (1-4, or "last") ``weekday`` (0 = Monday) of a month."""
    days = [
        day
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, day).weekday() == weekday
    ]
    return date(year, month, days[-1] if week == "last" else days[int(week) - 1])


# Each step of a commission and the states it starts from: the actions check them,
# the form's buttons show from them.
MEETING_STEPS = {
    "generate_agenda": ("planned", "in_session"),
    "start": ("planned",),
    "close": ("in_session",),
    "send_minutes": ("closed",),
}


class SiaoCommissionMeeting(models.Model):
    _name = "siao.commission.meeting"
    _description = "Commission justice meeting"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "siao.input.validation",
        "siao.step.buttons",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True

    def _step_buttons(self):
        return {f"action_{step}": states for step, states in MEETING_STEPS.items()}

    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    date = fields.Datetime(required=True, tracking=True, index=True)
    day = fields.Date(
        compute="_compute_day",
        store=True,
        index=True,
        help="The meeting's day in the association's time zone.",
    )
    month = fields.Date(compute="_compute_month", store=True, index=True)
    location = fields.Char(tracking=True)
    participant_ids = fields.Many2many("res.partner", string="Participants")
    state = fields.Selection(
        [("planned", "Planned"), ("in_session", "In session"), ("closed", "Closed")],
        default="planned",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    scheduled = fields.Boolean(
        readonly=True,
        help="Created by the schedule: one such meeting per company and month.",
    )
    not_held = fields.Boolean(
        string="Not held",
        compute="_compute_not_held",
        search="_search_not_held",
        help="Planned for a day that has passed, and never started.",
    )
    not_held_notice_sent = fields.Boolean(
        string="Coordinators told it was not held", readonly=True, copy=False
    )
    line_ids = fields.One2many("siao.commission.line", "meeting_id", string="Cases")
    line_count = fields.Integer(compute="_compute_line_count")
    undecided_count = fields.Integer(compute="_compute_line_count")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    minutes_attachment_id = fields.Many2one(
        "ir.attachment", string="Minutes", readonly=True, copy=False
    )

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("Commission created")

    def init(self):
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS siao_commission_meeting_scheduled_month
                ON siao_commission_meeting (company_id, month)
             WHERE scheduled
            """
        )

    # ---- Computes ----
    @api.depends("date", "company_id.siao_timezone")
    def _compute_day(self):
        for meeting in self:
            meeting.day = meeting.company_id.siao_day_of(meeting.date)

    @api.depends("day")
    def _compute_month(self):
        for meeting in self:
            meeting.month = meeting.day and meeting.day.replace(day=1)

    @api.depends("day")
    def _compute_name(self):
        """Named once for everyone, in the association's language (French once
        installed), whoever or whatever creates the meeting."""
        french = self.env["res.lang"]._lang_get(FRENCH)
        env = (
            self.env(context=dict(self.env.context, lang=FRENCH))
            if french
            else self.env
        )
        for meeting in self:
            meeting.name = (
                env._(
                    "Commission justice of %(day)s",
                    day=meeting.day.strftime("%d/%m/%Y"),
                )
                if meeting.day
                else env._("Commission justice")
            )

    def _compute_not_held(self):
        not_held = self.filtered_domain(self._not_held_domain())
        for meeting in self:
            meeting.not_held = meeting in not_held

    def _search_not_held(self, operator, value):
        return flag_domain(self.env, self._not_held_domain(), operator, value)

    @api.model
    def _not_held_domain(self):
        """Planned meetings whose day has passed (each company's day): nobody
        started them, they are not the next ones."""
        return expression.AND(
            [
                [("state", "=", "planned")],
                self.env["res.company"]._siao_per_company_domain(
                    lambda company, today: [
                        ("date", "<", company.siao_day_start(today))
                    ]
                ),
            ]
        )

    @api.model
    def _coming_domain(self):
        """The meetings still to hold: the one in session, and the planned ones
        whose day (each company's) is today or later. The next commission is the
        first of them."""
        return expression.OR(
            [
                [("state", "=", "in_session")],
                expression.AND(
                    [
                        [("state", "=", "planned")],
                        ["!", *expression.normalize_domain(self._not_held_domain())],
                    ]
                ),
            ]
        )

    @api.depends("line_ids.decision")
    def _compute_line_count(self):
        for meeting in self:
            meeting.line_count = len(meeting.line_ids)
            meeting.undecided_count = len(
                meeting.line_ids.filtered(lambda line: not line.decision)
            )

    # ---- CRUD ----
    def write(self, vals):
        locked = {
            "date",
            "location",
            "participant_ids",
            "line_ids",
            "company_id",
            "state",
        }
        if locked & set(vals) and any(meeting.state == "closed" for meeting in self):
            raise UserError(
                _("This commission is closed: its minutes can no longer change.")
            )
        result = super().write(vals)
        if "date" in vals:
            # Moved: if its new day passes too, it gets its own notice.
            self.sudo().filtered("not_held_notice_sent").write(
                {"not_held_notice_sent": False}
            )
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_without_cases(self):
        if any(meeting.line_ids or meeting.state != "planned" for meeting in self):
            raise UserError(
                _("This commission has cases on its agenda: it stays in the history.")
            )

    # ---- Schedule ----
    @api.model
    def _meeting_day_of_month(self, company, month):
        """The day of ``company``'s commission in the month of ``month``."""
        return nth_weekday_of_month(
            month.year,
            month.month,
            company.siao_commission_week or "2",
            int(company.siao_commission_weekday or 1),
        )

    @api.model
    def _next_meeting_datetime(self, company, today):
        """The next meeting of ``company`` on or after ``today`` (UTC, naive)."""
        day = self._meeting_day_of_month(company, today)
        if day < today:
            day = self._meeting_day_of_month(company, today + relativedelta(months=1))
        return company.siao_day_start(day, company.siao_commission_hour)

    @api.model
    def _last_meeting_datetime(self, company, today):
        """The last meeting day of ``company``'s schedule before ``today`` (UTC,
        naive): the demo's past commission."""
        day = self._meeting_day_of_month(company, today)
        if day >= today:
            day = self._meeting_day_of_month(company, today - relativedelta(months=1))
        return company.siao_day_start(day, company.siao_commission_hour)

    @api.model
    def _cron_schedule_meetings(self):
        """Create, for each company, its next commission: one per month, never
        twice. A planned meeting whose day has passed is not held: the
        coordinators are asked to start, close or move it, once."""
        created = self.browse()
        for company in self.env["res.company"].search([]):
            when = self._next_meeting_datetime(company, company.siao_today())
            month = company.siao_day_of(when).replace(day=1)
            if self.search_count(
                [
                    ("company_id", "=", company.id),
                    ("month", "=", month),
                    ("scheduled", "=", True),
                ],
                limit=1,
            ):
                continue
            created |= self.create(
                {
                    "date": when,
                    "location": company.siao_commission_location,
                    "participant_ids": [
                        (6, 0, company.siao_commission_partner_ids.ids)
                    ],
                    "company_id": company.id,
                    "scheduled": True,
                }
            )
        self._notify_not_held()
        return created

    @api.model
    def _notify_not_held(self):
        """Each coordinator of the company gets an activity on a meeting not held,
        once (the flag is on the meeting's row: two runs cannot both send it)."""
        meetings = self.sudo().search(
            expression.AND(
                [self._not_held_domain(), [("not_held_notice_sent", "=", False)]]
            )
        )
        activity_type = self.env.ref(
            "siao_justice.mail_activity_type_commission_not_held"
        )
        for meeting in meetings:
            meeting.write({"not_held_notice_sent": True})
            for coordinator in self.env["siao.detainee"]._coordinators(
                meeting.company_id
            ):
                meeting.activity_schedule(
                    activity_type_id=activity_type.id,
                    date_deadline=meeting.company_id.siao_today(),
                    user_id=coordinator.id,
                    summary=_(
                        "Not held on %(day)s: start it, or move it to its new date.",
                        day=meeting.day.strftime("%d/%m/%Y"),
                    ),
                )
        return meetings

    # ---- Agenda ----
    def _agenda_domain(self):
        """The cases this meeting must review."""
        self.ensure_one()
        day = self.day
        lead_end = self.company_id.siao_request_lead_end(day)
        previous = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "closed"),
                ("date", "<", self.date),
                ("id", "!=", self.id),
            ],
            order="date desc",
            limit=1,
        )
        postponed = previous.line_ids.filtered(
            lambda line: line.decision == "postpone"
        ).detainee_id
        Person = self.env["siao.detainee"]
        return expression.AND(
            [
                [
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "detained"),
                    ("active", "=", True),
                    # A file whose processing is limited is out of the board.
                    ("frozen", "=", False),
                ],
                expression.OR(
                    [
                        [("request_ids", "any", [("is_open", "=", True)])],
                        [
                            ("legal_status", "=", "convicted"),
                            ("estimated_release_date", "<=", lead_end),
                        ],
                        Person._search_dry_exit_risk("=", True),
                        [("id", "in", postponed.ids)],
                    ]
                ),
            ]
        )

    def action_generate_agenda(self):
        Line = self.env["siao.commission.line"]
        for meeting in self:
            if meeting.state not in MEETING_STEPS["generate_agenda"]:
                raise UserError(
                    _("This commission is closed: its agenda can no longer change.")
                )
            persons = self.env["siao.detainee"].search(
                meeting._agenda_domain()
                + [("id", "not in", meeting.line_ids.detainee_id.ids)]
            )
            Line.create(
                [
                    {"meeting_id": meeting.id, "detainee_id": person.id}
                    for person in persons
                ]
            )
        return True

    # ---- Session ----
    def action_start(self):
        if any(meeting.state not in MEETING_STEPS["start"] for meeting in self):
            raise UserError(_("Only a planned commission can start."))
        self.check_access("write")
        self.sudo().write({"state": "in_session"})
        return True

    def action_close(self):
        self.check_access("write")
        for meeting in self:
            if meeting.state not in MEETING_STEPS["close"]:
                raise UserError(_("Start the commission before closing it."))
            # Every case, those of files the closing user may not read included:
            # their names are hidden from this message (display names).
            undecided = meeting.sudo().line_ids.filtered(lambda line: not line.decision)
            if undecided:
                raise ValidationError(
                    _(
                        "These cases have no decision yet: %(names)s",
                        names=", ".join(undecided.mapped("display_name")),
                    )
                )
        # Closed where no web server runs (the demo data, at install), the minutes
        # are written when first opened or sent: their PDF needs the server's
        # style sheets.
        later = self.env.context.get("siao_minutes_when_opened")
        for meeting in self:
            meeting.sudo().line_ids._apply_decisions()
            if not later:
                meeting._attach_minutes()
        self.sudo().write({"state": "closed"})
        return True

    def _ensure_minutes(self):
        """The minutes of a closed commission, written now if they were not at
        closing (the same for every participant)."""
        self.ensure_one()
        if self.state != "closed":
            raise UserError(_("The minutes are written when the commission closes."))
        if not self.minutes_attachment_id:
            self.check_access("read")
            self.sudo()._attach_minutes()
        return self.minutes_attachment_id

    def _attach_minutes(self, replace=False):
        self.ensure_one()
        if replace:
            self.message_ids.attachment_ids.filtered(
                lambda a: a == self.minutes_attachment_id
            ).unlink()
            self.minutes_attachment_id.unlink()
        report = self.env.ref("siao_justice.action_report_commission_minutes")
        # Rendered with every case (confidential ones without their name): the
        # attached minutes are the same for every participant.
        content, _format = report.sudo()._render_qweb_pdf(
            report.report_name, res_ids=self.ids
        )
        attachment = without_defaults(self.env["ir.attachment"].sudo()).create(
            {
                "name": _("Minutes - %(name)s.pdf", name=self.name),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.sudo().minutes_attachment_id = attachment
        if not replace:
            self.message_post(
                body=_("Minutes attached."), attachment_ids=attachment.ids
            )

    def action_print_decision_letters(self):
        """A letter of the commission's decision to each person it decided
        about, recorded on their file; the PDF of them all."""
        self.ensure_one()
        readers = self.line_ids.detainee_id._filtered_access("write")
        lines = self.line_ids.filtered(
            lambda line: line.decision and line.detainee_id in readers
        )
        return self.env["siao.letter"]._send_new(
            [
                {
                    "detainee_id": line.detainee_id.id,
                    "kind": "decision",
                    "commission_line_id": line.id,
                    "request_id": line.request_id.id,
                }
                for line in lines
            ]
        )

    def action_send_minutes(self):
        self.ensure_one()
        if self.state not in MEETING_STEPS["send_minutes"]:
            raise UserError(_("The minutes are sent once the commission is closed."))
        template = self.env.ref("siao_justice.mail_template_commission_minutes")
        minutes = self._ensure_minutes()
        return {
            "type": "ir.actions.act_window",
            "name": _("Send the minutes"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_partner_ids": self.participant_ids.ids,
                "default_attachment_ids": minutes.ids,
            },
        }

    def action_open_minutes(self):
        """The minutes' PDF itself, in a new tab (not the attachment's form)."""
        minutes = self._ensure_minutes()
        minutes.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{minutes.id}",
            "target": "new",
        }

    def _siao_persons_printed(self):
        """The minutes show the persons of the meeting's cases."""
        return self.sudo().line_ids.detainee_id

    def action_open_board(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "siao_justice.siao_commission_line_action"
        )
        action.update(
            domain=[("meeting_id", "=", self.id)],
            context={"default_meeting_id": self.id},
            name=self.name,
            display_name=self.name,
        )
        return action

    @api.model
    def _next_meeting(self):
        """The next commission of the user's companies: the one in session, else
        the first planned for today or later (``_coming_domain``)."""
        coming = expression.AND(
            [self._coming_domain(), [("company_id", "in", self.env.companies.ids)]]
        )
        return self.search(
            expression.AND([coming, [("state", "=", "in_session")]]),
            order="date asc",
            limit=1,
        ) or self.search(coming, order="date asc", limit=1)

    @api.model
    def action_open_next_board(self):
        """Menu "Next commission": the board of the running or coming meeting."""
        meeting = self._next_meeting()
        if not meeting:
            return self.env["ir.actions.act_window"]._for_xml_id(
                "siao_justice.siao_commission_meeting_action"
            )
        if not meeting.line_ids:
            # Nothing to project yet: the meeting itself, with its date and its
            # "Generate the agenda" button.
            return {
                "type": "ir.actions.act_window",
                "name": meeting.name,
                "res_model": self._name,
                "res_id": meeting.id,
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "current",
            }
        return meeting.action_open_board()
