from odoo import _, api, fields, models
from odoo.exceptions import UserError

PERMANENCE_OUTCOMES = [
    ("met", "Met"),
    ("absent", "Absent"),
    ("refused", "Refused to meet"),
    ("request_opened", "Met, SIAO request opened"),
]
# The outcomes where the worker met the person.
MET_OUTCOMES = ("met", "request_opened")
PERMANENCE_REASONS = [
    ("request_due", "Release within the lead time, no request"),
    ("recent_arrival", "Recent arrival"),
    ("commission", "Asked by the commission"),
    ("added", "Added by the worker"),
]


class SiaoPermanenceLine(models.Model):
    _name = "siao.permanence.line"
    _description = "Person seen at the office hours"
    _inherit = ["siao.person.record"]
    _order = "permanence_id, sequence, id"
    _check_company_auto = True
    _support_act = True

    permanence_id = fields.Many2one(
        "siao.permanence",
        string="Office hours",
        required=True,
        ondelete="cascade",
        index=True,
    )
    detainee_id = fields.Many2one(
        "siao.detainee",
        string="Person",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="permanence_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    reason = fields.Selection(
        PERMANENCE_REASONS, string="Why", default="added", required=True
    )
    outcome = fields.Selection(PERMANENCE_OUTCOMES, index=True)
    request_id = fields.Many2one(
        "siao.request", string="Request opened", readonly=True, copy=False
    )
    note = fields.Text()
    permanence_date = fields.Datetime(related="permanence_id.date")
    permanence_state = fields.Selection(related="permanence_id.state")

    _sql_constraints = [
        (
            "person_once",
            "UNIQUE(permanence_id, detainee_id)",
            "A person is listed once per office hours.",
        ),
    ]

    @api.model
    def _met_outcomes(self):
        return MET_OUTCOMES

    @api.depends("detainee_id", "permanence_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        for line in self:
            line.display_name = _(
                "%(person)s at %(session)s",
                person=line.detainee_id.name or "",
                session=line.permanence_id.name or "",
            )
        self._hide_unreadable_names()

    # ---- CRUD ----
    @api.model_create_multi
    def create(self, vals_list):
        sessions = self.env["siao.permanence"].browse(
            vals["permanence_id"]
            for vals in vals_list
            if isinstance(vals.get("permanence_id"), int)
        )
        if any(session.sudo().state != "planned" for session in sessions.exists()):
            raise UserError(_("Persons are listed before the office hours are held."))
        lines = super().create(vals_list)
        lines.filtered(lambda line: line.outcome == "request_opened")._open_requests()
        return lines

    def write(self, vals):
        # The rules move a line with its person (a merge of files), nobody else.
        if (
            self
            and {"permanence_id", "detainee_id", "reason"} & set(vals)
            and not self.env.su
        ):
            raise UserError(
                _(
                    "A person listed stays on their office hours: remove the line "
                    "and list the person again."
                )
            )
        if not self.env.su and self.filtered(
            lambda line: line.permanence_state == "cancelled"
        ):
            raise UserError(_("These office hours were cancelled."))
        result = super().write(vals)
        if vals.get("outcome") == "request_opened":
            self._open_requests()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_before_the_session(self):
        if any(
            line.permanence_state != "planned" or line.outcome for line in self.sudo()
        ):
            raise UserError(
                _("A person met or held office hours are history: keep the line.")
            )

    def _open_requests(self):
        """An outcome "request opened" opens the person's SIAO request, in draft,
        prescribed by the office hours, in the worker's name."""
        for line in self.filtered(lambda line: not line.request_id):
            person = line.detainee_id
            if person.sudo().has_current_request:
                raise UserError(
                    _(
                        "This person already has a SIAO request under way: the "
                        "outcome is “Met”."
                    )
                )
            request = (
                self.env["siao.request"]
                .with_context(siao_not_a_contact=True)
                .create(
                    {
                        "detainee_id": person.id,
                        "user_id": self.env.user.id,
                        "prescriber_type": "siao_office",
                    }
                )
            )
            line.sudo().request_id = request
