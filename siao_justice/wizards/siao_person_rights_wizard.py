from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.siao_consent import CONSENT_WAYS

RIGHTS_ACTS = [
    ("consent", "Record a consent"),
    ("withdraw", "Withdraw the consent"),
    ("freeze", "Limit the processing"),
    ("anonymise", "Anonymise now"),
]


class SiaoPersonRightsWizard(models.TransientModel):
    """One act on the person's consent or rights, with what it needs: how a
    consent was given, why a file is limited or anonymised before its time."""

    _name = "siao.person.rights.wizard"
    _inherit = ["siao.input.validation"]
    _description = "An act on the person's consent or rights"

    detainee_id = fields.Many2one("siao.detainee", string="Person", required=True)
    act = fields.Selection(RIGHTS_ACTS, required=True)
    day = fields.Date(string="Date", default=lambda self: self._default_day())
    consent_scope = fields.Selection(
        lambda self: self.env["siao.detainee"]._fields["consent_scope"].selection,
        string="Consent scope",
    )
    how = fields.Selection(CONSENT_WAYS, default="interview")
    document = fields.Binary(string="Signed form", attachment=False)
    document_name = fields.Char()
    reason = fields.Text(help="Written in the file's history and in the privacy log.")
    support_under_way = fields.Char(compute="_compute_support_under_way")
    override_reason = fields.Text(
        string="Why anonymise despite the support under way",
    )

    @api.model
    def _default_day(self):
        return self.env.company.siao_today()

    @api.depends("detainee_id", "act")
    def _compute_support_under_way(self):
        for wizard in self:
            under_way = (
                wizard.detainee_id._support_under_way()
                if wizard.act == "anonymise" and wizard.detainee_id
                else []
            )
            wizard.support_under_way = ", ".join(under_way)

    def action_confirm(self):
        self.ensure_one()
        person = self.detainee_id
        if self.act == "consent":
            if not self.consent_scope:
                raise UserError(_("Give the scope of the consent."))
            person.action_record_consent(
                self.day,
                self.consent_scope,
                self.how,
                document=self.document,
                document_name=self.document_name,
            )
        elif self.act == "withdraw":
            person.action_withdraw_consent(
                date=self.day, how=self.how, note=self.reason
            )
        elif self.act == "freeze":
            person.action_freeze(reason=self.reason)
        else:
            person.action_anonymise_now(
                reason=self.reason, override_reason=self.override_reason
            )
        return {"type": "ir.actions.act_window_close"}


class SiaoPersonDataExport(models.TransientModel):
    """A person's data, ready to download for their access request (RGPD art. 15):
    readable by the user who asked for it only."""

    _name = "siao.person.data.export"
    _inherit = ["siao.input.validation"]
    _description = "A person's data, for their access request"

    detainee_id = fields.Many2one("siao.detainee", required=True, ondelete="cascade")
    file_data = fields.Binary(string="Archive", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)
