from odoo import fields, models
from odoo.tools import SQL

from ..models.siao_commission_line import DECISIONS
from ..models.siao_detainee import RELEASE_HORIZONS
from .siao_report_mixin import PERSON_JOIN, person_columns, with_person_depends


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
            "siao.commission.meeting": ["company_id", "day", "state"],
        }
    )

    meeting_date = fields.Date(readonly=True)
    meeting_id = fields.Many2one("siao.commission.meeting", readonly=True)
    release_horizon = fields.Selection(RELEASE_HORIZONS, readonly=True)
    decision = fields.Selection(DECISIONS, readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT src.id AS source_key, meeting.company_id, %(person)s,
                      meeting.day AS meeting_date, meeting.id AS meeting_id,
                      src.release_horizon, src.decision, 1 AS case_count
                 FROM siao_commission_line src
                 JOIN siao_commission_meeting meeting ON meeting.id = src.meeting_id
                      %(join)s
                WHERE meeting.state = 'closed'""",
            person=person_columns("meeting.day"),
            join=PERSON_JOIN,
        )
