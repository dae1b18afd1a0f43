from odoo import models


class ResGroups(models.Model):
    _inherit = "res.groups"

    def write(self, vals):
        before = self.users if "users" in vals else self.env["res.users"]
        result = super().write(vals)
        if "users" in vals or "implied_ids" in vals:
            (before | self.users)._siao_recheck_followed_records()
            (before | self.users)._siao_set_home_action()
        return result
