from odoo import fields, models


class SiaoRequestWizardMixin(models.AbstractModel):
    _name = "siao.request.wizard.mixin"
    _inherit = ["siao.input.validation"]
    _description = "SIAO request step wizard"

    request_ids = fields.Many2many("siao.request", string="Requests", required=True)
