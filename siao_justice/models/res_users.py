from collections import defaultdict

from odoo import models

# The user's values that decide what they read: when one changes, the files they
# follow, and the activities they are given, are checked again.
ACCESS_FIELDS = ("groups_id", "company_ids", "company_id", "active", "share")
REIFIED_GROUP_PREFIXES = ("in_group_", "sel_groups_")


def changes_access(vals):
    return any(
        name in ACCESS_FIELDS or name.startswith(REIFIED_GROUP_PREFIXES)
        for name in vals
    )


class ResUsers(models.Model):
    _inherit = "res.users"

    def write(self, vals):
        result = super().write(vals)
        if changes_access(vals):
            self._siao_recheck_followed_records()
        return result

    def _siao_recheck_followed_records(self):
        """A user who no longer reads a file (another role, another company,
        archived) stops following it and its records, and their activities there
        go to its referent (_siao_keep_to_readers)."""
        if not self:
            return
        records = defaultdict(set)
        for follower in (
            self.env["mail.followers"]
            .sudo()
            .search([("partner_id", "in", self.partner_id.ids)])
        ):
            records[follower.res_model].add(follower.res_id)
        for activity in (
            self.env["mail.activity"]
            .sudo()
            .with_context(active_test=False)
            .search([("user_id", "in", self.ids)])
        ):
            records[activity.res_model].add(activity.res_id)
        for model, ids in records.items():
            Model = self.env.get(model)
            if Model is None or not hasattr(Model, "_siao_keep_to_readers"):
                continue
            Model.browse(ids).sudo().exists()._siao_keep_to_readers()


class ResGroups(models.Model):
    _inherit = "res.groups"

    def write(self, vals):
        before = self.users if "users" in vals else self.env["res.users"]
        result = super().write(vals)
        if "users" in vals or "implied_ids" in vals:
            (before | self.users)._siao_recheck_followed_records()
        return result
