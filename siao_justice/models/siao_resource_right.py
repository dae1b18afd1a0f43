from odoo import fields, models

RIGHT_TYPES = [
    ("rsa", "RSA"),
    ("aah", "AAH"),
    ("are_ass", "Unemployment benefits (ARE/ASS)"),
    ("css", "Health cover (CSS)"),
    ("caf_housing", "CAF housing aid"),
    ("id_document", "Identity document"),
    ("bank_account", "Bank account"),
    ("other", "Other"),
]
DEFAULT_CHECKLIST = (
    "rsa",
    "aah",
    "are_ass",
    "css",
    "caf_housing",
    "id_document",
    "bank_account",
)


class SiaoResourceRight(models.Model):
    _name = "siao.resource.right"
    _description = "Resources continuity item"
    _inherit = ["siao.person.record"]
    _order = "detainee_id, sequence, id"
    _support_act = True

    detainee_id = fields.Many2one(
        "siao.detainee", string="Person", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="detainee_id.company_id", store=True, index=True
    )
    active = fields.Boolean(
        default=True, help="Archived: the checklist of a previous stay in prison."
    )
    sequence = fields.Integer(default=10)
    right_type = fields.Selection(
        RIGHT_TYPES, string="Right or document", required=True
    )
    status = fields.Selection(
        [
            ("todo", "To do"),
            ("prepared", "File prepared"),
            ("reopened", "Reopened"),
            ("na", "Not applicable"),
        ],
        default="todo",
        required=True,
    )
    prepared_date = fields.Date(string="File prepared on")
    expected_reopening_date = fields.Date(string="Expected reopening")
    note = fields.Char()
