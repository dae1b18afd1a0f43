from odoo import fields, models
from odoo.tools import SQL

from ..models.siao_request import REFUSAL_REASONS
from .siao_report_mixin import with_person_depends


class SiaoReportRefusal(models.Model):
    """The refusals by structures, counted by month, reason and need the persons
    had that day (a refusal without a need counts under none): the evidence the
    association brings to the State. A row is a count, never one person's
    refusal: nothing of the person (no key, gender, age, prison, day) ties a
    person's needs to the rest of their figures."""

    _name = "siao.report.refusal"
    _inherit = "siao.report.mixin"
    _description = "Refusals by structures and needs (anonymised)"
    _auto = False
    _attributed_company = True
    _order = "month desc"
    _depends = with_person_depends(
        {
            "siao.request": ["detainee_id", "company_id"],
            "siao.request.history": [
                "request_id",
                "date",
                "event",
                "refusal_by",
                "refusal_reason",
                "need_tag_ids",
            ],
        }
    )

    month = fields.Date(readonly=True)
    refusal_reason = fields.Selection(REFUSAL_REASONS, readonly=True)
    need_tag_id = fields.Many2one("siao.need.tag", string="Need", readonly=True)
    refusal_count = fields.Integer(string="Refusals", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT min(step.id)::bigint * 100000 + COALESCE(need.tag_id, 0)
                          AS source_key,
                      %(company)s AS company_id, NULL::varchar AS person_key,
                      d.handed_over AS handed_over,
                      NULL::varchar AS gender, NULL::varchar AS age_band,
                      NULL::varchar AS prison_type, NULL::varchar AS legal_status,
                      date_trunc('month', step.date)::date AS month,
                      step.refusal_reason, need.tag_id AS need_tag_id,
                      count(*) AS refusal_count
                 FROM siao_request_history step
                 JOIN siao_request src ON src.id = step.request_id
                 JOIN siao_detainee d ON d.id = src.detainee_id
            LEFT JOIN siao_request_history_need_tag_rel need
                   ON need.history_id = step.id
                WHERE step.event = 'refuse' AND step.refusal_by = 'structure'
             GROUP BY %(company)s, d.handed_over,
                      date_trunc('month', step.date),
                      step.refusal_reason, need.tag_id""",
            company=self._company_sql("d", SQL("step.date"), SQL("src.company_id")),
        )
