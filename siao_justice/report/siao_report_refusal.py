from odoo import fields, models
from odoo.tools import SQL

from ..models.siao_request import REFUSAL_REASONS
from .siao_report_mixin import PERSON_JOIN, age_band_sql, with_person_depends


class SiaoReportRefusal(models.Model):
    """One row per refusal by a structure and need the person had that day (one
    row without a need when they had none): the refusals by reason and by need,
    the evidence the association brings to the State. Without the person key of
    the other views: a person's needs are not to be linked to the rest of their
    figures."""

    _name = "siao.report.refusal"
    _inherit = "siao.report.mixin"
    _description = "Refusals by structures and needs (anonymised)"
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
                "need_tag_ids",
            ],
        }
    )

    date = fields.Date(readonly=True)
    refusal_reason = fields.Selection(REFUSAL_REASONS, readonly=True)
    need_tag_id = fields.Many2one("siao.need.tag", string="Need", readonly=True)
    refusal_count = fields.Integer(string="Refusals", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT step.id::bigint * 100000 + COALESCE(need.tag_id, 0)
                          AS id,
                      src.company_id, NULL::varchar AS person_key, d.gender,
                      %(age_band)s AS age_band, prison.prison_type, d.legal_status,
                      step.date, step.refusal_reason,
                      need.tag_id AS need_tag_id, 1 AS refusal_count
                 FROM siao_request_history step
                 JOIN siao_request src ON src.id = step.request_id %(join)s
            LEFT JOIN siao_request_history_need_tag_rel need
                   ON need.history_id = step.id
                WHERE step.event = 'refuse' AND step.refusal_by = 'structure'""",
            age_band=age_band_sql("step.date"),
            join=PERSON_JOIN,
        )
