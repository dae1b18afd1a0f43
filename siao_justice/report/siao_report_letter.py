from odoo import fields, models
from odoo.tools import SQL

from ..models.siao_letter import LETTER_KINDS, LETTER_STATES
from .siao_report_mixin import PERSON_JOIN, person_columns, with_person_depends


class SiaoReportLetter(models.Model):
    """The letters sent to the persons and the replies that came back, without
    the persons (the CPOM counts them)."""

    _name = "siao.report.letter"
    _inherit = "siao.report.mixin"
    _description = "Letters to the persons (anonymised)"
    _auto = False
    _attributed_company = True
    _order = "sent_date desc"
    _depends = with_person_depends(
        {
            "siao.letter": [
                "detainee_id",
                "company_id",
                "kind",
                "state",
                "sent_date",
                "reply_date",
            ],
        }
    )

    kind = fields.Selection(LETTER_KINDS, readonly=True)
    state = fields.Selection(LETTER_STATES, readonly=True)
    sent_date = fields.Date(readonly=True)
    reply_date = fields.Date(readonly=True)
    letter_count = fields.Integer(string="Letters", readonly=True, aggregator="sum")

    def _query(self):
        return SQL(
            """SELECT src.id AS source_key, %(company)s AS company_id, %(person)s,
                      src.kind, src.state, src.sent_date,
                      CASE WHEN src.state = 'replied' THEN src.reply_date END
                          AS reply_date,
                      1 AS letter_count
                 FROM siao_letter src %(join)s
                WHERE src.state != 'draft'""",
            person=person_columns("src.sent_date"),
            company=self._company_sql("d", SQL("src.sent_date"), SQL("src.company_id")),
            join=PERSON_JOIN,
        )
