from odoo import fields, models
from odoo.tools import SQL

from ..models.siao_request import (
    ORIENTATION_TYPES,
    REFUSAL_REASONS,
    REFUSAL_SIDES,
    REQUEST_KINDS,
    REQUEST_STATES,
)
from .siao_report_mixin import PERSON_JOIN, person_columns, with_person_depends


class SiaoReportRequest(models.Model):
    _name = "siao.report.request"
    _inherit = "siao.report.mixin"
    _description = "SIAO requests (anonymised)"
    _auto = False
    _attributed_company = True
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
                "household_size",
                "refusal_by",
                "refusal_reason",
                "oriented_date",
                "admitted_date",
                "active",
            ]
        }
    )

    request_date = fields.Date(string="First submission", readonly=True)
    request_kind = fields.Selection(REQUEST_KINDS, readonly=True)
    orientation = fields.Selection(ORIENTATION_TYPES, readonly=True)
    state = fields.Selection(REQUEST_STATES, readonly=True)
    filed_in_time = fields.Boolean(readonly=True)
    household_size = fields.Integer(
        string="Persons in the household", readonly=True, aggregator="sum"
    )
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
            """SELECT src.id AS source_key, %(company)s AS company_id, %(person)s,
                      src.request_date, src.request_kind, src.orientation, src.state,
                      src.filed_in_time, src.household_size,
                      src.refusal_by, src.refusal_reason,
                      src.oriented_date, src.admitted_date,
                      src.oriented_date - src.request_date AS days_to_orientation,
                      src.admitted_date - src.request_date AS days_to_admission,
                      1 AS request_count
                 FROM siao_request src %(join)s
                WHERE src.active""",
            person=person_columns("src.request_date"),
            company=self._company_sql(
                "d", SQL("src.request_date"), SQL("src.company_id")
            ),
            join=PERSON_JOIN,
        )
