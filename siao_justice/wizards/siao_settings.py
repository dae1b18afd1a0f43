from odoo import _, api, fields, models
from odoo.exceptions import AccessError

# The rules of a département a coordinator sets (the company's fields), without
# Odoo's general settings, which are the administrators'. Two-factor logins stay
# an administrator's choice.
COORDINATOR_SETTINGS = (
    "siao_timezone",
    "siao_request_lead_months",
    "siao_dry_exit_alert_days",
    "siao_permanence_period",
    "siao_avdl_max_active",
    "siao_avdl_worker_ids",
    "siao_avdl_period_months",
    "siao_commission_week",
    "siao_commission_weekday",
    "siao_commission_hour",
    "siao_commission_location",
    "siao_commission_partner_ids",
    "siao_retention_months",
    "siao_portal_spip_service",
    "siao_collect_nir",
    "siao_access_log_months",
    "siao_dpo_name",
    "siao_dpo_address",
)


class SiaoSettings(models.TransientModel):
    """The rules of the département, set by its coordinators: the company's SIAO
    settings, read and saved for a company they work in."""

    _name = "siao.settings"
    _inherit = ["siao.input.validation"]
    _description = "Rules of the département"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    siao_timezone = fields.Selection(related="company_id.siao_timezone", readonly=False)
    siao_request_lead_months = fields.Integer(
        related="company_id.siao_request_lead_months", readonly=False
    )
    siao_dry_exit_alert_days = fields.Integer(
        related="company_id.siao_dry_exit_alert_days", readonly=False
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

    @api.model_create_multi
    def create(self, vals_list):
        rules = [self._rules_of(vals) for vals in vals_list]
        wizards = super().create(vals_list)
        for wizard, values in zip(wizards, rules, strict=True):
            wizard._save_rules(values)
        return wizards

    def write(self, vals):
        rules = self._rules_of(vals)
        result = super().write(vals)
        for wizard in self:
            wizard._save_rules(rules)
        return result

    @staticmethod
    def _rules_of(vals):
        """The company's rules among the values (taken out of them: the company
        is written apart, as the superuser, for a coordinator of it)."""
        return {name: vals.pop(name) for name in COORDINATOR_SETTINGS if name in vals}

    def _save_rules(self, values):
        if not values:
            return
        user = self.env.user
        if not (
            self.env.su
            or (
                user.has_group("siao_justice.group_siao_manager")
                and self.company_id in user.company_ids
            )
        ):
            raise AccessError(_("Only a coordinator of this company sets its rules."))
        self.company_id.sudo().write(values)
        self.invalidate_recordset(list(values))

    def action_save(self):
        """The values are saved with the form: say so, and stay on it."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "The rules of %(company)s are saved.", company=self.company_id.name
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_print_dpia(self):
        return self.env.ref("siao_justice.action_report_dpia").report_action(
            self.company_id
        )
