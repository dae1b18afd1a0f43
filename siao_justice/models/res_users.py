from collections import defaultdict

from odoo import api, models

from .record_tools import is_person_record

# The user's values that decide what they read: when one changes, the files they
# follow, and the activities they are given, are checked again.
ACCESS_FIELDS = ("groups_id", "company_ids", "company_id", "active", "share")
REIFIED_GROUP_PREFIXES = ("in_group_", "sel_groups_")
# Each role's first screen after login, the highest role first (else Odoo opens
# Discuss).
ROLE_HOME_ACTIONS = (
    ("siao_justice.group_siao_manager", "siao_justice.siao_coordinator_board_action"),
    ("siao_justice.group_siao_user", "siao_justice.siao_dashboard_my_cases_action"),
    ("siao_justice.group_siao_reader", "siao_justice.siao_detainee_action"),
    ("siao_justice.group_siao_reporting", "siao_justice.siao_report_release_action"),
)


# What only a coordinator changes on the account of SPIP staff with a portal access
# (besides the groups and the company): its login, its contact.
STAFF_ACCOUNT_FIELDS = frozenset({"login", "email", "name", "partner_id"})


# Every role of the addon: who reads its files.
SIAO_ROLES = (
    "siao_justice.group_siao_reader",
    "siao_justice.group_siao_reporting",
)


def changes_access(vals):
    return any(
        name in ACCESS_FIELDS or name.startswith(REIFIED_GROUP_PREFIXES)
        for name in vals
    )


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._siao_set_home_action()
        return users

    def write(self, vals):
        if STAFF_ACCOUNT_FIELDS & set(vals) or changes_access(vals):
            self.env["siao.spip.access"]._guard_staff(self.partner_id)
        result = super().write(vals)
        if changes_access(vals):
            self._siao_recheck_followed_records()
            self._siao_set_home_action()
        return result

    def _mfa_type(self):
        """Two-factor authentication for every user with a SIAO Justice role, and
        the SPIP's staff on the portal, when their company requires it: a code
        from their authenticator app if they set one, else a code sent by e-mail at
        each new login (Odoo's own)."""
        mfa = super()._mfa_type()
        if mfa is None and self._siao_needs_2fa():
            return "totp_mail"
        return mfa

    def _siao_needs_2fa(self):
        """A user with a SIAO Justice role, or SPIP staff with a portal access (they
        read files from the internet), of a company that requires it."""
        self.ensure_one()
        user = self.sudo()
        if not any(user.company_ids.mapped("siao_require_2fa")):
            return False
        return any(user.has_group(group) for group in SIAO_ROLES) or bool(
            self.env["siao.spip.access"]
            .sudo()
            .search_count([("user_id", "=", user.id)], limit=1)
        )

    def _siao_set_home_action(self):
        """Each internal user opens on their role's screen; a home action someone
        chose that is not one of the roles' is kept."""
        homes = [
            (self.env.ref(group, False), self.env.ref(action, False))
            for group, action in ROLE_HOME_ACTIONS
        ]
        homes = [(group, action) for group, action in homes if group and action]
        role_actions = {action.id for _group, action in homes}
        moving = defaultdict(lambda: self.env["res.users"])
        for user in self.sudo().filtered(lambda u: not u.share):
            if user.action_id and user.action_id.id not in role_actions:
                continue
            home = next(
                (action for group, action in homes if group in user.groups_id),
                self.env["ir.actions.act_window"],
            )
            if user.action_id.id != home.id:
                moving[home.id] |= user
        for home_id, users in moving.items():  # one write per home screen
            users.write({"action_id": home_id or False})

    def _siao_recheck_followed_records(self):
        """A user who no longer reads a file (another role, another company,
        archived) stops following it and its records, and their activities there
        go to its referent (_keep_to_readers)."""
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
            if Model is None or not is_person_record(Model):
                continue
            Model.browse(ids).sudo().exists()._keep_to_readers()
