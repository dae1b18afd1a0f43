from odoo import fields, models


class SiaoCompanyRules(models.AbstractModel):
    """The rules of a département (its company's SIAO fields) as a settings
    form edits them: Odoo's general settings, the administrators', and
    siao.settings, the coordinators'. Two-factor logins are not among them: an
    administrator's choice, in the general settings only."""

    _name = "siao.company.rules"
    _description = "Rules of a département, as edited"

    company_id = fields.Many2one("res.company")
    siao_timezone = fields.Selection(related="company_id.siao_timezone", readonly=False)
    siao_request_lead_months = fields.Integer(
        related="company_id.siao_request_lead_months", readonly=False
    )
    siao_dry_exit_alert_days = fields.Integer(
        related="company_id.siao_dry_exit_alert_days", readonly=False
    )
    siao_supervision_notice_weeks = fields.Integer(
        related="company_id.siao_supervision_notice_weeks", readonly=False
    )
    siao_caf_detention_days = fields.Integer(
        related="company_id.siao_caf_detention_days", readonly=False
    )
    siao_handover_consent = fields.Boolean(
        related="company_id.siao_handover_consent", readonly=False
    )
    siao_held_place_max_days = fields.Integer(
        related="company_id.siao_held_place_max_days", readonly=False
    )
    siao_permanence_period = fields.Selection(
        related="company_id.siao_permanence_period", readonly=False
    )
    siao_avdl_max_active = fields.Integer(
        related="company_id.siao_avdl_max_active", readonly=False
    )
    siao_avdl_worker_ids = fields.Many2many(
        related="company_id.siao_avdl_worker_ids", readonly=False
    )
    siao_avdl_period_months = fields.Integer(
        related="company_id.siao_avdl_period_months", readonly=False
    )
    siao_commission_week = fields.Selection(
        related="company_id.siao_commission_week", readonly=False
    )
    siao_commission_weekday = fields.Selection(
        related="company_id.siao_commission_weekday", readonly=False
    )
    siao_commission_hour = fields.Float(
        related="company_id.siao_commission_hour", readonly=False
    )
    siao_commission_location = fields.Char(
        related="company_id.siao_commission_location", readonly=False
    )
    siao_commission_partner_ids = fields.Many2many(
        related="company_id.siao_commission_partner_ids", readonly=False
    )
    siao_retention_months = fields.Integer(
        related="company_id.siao_retention_months", readonly=False
    )
    siao_portal_spip_service = fields.Boolean(
        related="company_id.siao_portal_spip_service", readonly=False
    )
    siao_collect_nir = fields.Boolean(
        related="company_id.siao_collect_nir", readonly=False
    )
    siao_access_log_months = fields.Integer(
        related="company_id.siao_access_log_months", readonly=False
    )
    siao_dpo_name = fields.Char(related="company_id.siao_dpo_name", readonly=False)
    siao_dpo_address = fields.Text(
        related="company_id.siao_dpo_address", readonly=False
    )


# The rules a coordinator sets, without Odoo's general settings (the
# administrators'): every rule of the mixin.
COORDINATOR_SETTINGS = tuple(
    name
    for name, value in vars(SiaoCompanyRules).items()
    if isinstance(value, fields.Field) and name != "company_id"
)
