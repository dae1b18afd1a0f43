from odoo import api, fields, models

from ..models.res_company import company_today
from ..models.siao_detainee import (
    DRY_EXIT_REASONS,
    RELEASE_OUTCOMES,
    RELEASE_REQUEST_ACTIONS,
)
from ..models.siao_rules import RELEASE_WAYS, SUPERVISED_WAYS


class SiaoReleaseWizard(models.TransientModel):
    _name = "siao.release.wizard"
    _inherit = ["siao.input.validation"]
    _description = "Record a release"

    detainee_id = fields.Many2one("siao.detainee", string="Person", required=True)
    release_date = fields.Date(required=True, default=company_today)
    outcome = fields.Selection(
        RELEASE_OUTCOMES, string="Where the person went", required=True
    )
    dry_exit_reason = fields.Selection(
        DRY_EXIT_REASONS, string="Reason of the dry exit"
    )
    release_way = fields.Selection(
        RELEASE_WAYS,
        string="Way out",
        compute="_compute_release_way",
        store=True,
        readonly=False,
    )
    supervised = fields.Boolean(
        string="Under court supervision", compute="_compute_supervised"
    )
    supervision_end_date = fields.Date(string="End of the supervision")
    open_request_state = fields.Selection(
        related="detainee_id.request_state", string="SIAO request"
    )
    has_open_request = fields.Boolean(compute="_compute_has_open_request")
    request_action = fields.Selection(
        RELEASE_REQUEST_ACTIONS,
        string="The open SIAO request",
        compute="_compute_request_action",
        store=True,
        readonly=False,
    )

    @api.depends("detainee_id.current_request_id.is_open")
    def _compute_has_open_request(self):
        for wizard in self:
            wizard.has_open_request = wizard.detainee_id.current_request_id.is_open

    @api.depends("detainee_id")
    def _compute_release_way(self):
        for wizard in self:
            wizard.release_way = (
                wizard.detainee_id._default_release_way()
                if wizard.detainee_id
                else "end_of_sentence"
            )

    @api.depends("release_way")
    def _compute_supervised(self):
        for wizard in self:
            wizard.supervised = wizard.release_way in SUPERVISED_WAYS

    @api.depends("outcome")
    def _compute_request_action(self):
        for wizard in self:
            wizard.request_action = self.env[
                "siao.detainee"
            ]._default_release_request_action(wizard.outcome)

    def action_confirm(self):
        return self.detainee_id.action_record_release(
            release_date=self.release_date,
            outcome=self.outcome,
            reason=self.dry_exit_reason,
            request_action=self.request_action,
            way=self.release_way,
            supervision_end=self.supervision_end_date,
        )
