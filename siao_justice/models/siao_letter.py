"""Letters to the person, in prison: no phone, no internet, mail through the
establishment. Each letter is printed from the file in plain French, with the
person's name and prison number as the establishment's mail needs them, and a
reply slip the person sends back; each letter sent is kept on the file (which,
when, by whom), and the reply is recorded in one step: the wishes it gives
become the person's wishes, the consent it gives or refuses becomes the file's
consent, dated, as any other consent."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

LETTER_KINDS = [
    ("request", "Your SIAO request"),
    ("decision", "The commission's decision"),
    ("office_hours", "Convocation to office hours"),
    ("release_plan", "Your release-day plan"),
]
LETTER_STATES = [
    ("draft", "To send"),
    ("sent", "Sent, no reply yet"),
    ("replied", "Reply recorded"),
]
REPLY_CONSENTS = [
    ("siao", "Agrees to share with the SIAO"),
    ("siao_spip", "Agrees to share with the SIAO and the SPIP"),
    ("refused", "Does not agree to share"),
]
# The emergency number for a night without a place, said on every release plan.
EMERGENCY_NUMBER = "115"


class SiaoLetter(models.Model):
    _name = "siao.letter"
    _description = "Letter to the person"
    _inherit = ["mail.thread", "mail.activity.mixin", "siao.person.record"]
    _order = "date desc, id desc"
    _support_act = True

    detainee_id = fields.Many2one(
        "siao.detainee", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="detainee_id.company_id", store=True, index=True
    )
    kind = fields.Selection(
        LETTER_KINDS, string="Subject", required=True, tracking=True
    )
    state = fields.Selection(
        LETTER_STATES, default="draft", required=True, readonly=True, tracking=True
    )
    date = fields.Date(
        string="Letter of",
        required=True,
        default=lambda self: self.env.company.siao_today(),
    )
    sent_date = fields.Date(string="Sent on", readonly=True, copy=False)
    sent_by_id = fields.Many2one(
        "res.users", string="Sender", readonly=True, copy=False
    )
    request_id = fields.Many2one(
        "siao.request",
        ondelete="set null",
        domain="[('detainee_id', '=', detainee_id)]",
    )
    commission_line_id = fields.Many2one(
        "siao.commission.line",
        string="Commission case",
        ondelete="set null",
        domain="[('detainee_id', '=', detainee_id)]",
    )
    permanence_id = fields.Many2one(
        "siao.permanence", string="Office hours", ondelete="set null"
    )
    # The release-day plan, proposed from the solution, written for the person.
    plan_place = fields.Char(string="Where to go")
    plan_address = fields.Text(string="Address")
    plan_hours = fields.Char(string="Opening hours")
    plan_route = fields.Text(string="How to get there from the prison")
    plan_bring = fields.Text(
        string="What to bring",
        help="Empty: the letter names the identity card or the release "
        "certificate, the prescriptions and medicines, the CAF's and France "
        "Travail's papers.",
    )
    # The reply slip, as it came back.
    reply_date = fields.Date(string="Reply received on", copy=False)
    reply_consent = fields.Selection(
        REPLY_CONSENTS, string="Sharing", copy=False, help="Empty: not answered."
    )
    reply_wishes = fields.Text(string="Wishes written", copy=False)
    reply_question = fields.Text(string="Question asked", copy=False)
    wish_id = fields.Many2one("siao.wish", readonly=True, copy=False)

    # The reply as recorded: changed no more once recorded (the consent and the
    # wishes it gave are the file's from then on).
    REPLY_FIELDS = ("reply_date", "reply_consent", "reply_wishes", "reply_question")

    def write(self, vals):
        if (
            not self.env.su
            and set(self.REPLY_FIELDS) & set(vals)
            and any(letter.state == "replied" for letter in self)
        ):
            raise UserError(_("A reply recorded is not changed: write a new letter."))
        return super().write(vals)

    @api.constrains("detainee_id", "request_id", "commission_line_id")
    def _check_same_person_links(self):
        """A letter speaks of its own person's request and case only."""
        for letter in self.sudo():
            linked = (
                letter.request_id.detainee_id | letter.commission_line_id.detainee_id
            )
            if linked - letter.detainee_id:
                raise ValidationError(
                    _("A letter speaks of its person's own request and case only.")
                )

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("Letter created")

    @api.depends("kind", "detainee_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for letter in self:
            letter.display_name = _(
                "%(kind)s – %(person)s",
                kind=kinds.get(letter.kind, ""),
                person=letter.detainee_id.display_name,
            )
        self._hide_unreadable_names()

    @api.onchange("kind", "detainee_id")
    def _onchange_kind(self):
        """A release-day plan starts from the solution found (its structure and
        address), the worker completes it in the person's words; a convocation
        is to the next office hours in the person's establishment."""
        if self.kind == "release_plan" and not self.plan_place:
            self.update(self.detainee_id._release_plan_values())
        if self.kind == "office_hours" and not self.permanence_id:
            self.permanence_id = self.env["siao.permanence"]._next_in(
                self.detainee_id.prison_id
            )

    def action_open(self):
        """The letter in its own form (from the file's list): to print it, or to
        record its reply."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    # ---- Sending ----
    def action_send(self):
        """Print the letters: each one sent is recorded (when, by whom)."""
        if not self:
            raise UserError(_("Choose the letters to send."))
        self.check_access("write")
        # A file whose processing is limited sends nothing (checked as the user).
        self._check_frozen([{}], creating=False)
        drafts = self.filtered(lambda letter: letter.state == "draft")
        for letter in drafts:
            letter.sudo().write(
                {
                    "state": "sent",
                    "sent_date": letter.company_id.siao_today(),
                    "sent_by_id": self.env.user.id,
                }
            )
        # The release-day plan's letter sent now: the person is told of the plan
        # of their release to come.
        for letter in drafts.sudo().filtered(
            lambda letter: letter.kind == "release_plan"
        ):
            plan = letter.detainee_id.release_plan_id
            if plan.is_open and not plan.person_told_on:
                plan.person_told_on = letter.sent_date
        return self.env.ref("siao_justice.action_report_person_letter").report_action(
            self
        )

    @api.model
    def _send_new(self, vals_list):
        """Letters created and sent at once (the persons of a session, of a
        commission): the PDF of them all."""
        if not vals_list:
            raise UserError(_("Nobody to write to."))
        return self.create(vals_list).action_send()

    # ---- The reply slip ----
    def action_record_reply(self):
        """What came back on the slip, recorded in one step: the wishes become
        the person's wishes (said on the reply slip), the sharing becomes the
        file's consent from the reply's date."""
        self.ensure_one()
        if self.state != "sent":
            raise UserError(_("Only a letter sent and not answered yet gets a reply."))
        if not self.reply_date:
            raise UserError(_("Give the date the reply was received."))
        if not (self.reply_consent or self.reply_wishes or self.reply_question):
            raise UserError(_("Record what the person answered on the slip."))
        if not (self.sent_date <= self.reply_date <= self.company_id.siao_today()):
            raise UserError(
                _(
                    "A reply comes back after its letter was sent (%(sent)s) and "
                    "by today.",
                    sent=format_date(self.env, self.sent_date),
                )
            )
        self._check_frozen([{}], creating=False)
        person = self.detainee_id
        if (
            self.reply_consent
            and person.consent_date
            and person.consent_date > self.reply_date
        ):
            raise UserError(
                _(
                    "The file holds a consent recorded on %(day)s, after this reply: "
                    "the reply slip does not replace it. Leave the sharing empty.",
                    day=format_date(self.env, person.consent_date),
                )
            )
        self.check_access("write")
        if self.reply_wishes:
            self.sudo().wish_id = self.env["siao.wish"].create(
                {
                    "detainee_id": person.id,
                    "request_id": self.request_id.id,
                    "date": self.reply_date,
                    "how": "reply_slip",
                    "note": self.reply_wishes,
                }
            )
        if self.reply_consent == "refused":
            if person.consent_scope:
                person.action_withdraw_consent(
                    self.reply_date, "reply_slip", _("On the reply slip of a letter")
                )
        elif self.reply_consent:
            person.action_record_consent(
                self.reply_date, self.reply_consent, "reply_slip"
            )
        self.sudo().state = "replied"
        if self.reply_question:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Answer the question of the reply slip"),
                note=self.reply_question,
                user_id=(person.user_id or self.env.user).id,
            )
        return True
