from odoo import fields, models
from odoo.tools import SQL

from ..models.siao_request import (
    REFUSAL_REASONS,
    REFUSAL_SIDES,
    REQUEST_EVENTS,
)
from .siao_report_mixin import PERSON_JOIN, person_columns, with_person_depends


class SiaoReportRequestStep(models.Model):
    _name = "siao.report.request.step"
    _inherit = "siao.report.mixin"
    _description = "SIAO request steps (anonymised)"
    _auto = False
    _attributed_company = True
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
            """SELECT step.id AS source_key, %(company)s AS company_id, %(person)s,
                      step.date, step.event, step.refusal_by, step.refusal_reason,
                      1 AS step_count
                 FROM siao_request_history step
                 JOIN siao_request src ON src.id = step.request_id %(join)s""",
            person=person_columns("step.date"),
            company=self._company_sql("d", SQL("step.date"), SQL("src.company_id")),
            join=PERSON_JOIN,
        )
