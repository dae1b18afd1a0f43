"""The hearing where a sentence adjustment or an LSC is decided (débat
contradictoire, commission d'application des peines): the SPIP officer's real
deadline, since an adjustment is granted only with a fixed address. Its date
brings the deadline alert before the release; its outcome is recorded, and a
hearing refused for lack of housing is counted for the funders."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

HEARING_KINDS = [
    ("lc", "Parole (libération conditionnelle)"),
    ("sl", "Day release (semi-liberté)"),
    ("ddse", "Electronic home detention (DDSE)"),
    ("pe", "External placement (placement à l'extérieur)"),
    ("lsc", "LSC"),
]
HEARING_OUTCOMES = [
    ("pending", "To come"),
    ("granted", "Granted"),
    ("refused_housing", "Refused for lack of housing"),
    ("refused_other", "Refused for another reason"),
    ("postponed", "Postponed"),
    ("other", "Other"),
]


class SiaoHearing(models.Model):
    _name = "siao.hearing"
    _description = "Hearing on a sentence adjustment"
    _inherit = ["siao.person.record"]
    _order = "date desc, id desc"
    _support_act = True

    detainee_id = fields.Many2one(
        "siao.detainee", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="detainee_id.company_id", store=True, index=True
    )
    date = fields.Date(string="Hearing on", required=True, index=True)
    kind = fields.Selection(
        HEARING_KINDS, string="Adjustment requested", required=True, default="lc"
    )
    outcome = fields.Selection(
        HEARING_OUTCOMES, required=True, default="pending", index=True
    )
    new_release_date = fields.Date(
        string="New expected release",
        help="When the adjustment is granted: the file's expected release date "
        "becomes this one.",
    )
    note = fields.Text(groups="siao_justice.group_siao_user")

    @api.constrains("outcome", "new_release_date")
    def _check_granted(self):
        for hearing in self:
            if hearing.outcome == "granted" and not hearing.new_release_date:
                raise ValidationError(
                    _("An adjustment granted gives the new expected release date.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        hearings = super().create(vals_list)
        hearings._release_granted()
        hearings._deadlines_moved()
        return hearings

    def write(self, vals):
        result = super().write(vals)
        if {"outcome", "new_release_date"} & set(vals):
            self._release_granted()
        if {"date", "outcome"} & set(vals):
            self._deadlines_moved()
        return result

    def unlink(self):
        persons = self.detainee_id.sudo()
        result = super().unlink()
        self.env["siao.deadline.alert"]._reschedule(persons.exists())
        return result

    def _deadlines_moved(self):
        """A hearing set, moved or decided: the deadlines counting back from it
        (the request to file, the housing and the attestation before it) are
        checked again and their activities get their new due dates."""
        self.env["siao.deadline.alert"]._reschedule(self.detainee_id.sudo())

    def _release_granted(self):
        """An adjustment granted moves the expected release date of the stay it
        was heard in: a detained person's current stay (an older hearing, of a
        past stay, moves nothing)."""
        for hearing in self.filtered(lambda h: h.outcome == "granted"):
            person = hearing.detainee_id
            started = person.incarceration_date
            if (
                person.state == "detained"
                and (not started or hearing.date >= started)
                and person.expected_release_date != hearing.new_release_date
            ):
                person.expected_release_date = hearing.new_release_date
