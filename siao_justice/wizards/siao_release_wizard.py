from odoo import fields, models

from ..models.siao_detainee import DRY_EXIT_REASONS, RELEASE_OUTCOMES


class SiaoReleaseWizard(models.TransientModel):
    _name = "siao.release.wizard"
    _inherit = ["siao.input.validation"]
    _description = "Record a release"

    detainee_id = fields.Many2one("siao.detainee", string="Person", required=True)
    release_date = fields.Date(required=True, default=fields.Date.context_today)
    outcome = fields.Selection(
        RELEASE_OUTCOMES, string="Where the person went", required=True
    )
    dry_exit_reason = fields.Selection(
        DRY_EXIT_REASONS, string="Reason of the dry exit"
    )

    def action_confirm(self):
        return self.detainee_id.action_record_release(
            release_date=self.release_date,
            outcome=self.outcome,
            reason=self.dry_exit_reason,
        )


class SiaoRetentionPostponeWizard(models.TransientModel):
    _name = "siao.retention.postpone.wizard"
    _inherit = ["siao.input.validation"]
    _description = "Keep a file longer"

    detainee_id = fields.Many2one("siao.detainee", string="Person", required=True)
    until = fields.Date(string="Keep until", required=True)
    reason = fields.Text(
        required=True, help="The documented need to keep the file longer."
    )

    def action_confirm(self):
        return self.detainee_id.action_postpone_retention(
            until=self.until, reason=self.reason
        )
