from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..models.record_tools import is_coordinator_of
from ..models.siao_company_rules import COORDINATOR_SETTINGS


class SiaoSettings(models.TransientModel):
    """The rules of the département, set by its coordinators: the company's SIAO
    settings, read and saved for a company they work in."""

    _name = "siao.settings"
    _inherit = ["siao.input.validation", "siao.company.rules"]
    _description = "Rules of the département"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
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
        if not (self.env.su or is_coordinator_of(self.env.user, self.company_id)):
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
