from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .res_company import flag_domain
from .siao_housing_place import place_days_sql

CONVENTION_KINDS = [
    ("spip_partnership", "Partnership with the SPIP"),
    ("contingent", "Contingent of places"),
    ("iml", "Rental intermediation (IML)"),
    ("other", "Other"),
]
CONVENTION_STEPS = [
    ("draft", "To start"),
    ("letter_sent", "Letter sent"),
    ("meeting", "Meeting held"),
    ("signed", "Signed"),
    ("ended", "Ended"),
]
# The coordinators are told this long before a convention ends.
END_NOTICE_MONTHS = 2


def contingent_days_sql(convention, first_day, last_day):
    """One row (open_days, occupied_days, stays_ended, stay_days) for the places of
    the convention ``convention`` (an SQL alias of siao_convention) over
    [first_day, last_day] within the convention's own dates: the places' occupancy
    (``place_days_sql``) added up. Read by the indicators and the report view."""
    return SQL(
        """SELECT COALESCE(sum(days.open_days), 0) AS open_days,
                  COALESCE(sum(days.occupied_days), 0) AS occupied_days,
                  COALESCE(sum(days.stays_ended), 0) AS stays_ended,
                  COALESCE(sum(days.stay_days), 0) AS stay_days
             FROM siao_convention_place_rel covered
             JOIN siao_housing_place place ON place.id = covered.place_id,
                  LATERAL (%(days)s) AS days
            WHERE covered.convention_id = %(convention)s.id""",
        convention=convention,
        days=place_days_sql(
            SQL("place"),
            SQL("GREATEST(%s, %s.date_start)", first_day, convention),
            SQL("LEAST(%s, COALESCE(%s.date_end, %s))", last_day, convention, last_day),
        ),
    )


class SiaoConvention(models.Model):
    _name = "siao.convention"
    _description = "Convention"
    _inherit = ["mail.thread", "mail.activity.mixin", "siao.input.validation"]
    _order = "date_end desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Partner",
        required=True,
        ondelete="restrict",
        index=True,
        domain="[('siao_partner_type', 'in', ('spip', 'host_structure', 'landlord'))]",
        tracking=True,
    )
    kind = fields.Selection(
        CONVENTION_KINDS, required=True, default="spip_partnership", tracking=True
    )
    letter_date = fields.Date(
        string="Letter sent", tracking=True, help="The letter to the director."
    )
    meeting_date = fields.Date(string="Meeting", tracking=True)
    signature_date = fields.Date(string="Signed on", tracking=True)
    step = fields.Selection(
        CONVENTION_STEPS, compute="_compute_step", store=True, index=True
    )
    date_start = fields.Date(string="Start", tracking=True)
    date_end = fields.Date(string="End", tracking=True)
    signed_document = fields.Binary(string="Signed convention", attachment=True)
    signed_document_name = fields.Char(string="File name")
    place_count = fields.Integer(
        string="Places agreed", tracking=True, help="For a contingent of places."
    )
    place_ids = fields.Many2many(
        "siao.housing.place",
        "siao_convention_place_rel",
        "convention_id",
        "place_id",
        string="Places",
        check_company=True,
        help="The places of the contingent: their occupancy is the contingent's.",
    )
    end_notice_sent = fields.Boolean(readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True, tracking=True)
    note = fields.Text()
    occupancy_rate = fields.Float(
        string="Occupancy (last 12 months)",
        compute="_compute_occupancy",
        help="Days occupied over days open of the contingent's places, over the "
        "last twelve months.",
    )
    ending_soon = fields.Boolean(
        string="Ending within two months",
        compute="_compute_ending_soon",
        search="_search_ending_soon",
    )
    mean_stay_days = fields.Float(
        string="Mean stay (days)", compute="_compute_occupancy"
    )

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("Convention created")

    # ---- Computes ----
    @api.depends("letter_date", "meeting_date", "signature_date", "date_end")
    def _compute_step(self):
        for convention in self:
            today = convention.company_id.siao_today()
            if convention.date_end and convention.date_end < today:
                convention.step = "ended"
            elif convention.signature_date:
                convention.step = "signed"
            elif convention.meeting_date:
                convention.step = "meeting"
            elif convention.letter_date:
                convention.step = "letter_sent"
            else:
                convention.step = "draft"

    @api.model
    def _ending_soon_domain(self, day=None):
        """Conventions that end within two months of ``day`` (each company's
        today by default)."""
        return self.env["res.company"]._siao_per_day_domain(
            lambda today: [
                ("date_end", ">=", today),
                ("date_end", "<=", today + relativedelta(months=END_NOTICE_MONTHS)),
            ],
            day,
        )

    def _compute_ending_soon(self):
        soon = self.filtered_domain(self._ending_soon_domain())
        for convention in self:
            convention.ending_soon = convention in soon

    def _search_ending_soon(self, operator, value):
        return flag_domain(self.env, self._ending_soon_domain(), operator, value)

    def _compute_occupancy(self):
        """Over the twelve months to each company's today."""
        for company, conventions in self.grouped("company_id").items():
            today = company.siao_today()
            figures = conventions._contingent_figures(
                today - relativedelta(years=1), today
            )
            for convention in conventions:
                row = figures.get(convention.id, {})
                convention.occupancy_rate = row.get("occupancy_rate") or 0.0
                convention.mean_stay_days = row.get("mean_stay_days") or 0.0

    def _contingent_figures(self, date_from, date_to):
        """{convention id: figures} of these contingents over the period, in one
        query: the places agreed and identified, the days open and occupied, the
        occupancy rate, the stays ended and their mean length (rates and means
        None when there is nothing to divide by)."""
        conventions = self.filtered(lambda c: c.id and c.kind == "contingent")
        if not conventions:
            return {}
        self.env["siao.housing.reservation"].flush_model()
        self.env["siao.housing.place"].flush_model()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT convention.id, convention.place_count,
                          (SELECT count(*) FROM siao_convention_place_rel covered
                            WHERE covered.convention_id = convention.id),
                          days.open_days, days.occupied_days, days.stays_ended,
                          days.stay_days
                     FROM siao_convention convention,
                          LATERAL (%(days)s) AS days
                    WHERE convention.id = ANY(%(ids)s)""",
                days=contingent_days_sql(
                    SQL("convention"),
                    SQL("%s::date", date_from),
                    SQL("%s::date", date_to),
                ),
                ids=conventions.ids,
            )
        )
        return {
            row[0]: {
                "places_agreed": row[1],
                "places_identified": row[2],
                "open_days": row[3],
                "occupied_days": row[4],
                "occupancy_rate": row[4] / row[3] if row[3] else None,
                "stays_ended": row[5],
                "stay_days": row[6],
                "mean_stay_days": row[6] / row[5] if row[5] else None,
            }
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _in_force_domain(self, date_from, date_to):
        """The contingents signed whose dates meet the period."""
        return [
            ("kind", "=", "contingent"),
            ("signature_date", "!=", False),
            "|",
            ("date_start", "=", False),
            ("date_start", "<=", date_to),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", date_from),
        ]

    # ---- Constraints ----
    @api.constrains(
        "letter_date", "meeting_date", "signature_date", "date_start", "date_end"
    )
    def _check_dates(self):
        for convention in self:
            if (
                convention.date_start
                and convention.date_end
                and convention.date_end < convention.date_start
            ):
                raise ValidationError(_("A convention cannot end before it starts."))
            steps = [
                d
                for d in (
                    convention.letter_date,
                    convention.meeting_date,
                    convention.signature_date,
                )
                if d
            ]
            if steps != sorted(steps):
                raise ValidationError(
                    _(
                        "The steps of a convention follow each other: the letter, "
                        "then the meeting, then the signature."
                    )
                )

    @api.constrains("kind", "place_count", "place_ids", "partner_id")
    def _check_contingent(self):
        for convention in self:
            if convention.place_count < 0:
                raise ValidationError(_("The number of places cannot be negative."))
            if convention.kind != "contingent":
                if convention.place_ids:
                    raise ValidationError(
                        _("Only a contingent of places covers places.")
                    )
                continue
            if len(convention.place_ids) > convention.place_count:
                raise ValidationError(
                    _("A contingent covers no more places than it agrees.")
                )
            if convention.place_ids.structure_id - convention.partner_id:
                raise ValidationError(
                    _("The places of a contingent are those of its structure.")
                )

    # ---- Crons ----
    @api.model
    def _cron_notify_end(self, today=None):
        """The coordinators get an activity two months before a convention ends,
        once (the flag is a row every run updates: two runs cannot both send it).
        ``today`` (a date) is for the tests; each company's day by default."""
        per_day = self.env["res.company"]._siao_per_day_domain
        conventions = self.sudo().search(
            [("end_notice_sent", "=", False)] + self._ending_soon_domain(today)
        )
        activity_type = self.env.ref("siao_justice.mail_activity_type_convention_end")
        Person = self.env["siao.detainee"]
        ended = self.sudo().search(
            [("step", "!=", "ended")]
            + per_day(lambda day: [("date_end", "<", day)], today)
        )
        self.env.add_to_compute(self._fields["step"], ended)
        for convention in conventions:
            convention.write({"end_notice_sent": True})
            for coordinator in Person._coordinators(convention.company_id):
                convention.activity_schedule(
                    activity_type_id=activity_type.id,
                    date_deadline=today or convention.company_id.siao_today(),
                    user_id=coordinator.id,
                    summary=_(
                        "The convention ends on %(day)s: renew it or close it.",
                        day=convention.date_end.strftime("%d/%m/%Y"),
                    ),
                )
        return conventions

    def write(self, vals):
        if "date_end" in vals and not self.env.su:
            # A new end date gets its own notice.
            vals = dict(vals)
            result = super().write(vals)
            self.sudo().write({"end_notice_sent": False})
            return result
        return super().write(vals)
