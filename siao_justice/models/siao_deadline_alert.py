from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.osv import expression

from .res_company import company_today
from .siao_rules import FIRST_NIGHT_ALERT_DAYS, RELEASE_PLAN_NOTICE_DAYS

# reason: activity type (the reason's label is the activity's summary)
DEADLINE_REASONS = {
    "file_request": "siao_justice.mail_activity_type_file_request",
    "lsc": "siao_justice.mail_activity_type_lsc",
    "dry_exit": "siao_justice.mail_activity_type_dry_exit",
    "resources": "siao_justice.mail_activity_type_resources",
    "hearing": "siao_justice.mail_activity_type_hearing",
    "release_plan": "siao_justice.mail_activity_type_release_plan",
    "first_night": "siao_justice.mail_activity_type_first_night_alert",
    "supervision_end": "siao_justice.mail_activity_type_supervision_end",
}
# The reasons whose activity goes to every coordinator of the person's company,
# not to the referent.
COORDINATOR_REASONS = ("first_night",)
# The reasons whose activities are closed when they stop holding (a plan ready, a
# place held, the release moved away): they asked for something of that day only.
CLOSED_WHEN_STALE = ("release_plan", "first_night", "supervision_end")
# The reasons whose activity is due on a date of the file (moved with it).
DATED_REASONS = (
    "lsc",
    "dry_exit",
    "hearing",
    "resources",
    "release_plan",
    "supervision_end",
)
# The referent prepares the end of a supervision this many days before it, at the
# latest (the alert comes the company's notice before).
SUPERVISION_END_DUE_DAYS = 14
RESOURCES_MONTHS_BEFORE_RELEASE = 2
LSC_NOTICE_MONTHS = 1
# A hearing on an adjustment: housing and the attestation are needed before it.
HEARING_NOTICE_MONTHS = 2
# The attestation reaches the court this many days before the hearing.
ATTESTATION_DAYS_BEFORE_HEARING = 7


class SiaoDeadlineAlert(models.Model):
    """One active row per person and reason while the reason holds: an activity is
    scheduled once, not twice. When the reason stops holding (a request was filed,
    a solution found, a new stay began) the row is archived, and the alert comes
    back if the reason holds again."""

    _name = "siao.deadline.alert"
    _description = "Deadline alert sent"
    _inherit = ["siao.person.record"]
    _order = "date desc, id desc"

    detainee_id = fields.Many2one(
        "siao.detainee", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="detainee_id.company_id", store=True)
    reason = fields.Selection(
        [
            ("file_request", "File the SIAO request"),
            ("lsc", "LSC de plein droit in one month: housing needed"),
            ("dry_exit", "Release soon without solution"),
            ("resources", "Reopen resources before release"),
            ("hearing", "Hearing soon: housing and attestation needed"),
            ("release_plan", "Release within a week: prepare the release-day plan"),
            (
                "first_night",
                "Release tomorrow without a plan: hold a SAS apartment or a "
                "floating place",
            ),
            ("supervision_end", "Supervision ending: prepare what follows"),
        ],
        required=True,
    )
    date = fields.Date(required=True, default=company_today)
    activity_id = fields.Many2one("mail.activity", ondelete="set null")
    stay_id = fields.Many2one(
        "siao.detainee.stay", string="Stay in prison", ondelete="set null"
    )
    active = fields.Boolean(
        default=True, help="Archived once the reason no longer holds."
    )

    _sql_constraints = [
        (
            "reason_unique",
            "",  # the partial unique index created in init()
            "This alert was already sent for this person.",
        )
    ]

    def init(self):
        # One alert per person and reason while it holds; PostgreSQL keeps two
        # nightly runs (or a run and a button) from scheduling it twice.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS siao_deadline_alert_reason_unique
                ON siao_deadline_alert (detainee_id, reason)
             WHERE active
            """
        )

    @api.model
    def _candidate_domains(self):
        """Who needs which activity today (each company's day): one domain per
        reason."""
        Person = self.env["siao.detainee"]
        detained = [
            ("state", "=", "detained"),
            ("active", "=", True),
            ("frozen", "=", False),
        ]
        per_day = self.env["res.company"]._siao_per_day_domain

        def without_plan_within(days, handled):
            """Released within ``days`` without a release-day plan ``handled``."""
            return expression.AND(
                [
                    detained,
                    [
                        (
                            "release_plan_ids",
                            "not any",
                            expression.AND([[("is_current", "=", True)], handled]),
                        )
                    ],
                    per_day(
                        lambda today: [
                            ("estimated_release_date", ">=", today),
                            (
                                "estimated_release_date",
                                "<=",
                                today + timedelta(days=days),
                            ),
                        ]
                    ),
                ]
            )

        return {
            "file_request": Person._request_due_domain(),
            # A date already past (short sentences) is alerted too.
            "lsc": expression.AND(
                [
                    detained,
                    [
                        ("has_housing_solution", "=", False),
                        ("lsc_excluded", "=", False),
                        ("lsc_automatic_date", "!=", False),
                    ],
                    per_day(
                        lambda today: [
                            (
                                "lsc_automatic_date",
                                "<=",
                                today + relativedelta(months=LSC_NOTICE_MONTHS),
                            )
                        ]
                    ),
                ]
            ),
            "dry_exit": detained + Person._search_dry_exit_risk("=", True),
            # The hearing comes before the release: its deadline is the one that
            # matters for an adjustment.
            "hearing": expression.AND(
                [
                    detained,
                    [("has_housing_solution", "=", False)],
                    per_day(
                        lambda today: [
                            (
                                "hearing_ids",
                                "any",
                                [
                                    ("outcome", "=", "pending"),
                                    ("date", ">=", today),
                                    (
                                        "date",
                                        "<=",
                                        today
                                        + relativedelta(months=HEARING_NOTICE_MONTHS),
                                    ),
                                ],
                            )
                        ]
                    ),
                ]
            ),
            "release_plan": without_plan_within(
                RELEASE_PLAN_NOTICE_DAYS, [("ready", "=", True)]
            ),
            # A place held for the night answers the coordinators' alert (the
            # referent completes the plan).
            "first_night": without_plan_within(
                FIRST_NIGHT_ALERT_DAYS,
                ["|", ("ready", "=", True), ("reservation_id", "!=", False)],
            ),
            "supervision_end": expression.AND(
                [
                    [("active", "=", True), ("frozen", "=", False)],
                    self.env["siao.detainee"]._supervision_ending_domain(),
                    per_day(lambda today: [("supervision_end_date", ">=", today)]),
                ]
            ),
            "resources": expression.AND(
                [
                    detained,
                    [("resource_right_ids", "any", [("status", "=", "todo")])],
                    per_day(
                        lambda today: [
                            ("estimated_release_date", ">=", today),
                            (
                                "estimated_release_date",
                                "<=",
                                today
                                + relativedelta(months=RESOURCES_MONTHS_BEFORE_RELEASE),
                            ),
                        ]
                    ),
                ]
            ),
        }

    @api.model
    def _schedule(self, persons=None):
        """Schedule the deadline activities due today, for ``persons`` or everyone.
        Returns the alerts created."""
        Person = self.env["siao.detainee"].sudo()
        model_id = self.env["ir.model"]._get_id("siao.detainee")
        alerts = self.sudo()
        field = self._fields["reason"]
        labels = {}

        def summary(reason, user):
            """The activity's summary in the language of whom it is for."""
            lang = user.lang or self.env.lang
            if lang not in labels:
                env = self.env(context=dict(self.env.context, lang=lang))
                labels[lang] = dict(field._description_selection(env))
            return labels[lang][reason]

        for reason, holds in self._candidate_domains().items():
            # The reason no longer holds: its alert is archived, to come back if
            # the reason holds again.
            stale = [
                ("reason", "=", reason),
                ("detainee_id", "not any", holds),
            ]
            if persons is not None:
                stale.append(("detainee_id", "in", persons.ids))
            stale_alerts = self.sudo().search(stale)
            stale_alerts.active = False
            if reason in CLOSED_WHEN_STALE and stale_alerts:
                # Its activities (every coordinator's) no longer ask anything.
                self._close_activities(
                    stale_alerts.detainee_id,
                    (reason,),
                    _("No longer needed."),
                )
            self.flush_model(["active"])  # before an alert of the reason comes back
            domain = holds + [("alert_ids", "not any", [("reason", "=", reason)])]
            if persons is not None:
                domain.append(("id", "in", persons.ids))
            candidates = Person.search(domain)
            if not candidates:
                continue
            taken_back = (
                self._take_back_open_activities(reason, candidates)
                if reason not in COORDINATOR_REASONS
                else self.sudo()
            )
            alerts |= taken_back
            candidates -= taken_back.detainee_id
            if not candidates:
                continue
            activity_type = self.env.ref(DEADLINE_REASONS[reason])
            pairs = [
                (person, user)
                for person in candidates
                for user in self._alerted_users(reason, person)
            ]
            # One batch per reason, without one assignment e-mail per person.
            activities = (
                self.env["mail.activity"]
                .sudo()
                .with_context(mail_activity_quick_update=True)
                .create(
                    [
                        {
                            "res_model_id": model_id,
                            "res_id": person.id,
                            "activity_type_id": activity_type.id,
                            "summary": summary(reason, user),
                            "date_deadline": self._deadline(reason, person),
                            "user_id": user.id,
                        }
                        for person, user in pairs
                    ]
                )
            )
            first = {}
            for (person, _user), activity in zip(pairs, activities, strict=True):
                first.setdefault(person, activity)
            alerts |= self.sudo().create(
                [
                    {
                        "detainee_id": person.id,
                        "stay_id": person.current_stay_id.id,
                        "reason": reason,
                        "activity_id": activity.id,
                    }
                    for person, activity in first.items()
                ]
            )
        return alerts

    @api.model
    def _alerted_users(self, reason, person):
        """Who gets the activity of ``reason`` for ``person``: the referent, or
        every coordinator of the person's company for a coordinators' reason."""
        if reason in COORDINATOR_REASONS:
            coordinators = self.env["siao.detainee"]._coordinators(person.company_id)
            if coordinators:
                return coordinators
        return person.user_id or self.env.user

    @api.model
    def _close_activities(self, persons, reasons, feedback):
        """The open activities of ``reasons`` on these files are done."""
        types = [self.env.ref(DEADLINE_REASONS[reason]).id for reason in reasons]
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "siao.detainee"),
                    ("res_id", "in", persons.ids),
                    ("activity_type_id", "in", types),
                ]
            )
        )
        if activities:
            activities.action_feedback(feedback=feedback)

    @api.model
    def _take_back_open_activities(self, reason, persons):
        """The reason holds again for these persons while the activity of its
        archived alert is still open: that alert comes back with its activity
        (one activity per reason, never a second beside it). Returns them."""
        archived = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("active", "=", False),
                    ("reason", "=", reason),
                    ("detainee_id", "in", persons.ids),
                    ("activity_id.active", "=", True),
                ],
                order="id desc",
            )
        )
        back = self.sudo()
        for alert in archived:
            person = alert.detainee_id
            if person in back.detainee_id or alert.stay_id != person.current_stay_id:
                continue
            back |= alert
        back.active = True
        for alert in back:
            alert.activity_id.with_context(
                mail_activity_quick_update=True
            ).date_deadline = self._deadline(reason, alert.detainee_id)
        return back

    def _reschedule(self, persons):
        """The dates of these persons moved: the open activities of their alerts
        get their new deadlines, the alerts that no longer hold are archived and
        those now due are scheduled."""
        created = self._schedule(persons)
        alerts = self.sudo().search(
            [
                ("detainee_id", "in", persons.ids),
                ("activity_id", "!=", False),
                ("id", "not in", created.ids),
            ]
        )
        for alert in alerts.filtered(lambda a: a.reason in DATED_REASONS):
            deadline = self._deadline(alert.reason, alert.detainee_id)
            if deadline and alert.activity_id.date_deadline != deadline:
                alert.activity_id.with_context(
                    mail_activity_quick_update=True
                ).date_deadline = deadline
        return created

    @api.model
    def _deadline(self, reason, person):
        """The due date of the activity of ``reason`` for ``person``, from their
        company's today."""
        today = person.company_id.siao_today()
        if reason == "lsc":
            return max(person.lsc_automatic_date, today)
        if reason == "dry_exit":
            return max(person.estimated_release_date, today)
        if reason == "hearing":
            coming = person.hearing_ids.filtered(
                lambda h: h.outcome == "pending" and h.date >= today
            )
            hearing_day = min(coming.mapped("date"), default=today)
            return max(
                hearing_day - timedelta(days=ATTESTATION_DAYS_BEFORE_HEARING), today
            )
        if reason == "resources":
            return max(person.estimated_release_date - relativedelta(months=1), today)
        if reason == "release_plan":
            return max(person.estimated_release_date - timedelta(days=1), today)
        if reason == "first_night":
            return today
        if reason == "supervision_end":
            return max(
                person.supervision_end_date - timedelta(days=SUPERVISION_END_DUE_DAYS),
                today,
            )
        return today + timedelta(days=7)

    @api.model
    def _cron_schedule_deadlines(self):
        self._schedule()

    @api.model
    def _activity_type_ids(self):
        """The activity types of the deadline reasons."""
        return [self.env.ref(xmlid).id for xmlid in DEADLINE_REASONS.values()]

    @api.model
    def _close_release_activities(self, persons, feedback=None):
        """The person is out (released, back in prison for a new stay, or their
        follow-up closed): the activities that prepared the release are closed
        (not the supervision's, which follows it)."""
        self._close_activities(
            persons,
            [reason for reason in DEADLINE_REASONS if reason != "supervision_end"],
            feedback or _("Closed: the person was released."),
        )
