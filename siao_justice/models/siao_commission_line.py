from datetime import date, timedelta

from lxml import etree

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .record_tools import masked_name, readable_by, without_defaults
from .siao_detainee import RELEASE_HORIZONS

SEQUENCE_ORIGIN = date(2000, 1, 1)
NO_DATE_SEQUENCE = 1_000_000
DECISIONS = [
    ("maintain", "Maintain the current plan"),
    ("file_request", "File a SIAO request"),
    ("orient", "Orientation to work on"),
    ("reserve_place", "Reserve a place"),
    ("avdl_referral", "AVDL Justice referral"),
    ("permanence_meeting", "See at the SIAO office hours in prison"),
    ("postpone", "Postpone to the next commission"),
    ("close", "Close the follow-up"),
]
# What the commission decides for a case: set during the session only.
DECISION_FIELDS = (
    "decision",
    "decision_note",
    "action_user_id",
    "due_date",
    "place_id",
    "reservation_date_from",
    "reservation_date_to",
)
DECISION_FIELDS_SET = frozenset(DECISION_FIELDS)
# A decision is carried out within this many days of the commission, unless it says.
DECISION_DAYS = 7


class SiaoCommissionLine(models.Model):
    _name = "siao.commission.line"
    _description = "Case reviewed by the commission"
    _inherit = ["siao.person.record"]
    _order = "meeting_id, sequence, id"
    _check_company_auto = True
    _support_act = True

    meeting_id = fields.Many2one(
        "siao.commission.meeting",
        string="Commission",
        required=True,
        ondelete="cascade",
        index=True,
    )
    meeting_state = fields.Selection(
        related="meeting_id.state", string="Commission state", store=True
    )
    company_id = fields.Many2one(
        related="meeting_id.company_id", store=True, index=True
    )
    sequence = fields.Integer()
    detainee_id = fields.Many2one(
        "siao.detainee",
        string="Person",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    prison_id = fields.Many2one(related="detainee_id.prison_id")
    request_id = fields.Many2one(
        "siao.request", string="SIAO request", ondelete="set null"
    )
    request_state = fields.Selection(related="detainee_id.request_state")
    dry_exit_risk = fields.Boolean(related="detainee_id.dry_exit_risk")
    release_horizon = fields.Selection(
        RELEASE_HORIZONS,
        string="Release horizon at the commission",
        readonly=True,
        group_expand="_expand_release_horizons",
        index=True,
    )
    expected_release_date = fields.Date(
        string="Release date at the commission", readonly=True
    )
    wish_summary = fields.Char(
        string="The person's wishes", related="detainee_id.wish_summary"
    )
    situation_summary = fields.Text(string="Situation")
    decision = fields.Selection(DECISIONS, index=True)
    decision_note = fields.Text(string="Decision details")
    action_user_id = fields.Many2one(
        "res.users", string="In charge", domain="[('share', '=', False)]"
    )
    due_date = fields.Date(string="By")
    place_id = fields.Many2one(
        "siao.housing.place",
        string="Place to reserve",
        check_company=True,
        help="For the decision “Reserve a place”: reserved at closing.",
    )
    place_mismatch = fields.Char(
        string="Needs not met",
        compute="_compute_place_mismatch",
        help="The place goes against a need or a constraint of the person.",
    )
    reservation_date_from = fields.Date(string="Reserved from")
    reservation_date_to = fields.Date(string="Reserved until")
    reservation_id = fields.Many2one(
        "siao.housing.reservation", readonly=True, copy=False, ondelete="set null"
    )
    activity_id = fields.Many2one(
        "mail.activity", readonly=True, copy=False, ondelete="set null"
    )

    @api.depends("place_id", "detainee_id")
    def _compute_place_mismatch(self):
        for record in self:
            record.place_mismatch = record.place_id._mismatch_note(record.detainee_id)

    _sql_constraints = [
        (
            "detainee_unique",
            "UNIQUE(meeting_id, detainee_id)",
            "This person is already on the commission's agenda.",
        )
    ]

    @api.depends("detainee_id", "meeting_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.detainee_id.name or ""
        self._hide_unreadable_names()

    def _minutes_person(self):
        """What the minutes show of the case's person: the minutes are shared with
        every participant, so a confidential file appears without its name, and a
        file whose consent does not cover every outside participant as a case
        number (its place on the agenda), without the decision's details."""
        self.ensure_one()
        line = self.sudo()
        person = line.detainee_id
        if person.confidential:
            return {"name": masked_name(self.env), "prison": "", "note": ""}
        # The minutes are attached to the meeting, which the readers (SPIP staff)
        # read: a name needs a consent that covers the SPIP, and every participant.
        readers = self.env.ref("siao_justice.group_siao_reader")
        if person.sharing_group_id != readers or not all(
            person._consent_covers(partner)
            for partner in line.meeting_id.participant_ids
        ):
            return {
                "name": self.env._("Case no. %(number)s", number=line._agenda_number()),
                "prison": line.prison_id.name or "",
                "note": "",
            }
        return {
            "name": person.name,
            "prison": line.prison_id.name or "",
            "note": line.decision_note or "",
        }

    def _expand_release_horizons(self, values, domain):
        """The board's columns, as the persons' board's (no empty "release
        passed" column first)."""
        return self.env["siao.detainee"]._expand_release_horizons(values, domain)

    def _agenda_number(self):
        """The case's place on its meeting's agenda (1 for the first)."""
        self.ensure_one()
        return list(self.sudo().meeting_id.line_ids).index(self.sudo()) + 1

    @api.constrains("action_user_id", "detainee_id")
    def _check_action_user_reads_person(self):
        for line in self.sudo().filtered("action_user_id"):
            if not readable_by(line.detainee_id, line.action_user_id):
                raise ValidationError(
                    _(
                        "The person in charge cannot read this file: choose its "
                        "referent or a coordinator."
                    )
                )

    @api.model
    def _sequence_for(self, expected_release_date):
        """Soonest release first, unknown dates last: the day number is the order,
        so that new cases take their place without renumbering the others."""
        if not expected_release_date:
            return NO_DATE_SEQUENCE
        return (expected_release_date - SEQUENCE_ORIGIN).days

    # ---- Lock ----
    @api.model_create_multi
    def create(self, vals_list):
        checked = self._boundary(vals_list, creating=True)
        meetings = self.env["siao.commission.meeting"].browse(
            [vals["meeting_id"] for vals in vals_list if vals.get("meeting_id")]
        )
        if any(meeting.state == "closed" for meeting in meetings):
            raise UserError(
                _("This commission is closed: its agenda can no longer change.")
            )
        if any(
            meeting.state == "planned"
            for vals in vals_list
            if DECISION_FIELDS_SET & {k for k, v in vals.items() if v}
            for meeting in meetings.browse(vals.get("meeting_id"))
        ):
            raise UserError(_("Decisions are taken in session: start the commission."))
        # The case as the person's file stands on the day it is put on the agenda.
        persons = {
            person.id: person
            for person in self.env["siao.detainee"]
            .sudo()
            .browse(
                {vals["detainee_id"] for vals in vals_list if vals.get("detainee_id")}
            )
        }
        for vals in vals_list:
            person = persons.get(vals.get("detainee_id"))
            if person:
                vals["release_horizon"] = person.release_horizon
                vals["expected_release_date"] = person.estimated_release_date
                vals.setdefault("request_id", person.current_request_id.id)
            if "sequence" not in vals:
                vals["sequence"] = self._sequence_for(
                    fields.Date.to_date(vals.get("expected_release_date"))
                )
        lines = super(SiaoCommissionLine, checked).create(vals_list)
        lines._set_decision_defaults()
        return lines

    def write(self, vals):
        checked = self._boundary([vals])
        merging = (
            self.env.su
            and self.env.context.get("siao_merge")
            and set(vals) == {"detainee_id"}
        )
        if not merging and any(line.meeting_id.state == "closed" for line in self):
            raise UserError(
                _("This commission is closed: its decisions can no longer change.")
            )
        if DECISION_FIELDS_SET & set(vals) and any(
            line.meeting_id.state == "planned" for line in self
        ):
            raise UserError(_("Decisions are taken in session: start the commission."))
        result = super(SiaoCommissionLine, checked).write(vals)
        if vals.get("decision"):
            # A decision changed without naming anyone: an AVDL referral goes to
            # an AVDL worker, whoever the previous decision's default was.
            self._set_decision_defaults(replace="action_user_id" not in vals)
        return result

    # ---- Who acts, and by when ----
    def _default_due_date(self):
        self.ensure_one()
        return self.meeting_id.day + timedelta(days=DECISION_DAYS)

    def _default_action_user(self, decision):
        """Who carries out ``decision`` unless the commission names someone: an AVDL
        worker of the company for an AVDL referral (the one with the most room in
        their active file), else the file's referent."""
        self.ensure_one()
        person = self.detainee_id.sudo()
        if decision == "avdl_referral":
            company = person.company_id
            social_workers = self.env.ref("siao_justice.group_siao_user")
            workers = company.siao_avdl_worker_ids.filtered(
                lambda user: user.active
                and social_workers in user.groups_id
                and readable_by(person, user)
            )
            if workers:
                counts = self.env["siao.avdl.measure"]._active_file_counts(
                    {(worker.id, company.id) for worker in workers}
                )
                return min(
                    workers,
                    key=lambda worker: (
                        counts.get((worker.id, company.id), 0),
                        worker.id,
                    ),
                )
        return person.user_id

    def _avdl_referral_outside_workers(self):
        """An AVDL referral whose person in charge (a default of another decision,
        say) is none of the company's AVDL workers: the default worker replaces
        them."""
        workers = self.detainee_id.sudo().company_id.siao_avdl_worker_ids
        return bool(
            self.decision == "avdl_referral"
            and workers
            and self.action_user_id not in workers
        )

    def _set_decision_defaults(self, replace=False):
        """A decision taken without who or when (from a card) gets them: the
        minutes and the e-mail say who acts and by when."""
        for line in self.filtered("decision"):
            values = {}
            if not line.action_user_id or (
                replace and line._avdl_referral_outside_workers()
            ):
                user = line._default_action_user(line.decision)
                if user:
                    values["action_user_id"] = user.id
            if not line.due_date:
                values["due_date"] = line._default_due_date()
            if values:
                line.write(values)

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """The card menu of the board offers each decision of the field's choices,
        in the user's language: one list of decisions, written once."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "kanban":
            labels = self._fields["decision"]._description_selection(self.env)
            for slot in arch.xpath("//div[hasclass('o_siao_decision_menu')]"):
                for value, label in labels:
                    entry = etree.Element(
                        "a",
                        role="menuitem",
                        type="object",
                        name="action_decide",
                        context=repr({"siao_decision": value}),
                    )
                    entry.set("class", f"dropdown-item o_siao_decide_{value}")
                    entry.text = label
                    slot.addprevious(entry)
                slot.getparent().remove(slot)
        return arch, view

    @api.onchange("decision")
    def _onchange_decision(self):
        for line in self.filtered("decision"):
            if not line.action_user_id or line._avdl_referral_outside_workers():
                line.action_user_id = line._default_action_user(line.decision)
            if not line.due_date and line.meeting_id.date:
                line.due_date = line._default_due_date()

    @api.ondelete(at_uninstall=False)
    def _unlink_never_after_closing(self):
        if any(line.meeting_id.state == "closed" for line in self):
            raise UserError(
                _("This commission is closed: its decisions can no longer change.")
            )

    # ---- Decisions ----
    def _refer_to_avdl(self):
        """avdl_referral decisions become measures (before entry, or waiting list)."""
        lines = self.filtered(lambda line: line.decision == "avdl_referral")
        followed = (
            self.env["siao.avdl.measure"]
            .search(
                [
                    ("detainee_id", "in", lines.detainee_id.ids),
                    ("is_open", "=", True),
                ]
            )
            .detainee_id
        )
        without_defaults(self.env["siao.avdl.measure"]).create(
            [
                {
                    "detainee_id": line.detainee_id.id,
                    "user_id": worker.id,
                    "company_id": line.detainee_id.company_id.id,
                }
                for line in lines
                if line.detainee_id not in followed
                and (worker := line._avdl_worker_decided())
            ]
        )

    def _reserve_places(self):
        """reserve_place decisions reserve their place over their dates; a case
        without them, or a place already taken then, stops the closing (the
        message names the case as its reader sees it: its number on the agenda,
        and the person's name only for who may read the file)."""
        lines = self.filtered(lambda line: line.decision == "reserve_place")
        for line in lines:
            if not line.place_id or not line.reservation_date_from:
                raise ValidationError(
                    _(
                        "Case no. %(number)s (%(case)s) is decided “Reserve a "
                        "place”: give its place and the first day of the "
                        "reservation before the commission closes.",
                        number=line._agenda_number(),
                        case=line.display_name,
                    )
                )
        reservations = (
            self.env["siao.housing.reservation"]
            .sudo()
            .create(
                [
                    {
                        "place_id": line.place_id.id,
                        "detainee_id": line.detainee_id.id,
                        "kind": "reservation",
                        "state": "confirmed",
                        "date_from": line.reservation_date_from,
                        "date_to": line.reservation_date_to,
                        "note": line.meeting_id.name,
                    }
                    for line in lines
                ]
            )
        )
        for line, reservation in zip(lines, reservations, strict=True):
            line.sudo().reservation_id = reservation

    def _close_files(self):
        """close decisions close the person's file, with the commission as reason."""
        for line in self.filtered(lambda line: line.decision == "close"):
            note = _(
                "Follow-up closed by the commission %(meeting)s.",
                meeting=line.meeting_id.name,
            )
            if line.decision_note:
                note = "%s %s" % (note, line.decision_note)
            line.detainee_id.sudo().action_close_file("commission", note=note)

    def _avdl_worker_decided(self):
        """Who takes the measure the commission decided: the person in charge, or
        else an AVDL worker of the company, or else the file's referent; the
        measure joins that worker's waiting list when their file is full."""
        return self.action_user_id or self._default_action_user("avdl_referral")

    def action_decide(self):
        """Card menu: set the decision given in the context."""
        decision = self.env.context.get("siao_decision")
        if decision not in dict(DECISIONS):
            raise UserError(_("Unknown decision."))
        self.write({"decision": decision})
        return True

    def _decision_user(self):
        """Who carries the decision out: the person in charge the commission named,
        or else the person's referent (nobody if the file has none)."""
        self.ensure_one()
        return self.action_user_id or self.detainee_id.user_id

    def _apply_decisions(self):
        """At closing: activities for the persons in charge, draft requests to file."""
        # The file may have become confidential since the person in charge was set.
        self._check_action_user_reads_person()
        labels = dict(self._fields["decision"]._description_selection(self.env))
        activity_type = self.env.ref(
            "siao_justice.mail_activity_type_commission_decision"
        )
        model_id = self.env["ir.model"]._get_id("siao.detainee")
        with_action = self.filtered(lambda line: line._decision_user())
        activities = (
            self.env["mail.activity"]
            .sudo()
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": line.detainee_id.id,
                        "activity_type_id": activity_type.id,
                        "summary": self.env._(
                            "Commission: %(decision)s", decision=labels[line.decision]
                        ),
                        "note": line.decision_note,
                        "date_deadline": line.due_date or line._default_due_date(),
                        "user_id": line._decision_user().id,
                    }
                    for line in with_action
                ]
            )
        )
        for line, activity in zip(with_action, activities, strict=True):
            line.sudo().activity_id = activity
        self._reserve_places()
        self._close_files()
        self._refer_to_avdl()
        to_file = self.filtered(
            lambda line: line.decision == "file_request"
        ).detainee_id
        with_open = (
            self.env["siao.request"]
            .search([("detainee_id", "in", to_file.ids), ("is_open", "=", True)])
            .detainee_id
        )
        without_defaults(self.env["siao.request"]).create(
            [
                {
                    "detainee_id": person.id,
                    "user_id": (
                        person.user_id
                        or (
                            self.env.user
                            if readable_by(person, self.env.user)
                            else self.env["res.users"]
                        )
                    ).id,
                    "company_id": person.company_id.id,
                }
                for person in to_file - with_open
            ]
        )
