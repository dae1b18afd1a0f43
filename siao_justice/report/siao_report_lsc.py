from odoo import fields, models
from odoo.tools import SQL

from ..models.siao_rules import housing_solution_sql
from .siao_report_mixin import person_columns, with_person_depends


class SiaoReportLsc(models.Model):
    """One row per stay with an LSC de plein droit deadline: blocked when the person
    had no housing solution that day and was still detained after it."""

    _name = "siao.report.lsc"
    _inherit = "siao.report.mixin"
    _description = "LSC de plein droit deadlines (anonymised)"
    _auto = False
    _attributed_company = True
    _order = "lsc_date desc"
    _depends = with_person_depends(
        {
            "siao.detainee.stay": [
                "detainee_id",
                "prison_id",
                "lsc_automatic_date",
                "actual_release_date",
            ],
            "siao.request": [
                "detainee_id",
                "stay_id",
                "active",
                "state",
                "admission_date",
                "structure_id",
                "place_id",
            ],
            "siao.housing.reservation": [
                "detainee_id",
                "state",
                "kind",
                "date_from",
                "date_to",
            ],
        }
    )

    lsc_date = fields.Date(string="LSC de plein droit deadline", readonly=True)
    blocked = fields.Boolean(string="Blocked for lack of housing", readonly=True)
    lsc_count = fields.Integer(string="Deadlines", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT s.id AS source_key, %(company)s AS company_id, %(person)s,
                      s.lsc_automatic_date AS lsc_date,
                      ((s.actual_release_date IS NULL
                        OR s.actual_release_date > s.lsc_automatic_date)
                       AND NOT %(solution)s) AS blocked,
                      1 AS lsc_count
                 FROM siao_detainee_stay s
                 JOIN siao_detainee d ON d.id = s.detainee_id
            LEFT JOIN res_partner prison ON prison.id = s.prison_id
                WHERE s.lsc_automatic_date IS NOT NULL""",
            person=person_columns("s.lsc_automatic_date"),
            company=self._company_sql(
                "d", SQL("s.lsc_automatic_date"), SQL("s.company_id")
            ),
            # A figure of a day past: only an admission recorded by then counts.
            solution=housing_solution_sql(
                SQL("s.detainee_id"),
                SQL("s.id"),
                SQL("s.lsc_automatic_date"),
                planned=False,
            ),
        )
