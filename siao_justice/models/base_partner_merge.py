from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Contacts of SPIP staff with a portal access merge only through the
        coordinators (the merge moves their access to another contact)."""
        self.env["siao.spip.access"]._guard_staff(
            self.env["res.partner"].browse(partner_ids)
        )
        return super()._merge(partner_ids, dst_partner, extra_checks)
