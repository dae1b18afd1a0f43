from odoo import fields, models
from odoo.tools import SQL

from ..models.siao_hearing import HEARING_KINDS, HEARING_OUTCOMES
from .siao_report_mixin import PERSON_JOIN, person_columns, with_person_depends


class SiaoReportHearing(models.Model):
    """The hearings on sentence adjustments and their outcomes, without the
    persons: how many were refused for lack of housing (the funders' question)."""

    _name = "siao.report.hearing"
    _inherit = "siao.report.mixin"
    _description = "Hearings on sentence adjustments (anonymised)"
    _auto = False
    _attributed_company = True
    _order = "date desc"
    _depends = with_person_depends(
        {"siao.hearing": ["detainee_id", "company_id", "date", "kind", "outcome"]}
    )

    date = fields.Date(readonly=True)
    kind = fields.Selection(HEARING_KINDS, readonly=True)
    outcome = fields.Selection(HEARING_OUTCOMES, readonly=True)
    hearing_count = fields.Integer(string="Hearings", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT src.id AS source_key, %(company)s AS company_id, %(person)s,
                      src.date, src.kind, src.outcome, 1 AS hearing_count
                 FROM siao_hearing src %(join)s""",
            person=person_columns("src.date"),
            company=self._company_sql("d", SQL("src.date"), SQL("src.company_id")),
            join=PERSON_JOIN,
        )
