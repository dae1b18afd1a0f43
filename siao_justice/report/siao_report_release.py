from odoo import fields, models
from odoo.tools import SQL

from ..models.siao_detainee import DRY_EXIT_REASONS
from ..models.siao_release_plan import ARRIVALS
from ..models.siao_rules import (
    HELD_PLACE_TYPES,
    RELEASE_OUTCOMES,
    RELEASE_WAYS,
    SOLUTION_OUTCOMES,
)
from .siao_report_mixin import person_columns, with_person_depends


class SiaoReportRelease(models.Model):
    """One row per release from a stay in prison: a person who came back and was
    released again counts twice, each release in its own period."""

    _name = "siao.report.release"
    _inherit = "siao.report.mixin"
    _description = "Releases (anonymised)"
    _auto = False
    _attributed_company = True
    _order = "release_date desc"
    # The establishment, counted by the yearly figures only (by PostgreSQL, the
    # small ones together): no field shows it beside a release's other columns.
    _sql_only_columns = ("establishment_key",)
    _depends = with_person_depends(
        {
            "siao.detainee.stay": [
                "detainee_id",
                "prison_id",
                "actual_release_date",
                "release_outcome",
                "release_way",
                "dry_exit_reason",
            ],
            "siao.release.plan": [
                "stay_id",
                "arrival",
                "first_night",
                "reservation_id",
            ],
            "siao.housing.reservation": ["place_id"],
            "siao.housing.place": ["place_type"],
        }
    )

    release_date = fields.Date(readonly=True)
    release_outcome = fields.Selection(RELEASE_OUTCOMES, readonly=True)
    release_way = fields.Selection(
        RELEASE_WAYS + [("unrecorded", "Not recorded")],
        string="Way out",
        readonly=True,
    )
    # The outcome the release was recorded with is a place to live (not the
    # housing-solution rule of a file, ``housing_solution_sql``).
    outcome_is_solution = fields.Boolean(
        string="Released to a place to live", readonly=True
    )
    dry_exit_reason = fields.Selection(DRY_EXIT_REASONS, readonly=True)
    release_count = fields.Integer(string="Releases", readonly=True, aggregator="sum")
    first_night = fields.Selection(
        ARRIVALS + [("unrecorded", "Not recorded")],
        string="The first night",
        readonly=True,
        help="Whether the person reached the place of their release-day plan.",
    )
    first_night_covered = fields.Boolean(
        string="First night covered",
        readonly=True,
        help="The person reached the place of their release-day plan.",
    )
    first_night_held_place = fields.Boolean(
        string="First night in a place held",
        readonly=True,
        help="The person reached a SAS apartment or a floating place held for the "
        "night of their release: a dry exit avoided.",
    )

    def _query(self):
        return SQL(
            """SELECT s.id AS source_key, %(company)s AS company_id, %(person)s,
                      s.actual_release_date AS release_date, s.release_outcome,
                      COALESCE(s.release_way, 'unrecorded') AS release_way,
                      s.prison_id AS establishment_key,
                      s.release_outcome IN %(solutions)s AS outcome_is_solution,
                      s.dry_exit_reason, 1 AS release_count,
                      COALESCE(plan.arrival, 'unrecorded') AS first_night,
                      plan.arrival IS NOT DISTINCT FROM 'arrived'
                          AND plan.first_night IS DISTINCT FROM 'emergency'
                          AS first_night_covered,
                      plan.arrival IS NOT DISTINCT FROM 'arrived'
                          AND plan.first_night IS NOT DISTINCT FROM 'held_place'
                          AND held.place_type IN %(held_types)s
                          AND s.release_outcome IS DISTINCT FROM 'dry_exit'
                          AS first_night_held_place
                 FROM siao_detainee_stay s
                 JOIN siao_detainee d ON d.id = s.detainee_id
            LEFT JOIN res_partner prison ON prison.id = s.prison_id
            LEFT JOIN siao_release_plan plan ON plan.stay_id = s.id
            LEFT JOIN siao_housing_reservation hold ON hold.id = plan.reservation_id
            LEFT JOIN siao_housing_place held ON held.id = hold.place_id
                WHERE s.actual_release_date IS NOT NULL""",
            person=person_columns("s.actual_release_date"),
            company=self._company_sql(
                "d", SQL("s.actual_release_date"), SQL("s.company_id")
            ),
            solutions=SOLUTION_OUTCOMES,
            held_types=HELD_PLACE_TYPES,
        )
