from odoo import fields, models

from .res_company import company_today
from .siao_request import REFUSAL_REASONS, REFUSAL_SIDES, REQUEST_EVENTS, REQUEST_STATES


class SiaoRequestHistory(models.Model):
    _name = "siao.request.history"
    _description = "SIAO request step"
    _inherit = ["siao.person.record"]
    _order = "date, id"

    request_id = fields.Many2one(
        "siao.request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )
    date = fields.Date(required=True, default=company_today, index=True)
    event = fields.Selection(
        REQUEST_EVENTS,
        required=True,
    )
    from_state = fields.Selection(REQUEST_STATES)
    to_state = fields.Selection(REQUEST_STATES)
    refusal_by = fields.Selection(REFUSAL_SIDES)
    refusal_reason = fields.Selection(REFUSAL_REASONS)
    need_tag_ids = fields.Many2many(
        "siao.need.tag",
        "siao_request_history_need_tag_rel",
        "history_id",
        "tag_id",
        string="Needs at the refusal",
        groups="siao_justice.group_siao_user",
        help="The person's needs and constraints on the day a structure refused: "
        "the figures of refusals by need stay those of that day.",
    )
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, ondelete="set null"
    )
