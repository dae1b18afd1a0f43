from odoo import api, models

from ..models.siao_detainee import PARTNER_CONSENT_SCOPES


class ReportSiaoLiaisonSheet(models.AbstractModel):
    """The SPIP–SIAO liaison sheet: what the SIAO's social evaluation and the host
    structure need of the person's file."""

    _name = "report.siao_justice.report_liaison_sheet"
    _description = "SPIP–SIAO liaison sheet"

    @api.model
    def _get_report_values(self, docids, data=None):
        persons = self.env["siao.detainee"].browse(docids)
        persons.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "siao.detainee",
            "docs": persons,
            "obligations": {person: self._obligations(person) for person in persons},
            "wishes": {person: self._wishes(person) for person in persons},
        }

    @api.model
    def _wishes(self, person):
        """The person's wishes in force for the SIAO and the host structure: as
        the user may read them, only when the person's consent covers the host
        structures; else None (not shown)."""
        if person.sudo().consent_scope not in PARTNER_CONSENT_SCOPES:
            return None
        Wish = self.env["siao.wish"].sudo(False)
        if not Wish.has_access("read"):
            return None
        return person.sudo(False).current_wish_id

    @api.model
    def _obligations(self, person):
        """The obligations that constrain housing, for the host structure: only
        when the person's consent covers the host structures, and only for a user
        who may read them; else None (not shown)."""
        if person.sudo().consent_scope not in PARTNER_CONSENT_SCOPES:
            return None
        Person = self.env["siao.detainee"].sudo(False)
        if not Person._fields["restrictions"].is_accessible(Person.env):
            return None
        return person.sudo(False).restrictions or ""
