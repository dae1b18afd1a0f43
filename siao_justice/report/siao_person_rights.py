"""The documents of the person's rights: all their data (RGPD art. 15), the notice
given to them (art. 13), and the data protection impact assessment's draft built
from the register and the settings."""

from odoo import _, api, models
from odoo.exceptions import AccessError

from ..models.privacy_activity import ACTIVITIES
from ..models.siao_consent import MARK
from ..models.siao_detainee_rights import EXPORTING, RIGHTS_GROUPS

# The CNIL, where a person complains (by post: no internet in prison).
CNIL_ADDRESS = "CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07"


class ReportSiaoPersonData(models.AbstractModel):
    _name = "report.siao_justice.report_person_data"
    _description = "Everything held about a person"

    @api.model
    def _get_report_values(self, docids, data=None):
        persons = self.env["siao.detainee"].browse(docids)
        persons._check_rights_officer()
        if self.env.context.get(EXPORTING) is not MARK:
            # Printed apart from the access export: the act is logged as well.
            persons._log_right(_("Person's data printed"), "")
        return {
            "doc_ids": docids,
            "doc_model": "siao.detainee",
            "docs": persons.sudo(),
            "sections": {
                person: [
                    (label, labels, rows)
                    for label, _model, labels, rows in person._person_data()[0]
                ]
                for person in persons
            },
            "printed_on": self.env.company.siao_today(),
        }


class ReportSiaoPersonNotice(models.AbstractModel):
    _name = "report.siao_justice.report_person_notice"
    _description = "Information notice for the person"

    @api.model
    def _get_report_values(self, docids, data=None):
        persons = self.env["siao.detainee"].browse(docids)
        persons.check_access("read")
        Person = self.env["siao.detainee"]
        return {
            "doc_ids": docids,
            "doc_model": "siao.detainee",
            "docs": persons,
            "scopes": dict(
                Person._fields["consent_scope"]._description_selection(self.env)
            ),
            "cnil_address": CNIL_ADDRESS,
        }


class ReportSiaoDpia(models.AbstractModel):
    _name = "report.siao_justice.report_dpia"
    _description = "Data protection impact assessment (draft)"

    @api.model
    def _get_report_values(self, docids, data=None):
        user = self.env.user
        if not any(user.has_group(group) for group in RIGHTS_GROUPS):
            raise AccessError(
                _("The impact assessment is for the coordinators and the DPO.")
            )
        companies = self.env["res.company"].browse(docids)
        if companies - user.company_ids:
            raise AccessError(_("The impact assessment of your companies only."))
        Activity = self.env["privacy.activity"].sudo()
        order = [key for key, _label in ACTIVITIES]
        return {
            "doc_ids": docids,
            "doc_model": "res.company",
            "docs": companies,
            "activities": {
                company: Activity.search([("siao_company_id", "=", company.id)]).sorted(
                    lambda a: order.index(a.siao_activity)
                )
                for company in companies
            },
            "printed_on": self.env.company.siao_today(),
            "cnil_address": CNIL_ADDRESS,
        }
