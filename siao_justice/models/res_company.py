from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.osv import expression

# How often office hours are held in each prison.
PERMANENCE_PERIODS = [("week", "Every week"), ("month", "Every month")]
WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
]
WEEKS_OF_MONTH = [
    ("1", "First"),
    ("2", "Second"),
    ("3", "Third"),
    ("4", "Fourth"),
    ("last", "Last"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    siao_permanence_period = fields.Selection(
        PERMANENCE_PERIODS,
        string="Office hours in each prison",
        default="month",
        help="How often the SIAO holds office hours in each prison: the next "
        "session is planned that much later, and the arrivals since the last one "
        "(or over that period) are proposed.",
    )

    siao_request_lead_months = fields.Integer(
        string="SIAO request lead time (months)",
        default=6,
        help="File the SIAO request when this many months or fewer remain "
        "before release.",
    )
    siao_dry_exit_alert_days = fields.Integer(
        string="Dry-exit alert (days)",
        default=30,
        help="A person released within this many days without a housing solution "
        "is at risk of a dry exit.",
    )
    siao_avdl_max_active = fields.Integer(
        string="AVDL active file cap",
        default=20,
        help="Most measures an AVDL worker follows at once "
        "(before entry and in housing).",
    )
    siao_avdl_worker_ids = fields.Many2many(
        "res.users",
        "res_company_siao_avdl_worker_rel",
        "company_id",
        "user_id",
        string="AVDL Justice workers",
        domain=lambda self: [
            ("share", "=", False),
            ("groups_id", "in", self.env.ref("siao_justice.group_siao_user").id),
        ],
        help="The social workers who take AVDL Justice measures: a commission's "
        "AVDL referral goes to the one with the most room in their active file.",
    )
    siao_avdl_period_months = fields.Integer(
        string="AVDL measure period (months)",
        default=2,
        help="Length of an AVDL measure from entry into housing, and of each renewal.",
    )
    siao_retention_months = fields.Integer(
        string="Retention after last contact (months)",
        default=24,
        help="Files are anonymised this many months after the last contact, "
        "once the person is released.",
    )
    siao_portal_spip_service = fields.Boolean(
        string="SPIP social workers see their SPIP's persons",
        help="On the portal, a SPIP social worker sees the persons of every officer "
        "of their SPIP (consent allowing), not only those they are referent of.",
    )
    siao_collect_nir = fields.Boolean(
        string="Collect the NIR",
        help="Only for health, medico-social care or exchanges with social "
        "security bodies.",
    )
    siao_commission_week = fields.Selection(
        WEEKS_OF_MONTH, string="Commission week of the month", default="2"
    )
    siao_commission_weekday = fields.Selection(
        WEEKDAYS, string="Commission day", default="1"
    )
    siao_commission_hour = fields.Float(string="Commission time", default=14.0)
    siao_commission_location = fields.Char(string="Commission location")
    siao_commission_partner_ids = fields.Many2many(
        "res.partner",
        "res_company_siao_commission_partner_rel",
        "company_id",
        "partner_id",
        string="Commission participants",
    )

    @api.model
    def _siao_threshold_domain(self, field_name, operator, limit):
        """The records of every company whose ``field_name`` compares with the
        date that company's own setting gives (``limit(company)``): the rules of
        the département (request lead time, dry-exit alert, retention) each
        company sets for itself."""
        return expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    (field_name, operator, limit(company)),
                ]
                for company in self.sudo().search([])
            ]
        )

    @api.constrains(
        "siao_request_lead_months",
        "siao_dry_exit_alert_days",
        "siao_avdl_max_active",
        "siao_avdl_period_months",
        "siao_retention_months",
    )
    def _check_siao_settings(self):
        for company in self:
            if (
                min(
                    company.siao_request_lead_months,
                    company.siao_dry_exit_alert_days,
                    company.siao_avdl_max_active,
                    company.siao_avdl_period_months,
                    company.siao_retention_months,
                )
                < 1
            ):
                raise ValidationError(
                    _("The SIAO Justice settings must be positive numbers.")
                )

    def write(self, vals):
        result = super().write(vals)
        if "siao_dry_exit_alert_days" in vals:
            self.env.registry.clear_cache()  # _siao_dry_exit_alert_days
        return result

    @api.model
    @tools.ormcache("company_id")
    def _siao_dry_exit_alert_days(self, company_id):
        """The company's dry-exit alert, kept between requests: every column of a
        board computes the dry-exit risk of its cards."""
        return self.browse(company_id).sudo().siao_dry_exit_alert_days

    @api.constrains("siao_commission_hour")
    def _check_siao_commission_hour(self):
        for company in self:
            if not 0 <= company.siao_commission_hour < 24:
                raise ValidationError(
                    _("The commission time must be between 00:00 and 23:59.")
                )
