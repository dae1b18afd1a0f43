from lxml import etree

from odoo import api, models


class Board(models.AbstractModel):
    _inherit = "board.board"

    @api.model
    def get_view(self, view_id=None, view_type="form", **options):
        """A board's client applies the domain written on each of its actions, not
        the action's own: the addon's actions give theirs (written once, on the
        action) to the board's actions that write none."""
        result = super().get_view(view_id, view_type, **options)
        arch = etree.fromstring(result["arch"])
        nodes = [
            node
            for node in arch.iter("action")
            if not node.get("domain") and (node.get("name") or "").isdigit()
        ]
        if not nodes:
            return result
        actions = (
            self.env["ir.actions.act_window"]
            .sudo()
            .browse(int(node.get("name")) for node in nodes)
        )
        domains = {
            action.id: action.domain
            for action in actions.exists()
            if (action.res_model or "").startswith("siao.") and action.domain
        }
        for node in nodes:
            if int(node.get("name")) in domains:
                node.set("domain", domains[int(node.get("name"))])
        result["arch"] = etree.tostring(arch, encoding="unicode")
        return result
