from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    siao_timezone = fields.Selection(related="company_id.siao_timezone", readonly=False)
    siao_request_lead_months = fields.Integer(
        related="company_id.siao_request_lead_months", readonly=False
    )
    siao_permanence_period = fields.Selection(
        related="company_id.siao_permanence_period", readonly=False
    )
    siao_dry_exit_alert_days = fields.Integer(
        related="company_id.siao_dry_exit_alert_days", readonly=False
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
    siao_retention_months = fields.Integer(
        related="company_id.siao_retention_months", readonly=False
    )
    siao_portal_spip_service = fields.Boolean(
        related="company_id.siao_portal_spip_service", readonly=False
    )
    siao_access_log_months = fields.Integer(
        related="company_id.siao_access_log_months", readonly=False
    )
    siao_dpo_name = fields.Char(related="company_id.siao_dpo_name", readonly=False)
    siao_dpo_address = fields.Text(
        related="company_id.siao_dpo_address", readonly=False
    )
    siao_require_2fa = fields.Boolean(
        related="company_id.siao_require_2fa", readonly=False
    )
    siao_collect_nir = fields.Boolean(
        related="company_id.siao_collect_nir", readonly=False
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

    def action_siao_open_register(self):
        """The register's entries of SIAO Justice (OCA's privacy.activity)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "privacy.activity_action"
        )
        action["domain"] = [("siao_activity", "!=", False)]
        return action

    def action_siao_print_dpia(self):
        return self.env.ref("siao_justice.action_report_dpia").report_action(
            self.company_id
        )
