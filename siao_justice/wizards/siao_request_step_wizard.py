from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.siao_request import ORIENTATION_TYPES, STEP_NEEDS


class SiaoRequestStepWizard(models.TransientModel):
    """A step's button asks for what the step needs (the orientation decided, the
    structure or place proposed, the admission date), then takes the step."""

    _name = "siao.request.step.wizard"
    _inherit = "siao.request.wizard.mixin"
    _description = "What a request's step needs"

    step = fields.Selection(
        [
            ("orient", "Orientation decided"),
            ("propose", "Place proposed"),
            ("admit", "Admitted"),
        ],
        required=True,
    )
    orientation = fields.Selection(ORIENTATION_TYPES, string="Orientation decided")
    structure_id = fields.Many2one(
        "res.partner",
        string="Structure",
        domain="[('siao_partner_type', 'in', ('host_structure', 'landlord'))]",
    )
    place_id = fields.Many2one("siao.housing.place", string="Place")
    admission_date = fields.Date()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        # The requests, given as ids or as a set command (``wizard_action``).
        given = self.env.context.get("default_request_ids") or []
        ids = [
            record_id
            for item in given
            for record_id in (
                item[2] or []
                if isinstance(item, list | tuple) and len(item) == 3
                else [item]
            )
            if type(record_id) is int
        ]
        first = self.env["siao.request"].browse(ids[:1])
        if first:
            for name in ("orientation", "structure_id", "place_id", "admission_date"):
                if name in fields_list and first[name]:
                    value = first[name]
                    values[name] = value.id if hasattr(value, "id") else value
        return values

    @api.onchange("place_id")
    def _onchange_place_id(self):
        if self.place_id:
            self.structure_id = self.place_id.structure_id

    def action_confirm(self):
        self.ensure_one()
        values = {
            name: self[name].id if name.endswith("_id") else self[name]
            for name in STEP_NEEDS[self.step]
            if self[name]
        }
        if not values:
            raise UserError(_("Fill in what this step needs."))
        self.request_ids.write(values)
        return getattr(self.request_ids, f"action_{self.step}")()
