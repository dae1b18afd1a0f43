from odoo import fields, models

from ..models.siao_request import REFUSAL_REASONS, REFUSAL_SIDES


class SiaoRequestWizardMixin(models.AbstractModel):
    _name = "siao.request.wizard.mixin"
    _inherit = ["siao.input.validation"]
    _description = "SIAO request step wizard"

    request_ids = fields.Many2many("siao.request", string="Requests", required=True)


class SiaoRequestSubmitWizard(models.TransientModel):
    _name = "siao.request.submit.wizard"
    _inherit = "siao.request.wizard.mixin"
    _description = "Submit a SIAO request without consent"

    reason = fields.Text(
        required=True,
        help="Why the request must be submitted without the person's consent.",
    )

    def action_confirm(self):
        return self.request_ids.action_submit(override_reason=self.reason)


class SiaoRequestRefuseWizard(models.TransientModel):
    _name = "siao.request.refuse.wizard"
    _inherit = "siao.request.wizard.mixin"
    _description = "Record the refusal of a SIAO request"

    refusal_by = fields.Selection(
        REFUSAL_SIDES,
        string="Refused by",
        required=True,
    )
    reason = fields.Selection(REFUSAL_REASONS, required=True)

    def action_confirm(self):
        return self.request_ids.action_refuse(
            refusal_by=self.refusal_by, reason=self.reason
        )


class SiaoRequestCancelWizard(models.TransientModel):
    _name = "siao.request.cancel.wizard"
    _inherit = "siao.request.wizard.mixin"
    _description = "Cancel a SIAO request"

    reason = fields.Text(required=True)

    def action_confirm(self):
        return self.request_ids.action_cancel(reason=self.reason)
