"""A file handed over to another département of the same database (one company
each): its coordinators propose it, with the person's consent where their rules
ask for it; the receiving coordinators accept it, and the file moves with its
records. What happened before keeps counting for the company it happened in
(``siao_rules.company_on_sql``): each company's figures over past periods do not
change. A commission's cases and the bookings of the sending company's places
stay there (they are that company's records)."""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .record_tools import (
    is_coordinator_of,
    masked_name,
    one_per_person_in_states,
    readable_by,
)

# What the rules set on a handover (never the caller), what the sending
# coordinators change while it waits, and what the receiving ones write.
RULE_FIELDS = {
    "state",
    "from_company_id",
    "requested_by_id",
    "decided_by_id",
    "moved_on",
}
SENDER_FIELDS = {"to_company_id", "consent_date", "reason"}
RECEIVER_FIELDS = {"decision_note"}
HANDOVER_STATES = [
    ("proposed", "Proposed"),
    ("accepted", "Accepted"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]


class SiaoFileHandover(models.Model):
    _name = "siao.file.handover"
    _description = "Handover of a file to another département"
    _inherit = ["mail.thread", "mail.activity.mixin", "siao.person.record"]
    _order = "id desc"

    detainee_id = fields.Many2one(
        "siao.detainee",
        string="Person",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    from_company_id = fields.Many2one(
        "res.company", string="From", required=True, readonly=True, index=True
    )
    to_company_id = fields.Many2one(
        "res.company", string="To", required=True, tracking=True, index=True
    )
    # The receiving département as the sending coordinators choose it: Odoo lets a
    # user read only the companies they work in; the names of the others are
    # offered here.
    to_company_choice = fields.Selection(
        selection="_company_choices",
        string="To the département",
        compute="_compute_to_company_choice",
        readonly=False,
    )
    state = fields.Selection(
        HANDOVER_STATES, default="proposed", required=True, readonly=True, tracking=True
    )
    reason = fields.Text(
        string="Why", help="Why the file goes there: a transfer, a move, family..."
    )
    consent_required = fields.Boolean(
        related="from_company_id.siao_handover_consent", string="Consent required"
    )
    consent_date = fields.Date(
        string="Consent given on",
        tracking=True,
        help="The day the person agreed that the other SIAO follows them.",
    )
    to_prison_id = fields.Many2one(
        "res.partner",
        string="Transferred to",
        readonly=True,
        ondelete="restrict",
        help="The prison of the other département the person is transferred to: "
        "recorded as the stay's transfer when the handover is accepted.",
    )
    to_prison_number = fields.Char(string="New prison number", readonly=True)
    transfer_date = fields.Date(readonly=True)
    requested_by_id = fields.Many2one("res.users", string="Proposed by", readonly=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    moved_on = fields.Date(
        string="Moved on",
        readonly=True,
        help="The day the file moved: what happened before counts for the "
        "company it left.",
    )
    decision_note = fields.Text(string="Receiving coordinators' note", tracking=True)
    # What the receiving coordinators read of the person before accepting (the
    # file is not theirs yet): never stored.
    person_name = fields.Char(string="Name", compute="_compute_person")
    person_birthdate = fields.Date(string="Birth date", compute="_compute_person")
    person_prison = fields.Char(string="Prison", compute="_compute_person")

    def init(self):
        # One handover under way per file, kept by PostgreSQL.
        one_per_person_in_states(self.env.cr, self._table, ("proposed",))

    @api.model
    def _company_choices(self):
        """The départements of the database, for a coordinator (their names
        only); nothing for anyone else."""
        if not self.env.user.has_group("siao_justice.group_siao_manager"):
            return []
        return [
            (str(company.id), company.name)
            for company in self.env["res.company"].sudo().search([])
        ]

    @api.depends("to_company_id")
    def _compute_to_company_choice(self):
        for handover in self:
            handover.to_company_choice = (
                str(handover.to_company_id.id) if handover.to_company_id else False
            )

    @staticmethod
    def _company_from_choice(vals):
        choice = vals.pop("to_company_choice", None)
        if choice:
            vals["to_company_id"] = int(choice)

    @api.depends("detainee_id", "state")
    @api.depends_context("uid")
    def _compute_person(self):
        """Who it is, for the coordinators who decide: the name, birth date and
        establishment while the handover waits (the file is not theirs yet), then
        only for the file's readers; a confidential file's to its readers only."""
        user = self.env.user
        for handover in self:
            person = handover.detainee_id.sudo()
            reads = bool(readable_by(person, user))
            shown = reads or (handover.state == "proposed" and not person.confidential)
            handover.person_name = person.name if shown else masked_name(self.env)
            handover.person_birthdate = person.birthdate if shown else False
            handover.person_prison = person.prison_id.name if shown else False

    @api.depends("to_company_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        # No name: the display name goes into activities, notifications and
        # e-mail subjects; the person is read in the form (``person_name``).
        for handover in self:
            handover.display_name = _(
                "Handover n°%(number)s to %(company)s",
                number=handover.id or "",
                company=handover.to_company_id.sudo().name or "",
            )

    # ---- Proposed by the sending coordinators ----
    @api.model_create_multi
    def create(self, vals_list):
        Person = self.env["siao.detainee"]
        # The defaults first (a transfer's form brings the file, the département
        # and the establishment), checked as the values given.
        vals_list = [self._add_missing_default_values(vals) for vals in vals_list]
        for vals in vals_list:
            self._company_from_choice(vals)
            # What the rules set: never given by the caller.
            given = RULE_FIELDS & {name for name, value in vals.items() if value}
            if given - {"state"} or vals.get("state", "proposed") != "proposed":
                raise ValidationError(
                    _("A handover is proposed first; its decision is its own.")
                )
            person = Person.browse(vals.get("detainee_id")).exists()
            if not person:
                raise UserError(_("Choose the file to hand over."))
            person._check_can_hand_over()
            if person.sudo().handover_ids.filtered(lambda h: h.state == "proposed"):
                raise UserError(
                    _("A handover of this file is already under way: decide it first.")
                )
            vals["from_company_id"] = person.company_id.id
            vals["requested_by_id"] = self.env.user.id
        # Created as the superuser once checked: the sending coordinator does
        # not read the receiving company, and the fields set here are the
        # rules' (who proposed it, from where).
        handovers = (
            super(
                SiaoFileHandover,
                self.sudo().with_context(mail_create_nosubscribe=True),
            )
            .create(vals_list)
            .with_env(self.env)
        )
        handovers._check_handover()
        handovers.sudo().message_subscribe(partner_ids=self.env.user.partner_id.ids)
        handovers._tell_receiving_coordinators()
        return handovers

    def write(self, vals):
        self._company_from_choice(vals)
        if not self.env.su:
            if SENDER_FIELDS & set(vals):
                self._check_sender()
            if RECEIVER_FIELDS & set(vals):
                self._check_receiver()
        if (SENDER_FIELDS | RECEIVER_FIELDS) & set(vals) and any(
            handover.state != "proposed" for handover in self
        ):
            raise UserError(_("A handover already decided does not change."))
        moved = {h: h.to_company_id for h in self} if "to_company_id" in vals else {}
        result = super().write(vals)
        if SENDER_FIELDS & set(vals):
            self._check_handover()
        changed = self.filtered(lambda h: h in moved and h.to_company_id != moved[h])
        if changed:
            # Another département: its coordinators are asked, the others no more.
            changed.sudo().activity_ids.unlink()
            changed._tell_receiving_coordinators()
        return result

    def _check_sender(self):
        for handover in self:
            if not is_coordinator_of(self.env.user, handover.from_company_id):
                raise AccessError(
                    _("Only a coordinator of the sending département changes it.")
                )

    def _check_handover(self):
        """A handover under way goes to another département, with the person's
        consent when the sending département's rules ask for it."""
        for handover in self.filtered(lambda h: h.state == "proposed"):
            if handover.to_company_id == handover.from_company_id:
                raise ValidationError(
                    _("A file is handed over to another département.")
                )
            if handover.consent_required and not handover.consent_date:
                raise ValidationError(
                    _(
                        "Record the day the person agreed to be followed by the "
                        "other SIAO: the rules of the département ask for it."
                    )
                )
            today = handover.from_company_id.siao_today()
            if handover.consent_date and handover.consent_date > today:
                raise ValidationError(_("The consent cannot be given in the future."))
            prison = handover.to_prison_id.sudo()
            if prison and (
                prison.siao_partner_type != "prison"
                or prison.company_id
                not in (prison.company_id.browse(), handover.to_company_id)
            ):
                raise ValidationError(
                    _("The transfer goes to an establishment of that département.")
                )

    def _tell_receiving_coordinators(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        Person = self.env["siao.detainee"]
        for handover in self.sudo():
            for coordinator in Person._coordinators(handover.to_company_id):
                handover.with_context(lang=coordinator.lang).activity_schedule(
                    activity_type_id=todo.id,
                    user_id=coordinator.id,
                    summary=self.with_context(lang=coordinator.lang).env._(
                        "A file handed over by %(company)s to accept",
                        company=handover.from_company_id.name,
                    ),
                )

    # ---- Decided by the receiving coordinators ----
    def _check_receiver(self):
        for handover in self:
            if handover.state != "proposed":
                raise UserError(_("This handover was already decided."))
            if not is_coordinator_of(self.env.user, handover.to_company_id):
                raise AccessError(
                    _("Only a coordinator of the receiving département decides it.")
                )

    def action_accept(self):
        """The file moves with its records to the receiving company, the
        accepting coordinator its referent unless its referent works there; a
        transfer to a prison of that company is recorded in its stay."""
        self.check_access("write")
        self._check_receiver()
        for handover in self.sudo():
            person = handover.detainee_id.with_context(active_test=False)
            company = handover.to_company_id
            person._check_can_hand_over(sending=False)
            transfer = None
            day = handover.transfer_date or company.siao_today()
            if (
                handover.to_prison_id
                and person.state == "detained"
                and (not person.incarceration_date or day >= person.incarceration_date)
            ):
                # Still in the stay it was proposed for: the transfer is recorded.
                transfer = (handover.to_prison_id, handover.to_prison_number, day)
            person._move_to_company(
                company, self.env.user, keep_history=True, transfer=transfer
            )
            handover.write(
                {
                    "state": "accepted",
                    "decided_by_id": self.env.user.id,
                    "moved_on": company.siao_today(),
                }
            )
            person.handed_over = True
            handover._done(
                _(
                    "Accepted by %(user)s: the file is followed by %(company)s.",
                    user=self.env.user.name,
                    company=company.name,
                )
            )
        return True

    def action_refuse(self):
        self.check_access("write")
        self._check_receiver()
        if not all((h.decision_note or "").strip() for h in self):
            raise UserError(_("Say why in the receiving coordinators' note."))
        self.sudo().write({"state": "refused", "decided_by_id": self.env.user.id})
        for handover in self.sudo():
            handover._done(
                _(
                    "Refused by %(company)s: %(note)s",
                    company=handover.to_company_id.name,
                    note=handover.decision_note,
                )
            )
        return True

    def action_cancel(self):
        self.check_access("write")
        self._check_sender()
        if any(handover.state != "proposed" for handover in self):
            raise UserError(_("This handover was already decided."))
        self.sudo().write({"state": "cancelled"})
        self.sudo()._done(_("Cancelled by the sending département."))
        return True

    def _done(self, text):
        """The decision told on the handover (its proposer follows it) and the
        activities it asked closed."""
        self.activity_ids.unlink()
        for handover in self:
            handover.message_post(
                body=Markup("<p>%s</p>") % text,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                partner_ids=handover.requested_by_id.partner_id.ids,
            )
