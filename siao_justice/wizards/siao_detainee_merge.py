from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SiaoDetaineeMerge(models.TransientModel):
    _name = "siao.detainee.merge"
    _inherit = ["siao.input.validation"]
    _description = "Merge duplicate files"

    detainee_ids = fields.Many2many(
        "siao.detainee",
        relation="siao_detainee_merge_detainee_rel",
        column1="wizard_id",
        column2="detainee_id",
        string="Files to merge",
        required=True,
    )
    target_id = fields.Many2one(
        "siao.detainee",
        string="File to keep",
        required=True,
        domain="[('id', 'in', detainee_ids)]",
        help="The other files are merged into this one, then archived.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "siao.detainee" and context.get("active_ids"):
            ids = sorted(context["active_ids"])
            values.setdefault("detainee_ids", [fields.Command.set(ids)])
            values.setdefault("target_id", ids[0])
        return values

    def action_merge(self):
        self.ensure_one()
        if self.target_id not in self.detainee_ids:
            raise UserError(_("The file to keep must be one of the files to merge."))
        self.detainee_ids._check_frozen([{}], creating=False)
        return self.target_id._merge_files(self.detainee_ids - self.target_id)
