"""Anonymised report views for the figures: a random person key instead of any name,
birth date, prison number, address or free text."""

from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.res_partner import PRISON_TYPES
from ..models.siao_avdl_measure import CLOSING_REASONS, MEASURE_STATES
from ..models.siao_commission_line import DECISIONS
from ..models.siao_detainee import (
    DRY_EXIT_REASONS,
    GENDERS,
    LEGAL_STATUSES,
    RELEASE_HORIZONS,
    RELEASE_OUTCOMES,
)
from ..models.siao_housing_place import PLACE_TYPES
from ..models.siao_request import (
    ORIENTATION_TYPES,
    REFUSAL_REASONS,
    REFUSAL_SIDES,
    REQUEST_EVENTS,
    REQUEST_STATES,
)

AGE_BANDS = [
    ("under_25", "Under 25"),
    ("25_34", "25 to 34"),
    ("35_44", "35 to 44"),
    ("45_54", "45 to 54"),
    ("55_plus", "55 and over"),
    ("unknown", "Unknown"),
]
# Where a measure ended: CPOM order of 25 October 2019.
ORDINARY_HOUSING = ("social_housing", "private_housing")
ADAPTED_HOUSING = (
    "residence_sociale",
    "fjt",
    "ftm",
    "pension_famille",
    "residence_accueil",
    "iml",
)
EXIT_DESTINATIONS = [
    ("ordinary_housing", "Ordinary housing"),
    ("adapted_housing", "Supported housing"),
    ("other", "Other"),
]
SOLUTION_OUTCOMES = ("housing", "adapted_housing", "shelter", "family")


def age_band_sql(on):
    """The age band of the person (alias ``d``) on the day ``on`` (SQL)."""
    return SQL(
        """CASE
            WHEN d.birthdate IS NULL OR %(on)s IS NULL THEN 'unknown'
            WHEN date_part('year', age(%(on)s, d.birthdate)) < 25 THEN 'under_25'
            WHEN date_part('year', age(%(on)s, d.birthdate)) < 35 THEN '25_34'
            WHEN date_part('year', age(%(on)s, d.birthdate)) < 45 THEN '35_44'
            WHEN date_part('year', age(%(on)s, d.birthdate)) < 55 THEN '45_54'
            ELSE '55_plus' END""",
        on=SQL(on),
    )


def person_columns(on):
    return SQL(
        """d.pseudonym AS person_key, d.gender AS gender, %(age)s AS age_band,
           prison.prison_type AS prison_type, d.legal_status AS legal_status""",
        age=age_band_sql(on),
    )


# What the person columns read, for the views' _depends.
PERSON_DEPENDS = {
    "siao.detainee": [
        "pseudonym",
        "gender",
        "birthdate",
        "legal_status",
        "prison_id",
        "company_id",
    ],
    "res.partner": ["prison_type"],
}


def with_person_depends(depends):
    """A view's ``_depends``: its own fields and those of the person columns."""
    merged = {model: list(names) for model, names in PERSON_DEPENDS.items()}
    for model, names in depends.items():
        merged[model] = merged.get(model, []) + names
    return merged


# Every row has its person (required field): a LEFT JOIN lets PostgreSQL skip the
# persons' table when a query reads no person column.
PERSON_JOIN = SQL(
    "LEFT JOIN siao_detainee d ON d.id = src.detainee_id "
    "LEFT JOIN res_partner prison ON prison.id = d.prison_id"
)


class SiaoReportMixin(models.AbstractModel):
    _name = "siao.report.mixin"
    _description = "Anonymised report view"

    person_key = fields.Char(string="Person key", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    gender = fields.Selection(GENDERS, readonly=True)
    age_band = fields.Selection(AGE_BANDS, readonly=True)
    prison_type = fields.Selection(PRISON_TYPES, readonly=True)
    legal_status = fields.Selection(LEGAL_STATUSES, readonly=True)

    def _compute_display_name(self):
        # A row is a figure, not a person: named by its kind and number.
        kind = self.env["ir.model"]._get(self._name).name if self else ""
        for row in self:
            row.display_name = self.env._(
                "%(kind)s no. %(number)s", kind=kind, number=row.id
            )

    def _query(self):
        raise NotImplementedError

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )


class SiaoReportMeasure(models.Model):
    _name = "siao.report.measure"
    _inherit = "siao.report.mixin"
    _description = "AVDL measures (anonymised)"
    _auto = False
    _order = "referral_date desc"
    _depends = with_person_depends(
        {
            "siao.avdl.measure": [
                "detainee_id",
                "company_id",
                "referral_date",
                "file_from",
                "file_until",
                "housing_entry_date",
                "closing_date",
                "closing_reason",
                "housing_type",
                "state",
                "renewal_count",
            ]
        }
    )

    referral_date = fields.Date(readonly=True)
    file_from = fields.Date(string="In the active file from", readonly=True)
    file_until = fields.Date(string="In the active file until", readonly=True)
    housing_entry_date = fields.Date(readonly=True)
    closing_date = fields.Date(readonly=True)
    closing_reason = fields.Selection(CLOSING_REASONS, readonly=True)
    housing_type = fields.Selection(PLACE_TYPES, readonly=True)
    exit_destination = fields.Selection(EXIT_DESTINATIONS, readonly=True)
    state = fields.Selection(
        MEASURE_STATES,
        readonly=True,
    )
    renewal_count = fields.Integer(string="Renewals", readonly=True, aggregator="sum")
    length_days = fields.Integer(
        string="Length (days)", readonly=True, aggregator="avg"
    )
    measure_count = fields.Integer(string="Measures", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT src.id, src.company_id, %(person)s,
                      src.referral_date, src.file_from, src.file_until,
                      src.housing_entry_date, src.closing_date, src.closing_reason,
                      src.housing_type, src.state, src.renewal_count,
                      CASE WHEN src.state = 'closed'
                            AND src.housing_entry_date IS NOT NULL
                           THEN src.closing_date - src.housing_entry_date
                      END AS length_days,
                      CASE WHEN src.state != 'closed' THEN NULL
                           WHEN src.closing_reason IN ('housing_kept', 'rehoused')
                            AND src.housing_type IN %(ordinary)s
                           THEN 'ordinary_housing'
                           WHEN src.closing_reason IN ('housing_kept', 'rehoused')
                            AND src.housing_type IN %(adapted)s
                           THEN 'adapted_housing'
                           ELSE 'other' END AS exit_destination,
                      1 AS measure_count
                 FROM siao_avdl_measure src %(join)s""",
            person=person_columns("src.referral_date"),
            ordinary=ORDINARY_HOUSING,
            adapted=ADAPTED_HOUSING,
            join=PERSON_JOIN,
        )


class SiaoReportRequest(models.Model):
    _name = "siao.report.request"
    _inherit = "siao.report.mixin"
    _description = "SIAO requests (anonymised)"
    _auto = False
    _order = "request_date desc"
    _depends = with_person_depends(
        {
            "siao.request": [
                "detainee_id",
                "company_id",
                "request_date",
                "request_kind",
                "orientation",
                "state",
                "filed_in_time",
                "refusal_by",
                "refusal_reason",
                "oriented_date",
                "admitted_date",
                "active",
            ]
        }
    )

    request_date = fields.Date(string="First submission", readonly=True)
    request_kind = fields.Selection(
        [("emergency", "Emergency shelter"), ("insertion", "Insertion")], readonly=True
    )
    orientation = fields.Selection(ORIENTATION_TYPES, readonly=True)
    state = fields.Selection(REQUEST_STATES, readonly=True)
    filed_in_time = fields.Boolean(readonly=True)
    refusal_by = fields.Selection(
        REFUSAL_SIDES,
        string="Last refusal by",
        readonly=True,
    )
    refusal_reason = fields.Selection(
        REFUSAL_REASONS, string="Last refusal reason", readonly=True
    )
    oriented_date = fields.Date(readonly=True)
    admitted_date = fields.Date(readonly=True)
    days_to_orientation = fields.Integer(readonly=True, aggregator="avg")
    days_to_admission = fields.Integer(readonly=True, aggregator="avg")
    request_count = fields.Integer(string="Requests", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT src.id, src.company_id, %(person)s,
                      src.request_date, src.request_kind, src.orientation, src.state,
                      src.filed_in_time, src.refusal_by, src.refusal_reason,
                      src.oriented_date, src.admitted_date,
                      src.oriented_date - src.request_date AS days_to_orientation,
                      src.admitted_date - src.request_date AS days_to_admission,
                      1 AS request_count
                 FROM siao_request src %(join)s
                WHERE src.active""",
            person=person_columns("src.request_date"),
            join=PERSON_JOIN,
        )


class SiaoReportRequestStep(models.Model):
    _name = "siao.report.request.step"
    _inherit = "siao.report.mixin"
    _description = "SIAO request steps (anonymised)"
    _auto = False
    _order = "date desc"
    _depends = with_person_depends(
        {
            "siao.request": ["detainee_id", "company_id"],
            "siao.request.history": [
                "request_id",
                "date",
                "event",
                "refusal_by",
                "refusal_reason",
            ],
        }
    )

    date = fields.Date(readonly=True)
    event = fields.Selection(
        REQUEST_EVENTS,
        readonly=True,
    )
    refusal_by = fields.Selection(REFUSAL_SIDES, readonly=True)
    refusal_reason = fields.Selection(REFUSAL_REASONS, readonly=True)
    step_count = fields.Integer(string="Steps", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT step.id, src.company_id, %(person)s, step.date, step.event,
                      step.refusal_by, step.refusal_reason, 1 AS step_count
                 FROM siao_request_history step
                 JOIN siao_request src ON src.id = step.request_id %(join)s""",
            person=person_columns("step.date"),
            join=PERSON_JOIN,
        )


class SiaoReportRelease(models.Model):
    """One row per release from a stay in prison: a person who came back and was
    released again counts twice, each release in its own period."""

    _name = "siao.report.release"
    _inherit = "siao.report.mixin"
    _description = "Releases (anonymised)"
    _auto = False
    _order = "release_date desc"
    _depends = with_person_depends(
        {
            "siao.detainee.stay": [
                "detainee_id",
                "prison_id",
                "actual_release_date",
                "release_outcome",
                "dry_exit_reason",
            ]
        }
    )

    release_date = fields.Date(readonly=True)
    release_outcome = fields.Selection(RELEASE_OUTCOMES, readonly=True)
    with_solution = fields.Boolean(string="Prepared with a solution", readonly=True)
    dry_exit_reason = fields.Selection(DRY_EXIT_REASONS, readonly=True)
    release_count = fields.Integer(string="Releases", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT s.id, d.company_id, %(person)s,
                      s.actual_release_date AS release_date, s.release_outcome,
                      s.release_outcome IN %(solutions)s AS with_solution,
                      s.dry_exit_reason, 1 AS release_count
                 FROM siao_detainee_stay s
                 JOIN siao_detainee d ON d.id = s.detainee_id
            LEFT JOIN res_partner prison ON prison.id = s.prison_id
                WHERE s.actual_release_date IS NOT NULL""",
            person=person_columns("s.actual_release_date"),
            solutions=SOLUTION_OUTCOMES,
        )


class SiaoReportCommission(models.Model):
    _name = "siao.report.commission"
    _inherit = "siao.report.mixin"
    _description = "Commission cases (anonymised)"
    _auto = False
    _order = "meeting_date desc"
    _depends = with_person_depends(
        {
            "siao.commission.line": [
                "detainee_id",
                "meeting_id",
                "release_horizon",
                "decision",
            ],
            "siao.commission.meeting": ["company_id", "date", "state"],
        }
    )

    meeting_date = fields.Date(readonly=True)
    meeting_id = fields.Many2one("siao.commission.meeting", readonly=True)
    release_horizon = fields.Selection(RELEASE_HORIZONS, readonly=True)
    decision = fields.Selection(DECISIONS, readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT src.id, meeting.company_id, %(person)s,
                      meeting.date::date AS meeting_date, meeting.id AS meeting_id,
                      src.release_horizon, src.decision, 1 AS case_count
                 FROM siao_commission_line src
                 JOIN siao_commission_meeting meeting ON meeting.id = src.meeting_id
                      %(join)s
                WHERE meeting.state = 'closed'""",
            person=person_columns("meeting.date::date"),
            join=PERSON_JOIN,
        )
