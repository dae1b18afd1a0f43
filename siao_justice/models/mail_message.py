from odoo import api, models
from odoo.osv import expression


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def _siao_outside_domain(self):
        """The messages of the addon's records a user outside the association
        (a portal user) may read: those of the SPIP exchanges they may use, and
        none other, whatever Odoo lets them read of what they wrote or were sent
        (an officer whose person left the portal reads the thread no more).
        None for the association's users, who go through the access rules."""
        user = self.env.user
        if self.env.su or not user.share:
            return None
        addon = [name for name in self.env.registry if name.startswith("siao.")]
        usable = self.env["siao.spip.exchange"]._siao_usable_by(user)
        return [
            "|",
            ("model", "not in", addon),
            "&",
            ("model", "=", "siao.spip.exchange"),
            ("res_id", "in", usable.ids),
        ]

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        outside = self._siao_outside_domain()
        if outside is not None:
            domain = expression.AND([domain, outside])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        outside = self and self._siao_outside_domain()
        if not outside:
            return result
        granted = self.sudo().filtered_domain(outside)
        forbidden = self - granted.with_env(self.env)
        if result:
            forbidden |= result[0]
        if not forbidden:
            return result
        return forbidden, lambda: forbidden._make_access_error(operation)
