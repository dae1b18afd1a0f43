from odoo import fields, models


class SiaoAvdlRenewWizard(models.TransientModel):
    _name = "siao.avdl.renew.wizard"
    _inherit = ["siao.input.validation"]
    _description = "Renew an AVDL measure"

    measure_id = fields.Many2one("siao.avdl.measure", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        return self.measure_id.action_renew(reason=self.reason)
