from odoo import api, fields, models

from .siao_detainee import (
    ADJUSTMENT_TYPES,
    DRY_EXIT_REASONS,
    LEGAL_STATUSES,
    RELEASE_OUTCOMES,
    STAY_FIELDS,
    SUPERVISION_TYPES,
)
from .siao_rules import RELEASE_WAYS


class SiaoDetaineeStay(models.Model):
    """One stay in prison of a person: from the incarceration to the release. A
    file's current stay is ``siao.detainee.current_stay_id``; the others are past
    and never change with the file."""

    _name = "siao.detainee.stay"
    _description = "Stay in prison"
    _inherit = ["siao.person.record"]
    _order = "detainee_id, incarceration_date desc, id desc"
    _check_company_auto = True

    detainee_id = fields.Many2one(
        "siao.detainee",
        string="Person",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        related="detainee_id.company_id", store=True, index=True
    )
    is_current = fields.Boolean(
        string="Current stay", compute="_compute_is_current", store=True
    )
    prison_id = fields.Many2one(
        "res.partner", string="Prison", ondelete="restrict", readonly=True
    )
    prison_number = fields.Char(string="Prison number", readonly=True)
    legal_status = fields.Selection(LEGAL_STATUSES, readonly=True)
    incarceration_date = fields.Date(readonly=True, index=True)
    sentence_months = fields.Integer(string="Sentence (months)", readonly=True)
    sentence_end_date = fields.Date(string="End of sentence", readonly=True)
    expected_release_date = fields.Date(string="Expected release date", readonly=True)
    adjustment_type = fields.Selection(
        ADJUSTMENT_TYPES, string="Sentence adjustment", readonly=True
    )
    lsc_excluded = fields.Boolean(
        string="Excluded from LSC de plein droit", readonly=True
    )
    lsc_automatic_date = fields.Date(
        string="LSC de plein droit deadline", readonly=True, index=True
    )
    actual_release_date = fields.Date(
        string="Actual release date", readonly=True, index=True
    )
    release_outcome = fields.Selection(RELEASE_OUTCOMES, readonly=True)
    release_way = fields.Selection(RELEASE_WAYS, string="Way out", readonly=True)
    dry_exit_reason = fields.Selection(
        DRY_EXIT_REASONS, string="Reason of the dry exit", readonly=True
    )
    supervision_type = fields.Selection(
        SUPERVISION_TYPES, string="Court supervision", readonly=True
    )
    supervision_start_date = fields.Date(
        string="Start of the supervision", readonly=True
    )
    supervision_end_date = fields.Date(string="End of the supervision", readonly=True)
    transfer_ids = fields.One2many(
        "siao.detainee.transfer", "stay_id", string="Transfers", readonly=True
    )

    @api.depends("detainee_id.current_stay_id")
    def _compute_is_current(self):
        for stay in self:
            stay.is_current = stay.detainee_id.current_stay_id == stay

    @api.depends(
        "prison_id", "incarceration_date", "supervision_type", "supervision_start_date"
    )
    @api.depends_context("uid")
    def _compute_display_name(self):
        for stay in self:
            start = stay.incarceration_date
            place = stay.prison_id.name or ""
            if not place and stay.supervision_type:
                # A supervision outside prison without a stay before it.
                start = stay.supervision_start_date
                place = dict(
                    self._fields["supervision_type"]._description_selection(self.env)
                )[stay.supervision_type]
            stay.display_name = " – ".join(
                part
                for part in (place, start.strftime("%d/%m/%Y") if start else "")
                if part
            )

    @api.model
    def _values_of(self, person):
        """The current-stay values of a person's file, for its stay."""
        values = {}
        for name in STAY_FIELDS:
            value = person[name]
            values[name] = value.id if isinstance(value, models.BaseModel) else value
        return values
