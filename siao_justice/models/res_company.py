from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.base.models.res_partner import _tz_get

# The association's day is the company's local date, in this time zone unless the
# company sets another (``siao_timezone``).
DEFAULT_TIMEZONE = "Europe/Paris"

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


def local_day(instant, tz_name):
    """The calendar day of ``instant`` (a naive UTC datetime) in ``tz_name``."""
    zone = pytz.timezone(tz_name or DEFAULT_TIMEZONE)
    return pytz.utc.localize(instant).astimezone(zone).date()


def create_day_functions(cr):
    """The same rule for SQL views, which cannot take parameters:
    ``siao_today(company)``, the company's today on PostgreSQL's clock (the
    transaction's instant, as Odoo's own dates), in its time zone. Created with
    the company's setting, and again by each view that reads it."""
    cr.execute(
        SQL(
            """
            CREATE OR REPLACE FUNCTION siao_today(company integer)
            RETURNS date LANGUAGE sql STABLE AS $$
                SELECT (now() AT TIME ZONE COALESCE(
                    (SELECT siao_timezone FROM res_company WHERE id = company),
                    %(default)s))::date
            $$;
            """,
            default=DEFAULT_TIMEZONE,
        )
    )


def flag_domain(env, domain, operator, value):
    """The search of a boolean field computed from ``domain``: the records that
    match it, or those that do not."""
    if operator not in ("=", "!=") or not isinstance(value, bool):
        raise UserError(env._("This search is not supported."))
    if (operator == "=") == value:
        return domain
    return ["!", *expression.normalize_domain(domain)]


def company_today(records):
    """The default of a date field that starts today: the current company's day
    (``res.company.siao_today``)."""
    return records.env.company.siao_today()


class ResCompany(models.Model):
    _inherit = "res.company"

    siao_timezone = fields.Selection(
        _tz_get,
        string="Time zone of the association's day",
        default=DEFAULT_TIMEZONE,
        # Not NOT NULL in the database: a company created while the addon is not
        # loaded yet (another module's data or tests, earlier in the graph) gets
        # none, and is on the default zone (read through _siao_zones).
        help="The business day (release today, deadlines, horizons, retention, the "
        "CPOM's periods) is the date in this time zone, whatever the time zone of "
        "the user or of the server.",
    )

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
    siao_supervision_notice_weeks = fields.Integer(
        string="Supervision ending: notice (weeks)",
        default=6,
        help="This many weeks before a court supervision outside prison ends, the "
        "referent gets an activity to prepare what follows.",
    )
    siao_caf_detention_days = fields.Integer(
        string="Days in detention before the CAF suspends RSA and cuts AAH",
        default=60,
        help="The CAF's rule: after this many days in detention the RSA stops and "
        "the AAH is cut to 30%. The resources checklist dates its lines from it.",
    )
    siao_handover_consent = fields.Boolean(
        string="Handing a file over needs the person's consent",
        default=True,
        help="A file handed over to another département of this database is read "
        "by another SIAO: the person's consent is recorded first.",
    )
    siao_held_place_max_days = fields.Integer(
        string="Longest stay in a SAS apartment or a floating place (days)",
        default=30,
        help="A SAS apartment or a floating place catches a release without a "
        "place: its stay lasts this long at most, the next step found before.",
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
    siao_access_log_months = fields.Integer(
        string="Keep the log of who read a file (months)",
        default=6,
        help="Each opening of a file is recorded (who, when, how) and kept this "
        "long, from 6 to 12 months (CNIL, October 2021), then purged.",
    )
    siao_dpo_name = fields.Char(
        string="Data protection officer",
        help="Named in the notice given to the person and in the register.",
    )
    siao_dpo_address = fields.Text(
        string="Data protection officer's postal address",
        help="Where a person in prison writes to use their rights (no internet in "
        "prison): printed on the notice given to them.",
    )
    siao_require_2fa = fields.Boolean(
        string="Two-factor authentication for SIAO Justice users",
        default=True,
        help="Every user with a SIAO Justice role confirms each new login with a "
        "code: from an authenticator app when set, else sent by e-mail.",
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

    # ---- The association's day: the one clock ----
    # Every business day of the addon is read here: computes, constraints, nightly
    # jobs, report views, the CPOM's periods, the portal and the documents. Dates
    # and times stay stored in UTC; a day is the company's local date.
    def siao_today(self):
        """Today, for the association: the current date in the company's time
        zone (the current company when called on none)."""
        return local_day(fields.Datetime.now(), self._siao_zone())

    def siao_request_lead_end(self, day=None):
        """The last release date for which a SIAO request is due on ``day`` (the
        company's today by default): the request lead time's one rule, read by the
        deadline activities, the commission's agenda, the dashboard and a request
        filed in time."""
        self.ensure_one()
        return (day or self.siao_today()) + relativedelta(
            months=self.siao_request_lead_months
        )

    def siao_day_of(self, instant):
        """The association's day of ``instant`` (a naive UTC datetime): a
        meeting's or an office hours' day."""
        return instant and local_day(instant, self._siao_zone())

    def siao_day_start(self, day, hour=0.0):
        """The instant (naive UTC) of ``day`` at ``hour`` (decimal hours) in the
        company's time zone: the bounds of a period of days, a meeting's time."""
        hours = int(hour)
        local = datetime.combine(day, time(hours, round((hour - hours) * 60)))
        zone = pytz.timezone(self._siao_zone())
        # A time that does not exist (the change to summer time) is the hour after.
        aware = zone.normalize(zone.localize(local, is_dst=False))
        return aware.astimezone(pytz.utc).replace(tzinfo=None)

    def siao_moved(self, instant, delta):
        """``instant`` (naive UTC) moved by ``delta`` (a relativedelta) on the
        association's calendar: the same local time, across a change of summer
        time."""
        zone = pytz.timezone(self._siao_zone())
        local = pytz.utc.localize(instant).astimezone(zone).replace(tzinfo=None)
        moved = zone.normalize(zone.localize(local + delta, is_dst=False))
        return moved.astimezone(pytz.utc).replace(tzinfo=None)

    def _siao_zone(self):
        """The time zone of the company (the current one when called on none),
        read without a query."""
        company_id = self[:1].id or self.env.company.id
        return self._siao_zones().get(company_id) or DEFAULT_TIMEZONE

    @api.model
    @tools.ormcache()
    def _siao_zones(self):
        """{company id: time zone} of every company, kept between requests (every
        compute of a board reads its day): cleared on every server through the
        database when a company is created, archived or changes its setting
        (``cache_invalidation_fields``)."""
        companies = self.sudo().with_context(active_test=False).search([])
        return {
            company.id: company.siao_timezone or DEFAULT_TIMEZONE
            for company in companies
        }

    # ---- The register of processing activities reads the settings ----
    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["privacy.activity"]._siao_refresh_register(companies)
        return companies

    def write(self, vals):
        result = super().write(vals)
        if any(name.startswith("siao_") for name in vals) or {
            "name",
            "partner_id",
        } & set(vals):
            self.env["privacy.activity"]._siao_refresh_register(self)
        return result

    def cache_invalidation_fields(self):
        return super().cache_invalidation_fields() | {
            "siao_timezone",
            "siao_dry_exit_alert_days",
        }

    @api.model
    def _siao_days(self):
        """{today: ids of the companies whose today it is}: usually one day for
        every company of the database."""
        days = {}
        for company_id, zone in self._siao_zones().items():
            day = local_day(fields.Datetime.now(), zone or DEFAULT_TIMEZONE)
            days.setdefault(day, []).append(company_id)
        return days

    def init(self):
        create_day_functions(self.env.cr)

    @api.model
    def _siao_per_day_domain(self, domain_for, day=None):
        """The records that match ``domain_for(day)``, ``day`` being the one given
        or else their company's today: a rule that reads only the day (one
        domain when every company has the same today, as usual)."""
        days = {day: None} if day else self._siao_days()
        if len(days) == 1:
            return domain_for(next(iter(days)))
        return expression.OR(
            [
                expression.AND([[("company_id", "in", ids)], domain_for(today)])
                for today, ids in days.items()
            ]
        )

    @api.model
    def _siao_per_company_domain(self, domain_for, day=None):
        """The records of every company that match ``domain_for(company, day)``,
        ``day`` being the one given or else that company's today: the rules of
        the département (request lead time, dry-exit alert, retention) each
        company sets for itself, on its own day."""
        return expression.OR(
            [
                expression.AND(
                    [
                        [("company_id", "=", company.id)],
                        domain_for(company, day or company.siao_today()),
                    ]
                )
                for company in self.sudo().browse(list(self._siao_zones()))
            ]
        )

    @api.model
    def _siao_days_domain(self, field_name, date_from=None, date_to=None):
        """The records of every company whose instant ``field_name`` falls on the
        days from ``date_from`` to ``date_to`` (either may be left open), in that
        company's time zone: a period of the CPOM counts a meeting of 00:30 on
        1 January in the new year."""

        def within(company, _day):
            domain = []
            if date_from:
                domain.append((field_name, ">=", company.siao_day_start(date_from)))
            if date_to:
                end = company.siao_day_start(date_to + timedelta(days=1))
                domain.append((field_name, "<", end))
            return domain

        return self._siao_per_company_domain(within)

    @api.constrains(
        "siao_request_lead_months",
        "siao_dry_exit_alert_days",
        "siao_held_place_max_days",
        "siao_caf_detention_days",
        "siao_supervision_notice_weeks",
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
                    company.siao_held_place_max_days,
                    company.siao_caf_detention_days,
                    company.siao_supervision_notice_weeks,
                    company.siao_avdl_max_active,
                    company.siao_avdl_period_months,
                    company.siao_retention_months,
                )
                < 1
            ):
                raise ValidationError(
                    _("The SIAO Justice settings must be positive numbers.")
                )

    @api.model
    @tools.ormcache("company_id")
    def _siao_dry_exit_alert_days(self, company_id):
        """The company's dry-exit alert, kept between requests: every column of a
        board computes the dry-exit risk of its cards."""
        return self.browse(company_id).sudo().siao_dry_exit_alert_days

    @api.constrains("siao_access_log_months")
    def _check_siao_access_log_months(self):
        for company in self:
            if not 6 <= company.siao_access_log_months <= 12:
                raise ValidationError(
                    _("The log of who read a file is kept from 6 to 12 months (CNIL).")
                )

    @api.constrains("siao_commission_hour")
    def _check_siao_commission_hour(self):
        for company in self:
            if not 0 <= company.siao_commission_hour < 24:
                raise ValidationError(
                    _("The commission time must be between 00:00 and 23:59.")
                )
