from odoo import api, models

# Odoo's module install request opens the Apps menu to every internal user, and the
# dashboards' app (an empty "My Dashboard") too; the outside partners (SPIP
# readers) and the accountants of the addon have no use for them.
HIDDEN_MENUS = (
    "base.menu_management",
    "spreadsheet_dashboard.spreadsheet_dashboard_menu_root",
)
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
            hidden = {
                menu.id
                for xmlid in HIDDEN_MENUS
                if (menu := self.env.ref(xmlid, raise_if_not_found=False))
            }
            visible = frozenset(visible) - hidden
        return visible
