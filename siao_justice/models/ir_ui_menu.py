from odoo import api, models

# Odoo's module install request opens the Apps menu to every internal user; the
# outside partners (SPIP readers) and the accountants of the addon have no use for
# it.
APPS_MENU = "base.menu_management"
NO_APPS_GROUPS = ("siao_justice.group_siao_reader", "siao_justice.group_siao_reporting")
APPS_GROUPS = ("siao_justice.group_siao_user", "base.group_system")


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    @api.model
    def _visible_menu_ids(self, debug=False):
        visible = super()._visible_menu_ids(debug=debug)
        user = self.env.user
        if any(user.has_group(g) for g in NO_APPS_GROUPS) and not any(
            user.has_group(g) for g in APPS_GROUPS
        ):
            apps = self.env.ref(APPS_MENU, raise_if_not_found=False)
            if apps:
                visible = frozenset(visible) - {apps.id}
        return visible
