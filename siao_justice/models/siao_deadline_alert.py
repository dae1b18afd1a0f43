from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.osv import expression

from .siao_request import OPEN_STATES

# reason: activity type (the reason's label is the activity's summary)
DEADLINE_REASONS = {
    "file_request": "siao_justice.mail_activity_type_file_request",
    "lsc": "siao_justice.mail_activity_type_lsc",
    "dry_exit": "siao_justice.mail_activity_type_dry_exit",
    "resources": "siao_justice.mail_activity_type_resources",
}
RESOURCES_MONTHS_BEFORE_RELEASE = 2
LSC_NOTICE_MONTHS = 1


class SiaoDeadlineAlert(models.Model):
    """One row per person and reason: an activity is scheduled once, never twice."""

    _name = "siao.deadline.alert"
    _description = "Deadline alert sent"
    _inherit = ["siao.input.validation"]
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
        ],
        required=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    activity_id = fields.Many2one("mail.activity", ondelete="set null")

    _sql_constraints = [
        (
            "reason_unique",
            "UNIQUE(detainee_id, reason)",
            "This alert was already sent for this person.",
        )
    ]

    @api.model
    def _candidate_domains(self, today):
        """Who needs which activity today: one domain per reason."""
        Person = self.env["siao.detainee"]
        detained = [("state", "=", "detained"), ("active", "=", True)]
        within_lead = expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    (
                        "expected_release_date",
                        "<=",
                        today + relativedelta(months=company.siao_request_lead_months),
                    ),
                ]
                for company in self.env["res.company"].sudo().search([])
            ]
        )
        return {
            "file_request": expression.AND(
                [
                    detained,
                    [("legal_status", "=", "convicted")],
                    within_lead,
                    [
                        (
                            "request_ids",
                            "not any",
                            [("state", "in", OPEN_STATES + ("admitted",))],
                        )
                    ],
                ]
            ),
            "lsc": detained
            + [
                ("has_housing_solution", "=", False),
                ("lsc_automatic_date", ">=", today),
                (
                    "lsc_automatic_date",
                    "<=",
                    today + relativedelta(months=LSC_NOTICE_MONTHS),
                ),
            ],
            "dry_exit": detained + Person._search_dry_exit_risk("=", True),
            "resources": detained
            + [
                ("expected_release_date", ">=", today),
                (
                    "expected_release_date",
                    "<=",
                    today + relativedelta(months=RESOURCES_MONTHS_BEFORE_RELEASE),
                ),
                ("resource_right_ids", "any", [("status", "=", "todo")]),
            ],
        }

    @api.model
    def _schedule(self, persons=None):
        """Schedule the deadline activities due today, for ``persons`` or everyone.
        Returns the alerts created."""
        today = fields.Date.context_today(self)
        Person = self.env["siao.detainee"].sudo()
        model_id = self.env["ir.model"]._get_id("siao.detainee")
        alerts = self.sudo()
        summaries = dict(self._fields["reason"]._description_selection(self.env))
        for reason, domain in self._candidate_domains(today).items():
            domain = domain + [("alert_ids", "not any", [("reason", "=", reason)])]
            if persons is not None:
                domain.append(("id", "in", persons.ids))
            candidates = Person.search(domain)
            if not candidates:
                continue
            activity_type = self.env.ref(DEADLINE_REASONS[reason])
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
                            "summary": summaries[reason],
                            "date_deadline": self._deadline(reason, person, today),
                            "user_id": person.user_id.id or self.env.uid,
                        }
                        for person in candidates
                    ]
                )
            )
            alerts |= self.sudo().create(
                [
                    {
                        "detainee_id": person.id,
                        "reason": reason,
                        "activity_id": activity.id,
                    }
                    for person, activity in zip(candidates, activities, strict=True)
                ]
            )
        return alerts

    @api.model
    def _deadline(self, reason, person, today):
        if reason == "lsc":
            return person.lsc_automatic_date
        if reason == "dry_exit":
            return max(person.expected_release_date, today)
        if reason == "resources":
            return max(person.expected_release_date - relativedelta(months=1), today)
        return today + timedelta(days=7)

    @api.model
    def _cron_schedule_deadlines(self):
        self._schedule()

    @api.model
    def _close_release_activities(self, persons):
        """The person is out: the activities that prepared the release are closed."""
        types = [self.env.ref(xmlid).id for xmlid in DEADLINE_REASONS.values()]
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
            activities.action_feedback(feedback=_("Closed: the person was released."))
