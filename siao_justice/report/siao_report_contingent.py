from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.res_company import create_day_functions
from ..models.siao_convention import CONVENTION_KINDS, contingent_days_sql
from .siao_report_mixin import opaque_id_sql


class SiaoReportContingent(models.Model):
    """One row per contingent of places and month it was in force: the places'
    days open and occupied, and the stays ended (the figures of the CPOM workbook,
    month by month). No person in it."""

    _name = "siao.report.contingent"
    _description = "Contingents of places (figures)"
    _auto = False
    _order = "month desc, convention_id"
    _depends = {
        "siao.convention": [
            "kind",
            "partner_id",
            "date_start",
            "date_end",
            "signature_date",
            "place_ids",
            "company_id",
        ],
        "siao.housing.place": ["available_from", "available_until"],
        "siao.housing.reservation": [
            "place_id",
            "state",
            "kind",
            "date_from",
            "date_to",
        ],
    }

    convention_id = fields.Many2one("siao.convention", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Structure", readonly=True)
    kind = fields.Selection(CONVENTION_KINDS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    month = fields.Date(readonly=True)
    place_count = fields.Integer(
        string="Places agreed", readonly=True, aggregator="max"
    )
    open_days = fields.Integer(string="Days open", readonly=True, aggregator="sum")
    occupied_days = fields.Integer(
        string="Days occupied", readonly=True, aggregator="sum"
    )
    stays_ended = fields.Integer(string="Stays ended", readonly=True, aggregator="sum")
    stay_days = fields.Integer(
        string="Days of the stays ended", readonly=True, aggregator="sum"
    )

    def _compute_display_name(self):
        for row in self:
            row.display_name = self.env._(
                "%(convention)s, %(month)s",
                convention=row.convention_id.sudo().name or "",
                month=row.month and row.month.strftime("%m/%Y") or "",
            )

    def init(self):
        create_day_functions(self.env.cr)
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %(view)s AS (
                SELECT %(id)s AS id,
                       convention.id AS convention_id,
                       convention.partner_id, convention.kind, convention.company_id,
                       month.first_day::date AS month, convention.place_count,
                       days.open_days, days.occupied_days, days.stays_ended,
                       days.stay_days
                  FROM siao_convention convention
            CROSS JOIN LATERAL generate_series(
                           date_trunc('month', COALESCE(convention.date_start,
                                                        convention.signature_date)),
                           date_trunc('month', COALESCE(convention.date_end,
                                                        siao_today(convention.company_id))),
                           interval '1 month') AS month(first_day)
            CROSS JOIN LATERAL (%(days)s) AS days
                 WHERE convention.kind = 'contingent'
                   AND convention.signature_date IS NOT NULL
                   AND convention.active)""",
                view=SQL.identifier(self._table),
                id=opaque_id_sql(
                    self.env,
                    self._name,
                    SQL(
                        "convention.id::bigint * 10000"
                        " + (extract(year FROM month.first_day)::int - 2000) * 12"
                        " + extract(month FROM month.first_day)::int"
                    ),
                ),
                days=contingent_days_sql(
                    SQL("convention"),
                    SQL("month.first_day::date"),
                    SQL("(month.first_day + interval '1 month - 1 day')::date"),
                ),
            )
        )
