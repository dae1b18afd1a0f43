from odoo import fields, models
from odoo.tools import SQL

from ..models.siao_avdl_measure import CLOSING_REASONS, MEASURE_STATES
from ..models.siao_housing_place import PLACE_TYPES
from .siao_report_mixin import (
    ADAPTED_HOUSING,
    EXIT_DESTINATIONS,
    ORDINARY_HOUSING,
    PERSON_JOIN,
    person_columns,
    with_person_depends,
)


class SiaoReportMeasure(models.Model):
    _name = "siao.report.measure"
    _inherit = "siao.report.mixin"
    _description = "AVDL measures (anonymised)"
    _auto = False
    _attributed_company = True
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
    # A measure not closed yet is on its way: said so, not left empty.
    exit_destination = fields.Selection(
        EXIT_DESTINATIONS + [("ongoing", "Measure ongoing")], readonly=True
    )
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
            """SELECT src.id AS source_key, %(company)s AS company_id, %(person)s,
                      src.referral_date, src.file_from, src.file_until,
                      src.housing_entry_date, src.closing_date, src.closing_reason,
                      src.housing_type, src.state, src.renewal_count,
                      CASE WHEN src.state = 'closed'
                            AND src.housing_entry_date IS NOT NULL
                           THEN src.closing_date - src.housing_entry_date
                      END AS length_days,
                      CASE WHEN src.state != 'closed' THEN 'ongoing'
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
            company=self._company_sql(
                "d", SQL("src.referral_date"), SQL("src.company_id")
            ),
            ordinary=ORDINARY_HOUSING,
            adapted=ADAPTED_HOUSING,
            join=PERSON_JOIN,
        )
