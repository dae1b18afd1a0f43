from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "siao.company.rules"]

    siao_require_2fa = fields.Boolean(
        related="company_id.siao_require_2fa", readonly=False
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
