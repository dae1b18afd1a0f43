from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from .record_tools import (
    masked_name,
    one_per_person_in_states,
    readable_by,
    without_defaults,
    wizard_action,
)

ORIENTATION_TYPES = [
    ("chu", "Emergency shelter (CHU)"),
    ("chrs", "CHRS"),
    ("stabilisation", "Stabilisation"),
    ("alt", "ALT"),
    ("residence_sociale", "Résidence sociale"),
    ("fjt", "Young workers' hostel (FJT)"),
    ("ftm", "Migrant workers' hostel (FTM)"),
    ("pension_famille", "Pension de famille / maison relais"),
    ("residence_accueil", "Résidence accueil"),
    ("iml", "Sublet (IML)"),
    ("social_housing", "Social housing"),
    ("private_housing", "Private housing"),
    ("specialised", "Specialised scheme (LHSS, ACT, LAM)"),
    ("other", "Other"),
]
REQUEST_STATES = [
    ("draft", "To complete"),
    ("submitted", "Submitted"),
    ("to_update", "To update"),
    ("oriented", "Oriented"),
    ("proposed", "Place proposed"),
    ("admitted", "Admitted"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
REFUSAL_SIDES = [("person", "The person"), ("structure", "The structure")]
REQUEST_KINDS = [("emergency", "Emergency shelter"), ("insertion", "Insertion")]
REQUEST_EVENTS = [
    ("submit", "Submitted"),
    ("orient", "Oriented"),
    ("propose", "Place proposed"),
    ("admit", "Admitted"),
    ("refuse", "Refused"),
    ("to_update", "To update"),
    ("cancel", "Cancelled"),
    ("reactivate", "Reactivated"),
]
# The one definition of an open request: under way, not yet admitted, refused or
# cancelled. Views, figures and the bench read it through ``is_open``.
OPEN_STATES = ("draft", "submitted", "to_update", "oriented", "proposed")
CLOSED_STATES = tuple(
    state for state, _label in REQUEST_STATES if state not in OPEN_STATES
)
# A request that answers the person's need for the stay: open, or admitted.
ANSWERING_STATES = (*OPEN_STATES, "admitted")
# The request's fields a housing solution is read from (housing_solution_sql).
SOLUTION_FIELDS = {
    "state",
    "active",
    "structure_id",
    "place_id",
    "admission_date",
    "stay_id",
}
# What an attestation states of a request (its place, its structure, its day).
STATED_FIELDS = {"structure_id", "place_id", "admission_date"}
REFUSAL_REASONS = [
    ("not_suited", "Offer not suited to the need"),
    ("location", "Location"),
    ("collective_life", "Collective life or rules"),
    ("other_solution", "Other solution found"),
    ("profile", "Profile not matching the project"),
    ("no_place", "No place available"),
    ("incomplete", "Incomplete file"),
    ("judicial_constraints", "Judicial obligations incompatible"),
    ("other", "Other"),
]
# Which states each action starts from, and where it leads.
TRANSITIONS = {
    "submit": (("draft", "to_update"), "submitted"),
    "orient": (("submitted",), "oriented"),
    "propose": (("oriented",), "proposed"),
    "admit": (("proposed",), "admitted"),
    "refuse": (("submitted", "oriented", "proposed"), None),
    "to_update": (("submitted", "oriented", "proposed"), "to_update"),
    "cancel": (OPEN_STATES, "cancelled"),
    "reactivate": (("cancelled",), "draft"),
}
# The form's buttons and the step each one takes: shown only from the step's
# starting states (set on the view from TRANSITIONS).
# What each step needs before it is taken (any one of the fields): its dialog asks
# for it.
STEP_NEEDS = {
    "orient": ("orientation",),
    "propose": ("structure_id", "place_id"),
    "admit": ("admission_date",),
}
STEP_BUTTONS = {
    "action_submit_button": "submit",
    "action_orient": "orient",
    "action_propose": "propose",
    "action_admit": "admit",
    "action_open_refuse_wizard": "refuse",
    "action_mark_to_update": "to_update",
    "action_open_cancel_wizard": "cancel",
    "action_reactivate": "reactivate",
}


class SiaoRequest(models.Model):
    _name = "siao.request"
    _description = "SIAO request"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "siao.person.record",
        "siao.step.buttons",
    ]
    _order = "request_date desc, id desc"
    _check_company_auto = True
    _support_act = True
    # Char fields that are references, not free text: kept when a file is anonymised.
    _siao_references = ("name",)

    name = fields.Char(string="Reference", readonly=True, copy=False)
    detainee_id = fields.Many2one(
        "siao.detainee",
        string="Person",
        required=True,
        ondelete="restrict",
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Referent worker",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True, tracking=True)
    prescriber_type = fields.Selection(
        [
            ("spip", "SPIP officer (CPIP)"),
            ("spip_social_worker", "SPIP social worker"),
            ("avdl", "AVDL worker"),
            ("siao_office", "SIAO office hours in prison"),
            ("other", "Other"),
        ],
        string="Prescriber",
        default="siao_office",
        required=True,
        tracking=True,
    )
    request_kind = fields.Selection(
        REQUEST_KINDS,
        string="Kind",
        default="insertion",
        required=True,
        tracking=True,
    )
    request_date = fields.Date(
        string="Submission date",
        readonly=True,
        copy=False,
        tracking=True,
        help="Date of the first submission to the SIAO.",
    )
    sisiao_reference = fields.Char(
        string="SI-SIAO reference", copy=False, tracking=True
    )
    recommended_orientation = fields.Selection(ORIENTATION_TYPES, tracking=True)
    orientation = fields.Selection(ORIENTATION_TYPES, tracking=True)
    state = fields.Selection(
        REQUEST_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand=True,
    )
    member_ids = fields.One2many(
        "siao.request.member", "request_id", string="Household", copy=True
    )
    household_size = fields.Integer(
        compute="_compute_household_size",
        store=True,
        help="The person and the members of the household not housed already.",
    )
    wish_ids = fields.One2many("siao.wish", "request_id", string="Wishes")
    is_open = fields.Boolean(
        string="Open",
        compute="_compute_is_open",
        store=True,
        index=True,
        help="Under way: not yet admitted, refused or cancelled.",
    )
    refusal_by = fields.Selection(
        REFUSAL_SIDES,
        readonly=True,
        copy=False,
        tracking=True,
    )
    refusal_reason = fields.Selection(
        REFUSAL_REASONS, readonly=True, copy=False, tracking=True
    )
    cancel_reason = fields.Text(readonly=True, copy=False)
    structure_id = fields.Many2one(
        "res.partner",
        string="Structure",
        domain="[('siao_partner_type', 'in', ('host_structure', 'landlord'))]",
        tracking=True,
    )
    place_id = fields.Many2one(
        "siao.housing.place",
        string="Place",
        tracking=True,
        check_company=True,
        index=True,
    )
    place_mismatch = fields.Char(
        string="Needs not met",
        compute="_compute_place_mismatch",
        help="The place goes against a need or a constraint of the person.",
    )
    admission_date = fields.Date(tracking=True, copy=False)
    stay_id = fields.Many2one(
        "siao.detainee.stay",
        string="Stay in prison",
        compute="_compute_stay_id",
        store=True,
        index=True,
        ondelete="set null",
        help="The stay in prison the request was filed for.",
    )
    in_current_stay = fields.Boolean(
        string="For the current stay",
        compute="_compute_in_current_stay",
        store=True,
        index=True,
    )
    filed_in_time = fields.Boolean(
        readonly=True,
        copy=False,
        help="At the first submission, at least the lead time remained before the "
        "expected release (or the hearing on an adjustment, when it came first).",
    )
    age_days = fields.Integer(
        string="Age (days)",
        compute="_compute_age_days",
        help="Days since the first submission.",
    )
    release_horizon = fields.Selection(
        related="detainee_id.release_horizon",
        store=True,
        index=True,
        string="Release horizon",
    )
    expected_release_date = fields.Date(related="detainee_id.expected_release_date")
    prison_id = fields.Many2one(related="detainee_id.prison_id")
    history_ids = fields.One2many(
        "siao.request.history", "request_id", string="History", readonly=True
    )
    # The first orientation and admission steps, kept on the request so that the
    # figures need not go through the whole history.
    oriented_date = fields.Date(
        string="Oriented on",
        compute="_compute_step_dates",
        store=True,
        index=True,
        help="Day of the first orientation step.",
    )
    admitted_date = fields.Date(
        string="Admission recorded on",
        compute="_compute_step_dates",
        store=True,
        index=True,
        help="Day the first admission step was recorded.",
    )

    _sql_constraints = [
        (
            "sisiao_reference_unique",
            "UNIQUE(company_id, sisiao_reference)",
            "This SI-SIAO reference is already used by another request.",
        ),
        (
            "one_open_per_person",
            "",  # the partial unique index created in init()
            "This person already has an open SIAO request: complete or cancel it "
            "first.",
        ),
    ]

    @api.depends("place_id", "detainee_id")
    def _compute_place_mismatch(self):
        for record in self:
            record.place_mismatch = record.place_id._mismatch_note(record.detainee_id)

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("SIAO request created")

    def init(self):
        # One open request per person, enforced by PostgreSQL under concurrency too.
        one_per_person_in_states(self.env.cr, self._table, OPEN_STATES, SQL("active"))

    # ---- Computes ----
    @api.depends("member_ids.already_housed")
    def _compute_household_size(self):
        for request in self:
            request.household_size = 1 + len(
                request.member_ids.filtered(lambda member: not member.already_housed)
            )

    @api.depends("state")
    def _compute_is_open(self):
        for request in self:
            request.is_open = request.state in OPEN_STATES

    @api.depends("history_ids.event", "history_ids.date")
    def _compute_step_dates(self):
        first = {
            (request, event): day
            for request, event, day in self.env["siao.request.history"]
            .sudo()
            ._read_group(
                [("request_id", "in", self.ids), ("event", "in", ("orient", "admit"))],
                ["request_id", "event"],
                ["date:min"],
            )
        }
        for request in self:
            request.oriented_date = first.get((request, "orient"), False)
            request.admitted_date = first.get((request, "admit"), False)

    @api.depends("request_date", "state", "admission_date")
    def _compute_age_days(self):
        for request in self:
            today = request.company_id.siao_today()
            if not request.request_date:
                request.age_days = 0
                continue
            end = (
                request.admission_date
                if request.state == "admitted" and request.admission_date
                else today
            )
            request.age_days = max((end - request.request_date).days, 0)

    @api.depends("detainee_id", "name")
    @api.depends_context("uid")
    def _compute_display_name(self):
        for request in self:
            request.display_name = " – ".join(
                filter(None, (request.name, request.detainee_id.name))
            )
        self._hide_unreadable_names()

    def _step_buttons(self):
        return {
            button: TRANSITIONS[action][0] for button, action in STEP_BUTTONS.items()
        }

    # ---- Constraints ----
    @api.constrains("user_id", "detainee_id")
    def _check_user_reads_person(self):
        for request in self.sudo().filtered("user_id"):
            if not readable_by(request, request.user_id):
                raise ValidationError(
                    _(
                        "The referent worker of the request cannot read this file: "
                        "choose its referent or a coordinator."
                    )
                )

    @api.depends("detainee_id")
    def _compute_stay_id(self):
        for request in self:
            request.stay_id = request.detainee_id.current_stay_id

    @api.depends("stay_id", "detainee_id.current_stay_id")
    def _compute_in_current_stay(self):
        for request in self:
            # Filed while supervised outside prison (no stay) counts only until
            # a stay starts.
            request.in_current_stay = (
                request.stay_id == request.detainee_id.current_stay_id
            )

    @api.constrains("admission_date", "request_date")
    def _check_admission_date(self):
        for request in self:
            if (
                request.admission_date
                and request.request_date
                and request.admission_date < request.request_date
            ):
                raise ValidationError(
                    _("The admission date cannot be before the submission date.")
                )

    # ---- CRUD ----
    @api.model_create_multi
    def create(self, vals_list):
        checked = self._boundary(vals_list, creating=True)
        for vals in vals_list:
            if vals.get("detainee_id") and "company_id" not in vals:
                vals["company_id"] = (
                    self.env["siao.detainee"]
                    .sudo()
                    .browse(vals["detainee_id"])
                    .company_id.id
                )
            self._normalise(vals)
            # Numbered before it exists: its first messages (the assignment
            # e-mail) already name it.
            vals["name"] = (
                self.env["ir.sequence"]
                .sudo()
                .with_company(vals.get("company_id") or self.env.company.id)
                .next_by_code("siao.request")
            )
        return super(SiaoRequest, checked).create(vals_list)

    def write(self, vals):
        checked = self._boundary([vals])
        self._normalise(vals)
        result = super(SiaoRequest, checked).write(vals)
        if SOLUTION_FIELDS & set(vals):
            Attestation = self.env["siao.attestation"]
            if STATED_FIELDS & set(vals):
                # What an attestation states of this request changed: it no
                # longer says the truth; a new one is to be issued.
                Attestation.sudo().search(
                    [("request_id", "in", self.ids), ("state", "=", "valid")]
                )._withdraw("solution_fell")
            # An attestation stating this request as the solution holds no more
            # once it is refused or cancelled.
            Attestation._recheck(self.sudo().detainee_id)
        return result

    @staticmethod
    def _normalise(vals):
        """An SI-SIAO reference is kept without its surrounding spaces, and an empty
        one as none (empty references never collide)."""
        if "sisiao_reference" in vals:
            vals["sisiao_reference"] = (vals["sisiao_reference"] or "").strip() or False

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(request.request_date or request.state != "draft" for request in self):
            raise UserError(
                _("A submitted request is history: archive it instead of deleting it.")
            )

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """The board by state folds the closed columns."""
        groups = super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        first = groupby[0] if isinstance(groupby, list | tuple) and groupby else groupby
        if first == "state":
            for group in groups:
                group["__fold"] = group.get("state") in CLOSED_STATES
        return groups

    # ---- Transitions ----
    def _check_step(self, action):
        """Raise a clear error unless every request may take ``action`` now."""
        sources = TRANSITIONS[action][0]
        labels = dict(self._fields["state"]._description_selection(self.env))
        for request in self:
            if request.state not in sources:
                raise UserError(
                    _(
                        "The request %(request)s is “%(state)s”: "
                        "this step is not possible from there.",
                        request=request.display_name,
                        state=labels[request.state],
                    )
                )

    def _transition(self, action, **values):
        """Move every request through ``action`` (checked) and log the step."""
        self._check_step(action)
        target = values.pop("state", TRANSITIONS[action][1])
        history = []
        for request in self:
            history.append(
                {
                    "request_id": request.id,
                    "event": action,
                    "from_state": request.state,
                    "to_state": target,
                    "refusal_by": values.get("refusal_by"),
                    "refusal_reason": values.get("refusal_reason"),
                    "need_tag_ids": [
                        (6, 0, request.detainee_id.sudo().need_tag_ids.ids)
                    ]
                    if action == "refuse"
                    else [],
                }
            )
        # The state and the step's values are the rules' to write: the caller's
        # right to change the requests is checked, then they are written.
        self.check_access("write")
        self.sudo().write(dict(values, state=target))
        without_defaults(self.env["siao.request.history"].sudo()).create(history)
        return True

    def _filed_in_time(self, day):
        """Filed on ``day`` with at least the lead time left before its deadline
        (the release, or the hearing on an adjustment when it comes first)."""
        deadline = self.detainee_id._request_deadline()
        return bool(deadline and deadline >= self.company_id.siao_request_lead_end(day))

    def _date_steps_from(self, day, spacing=10):
        """The steps of these requests as if taken from ``day`` on: the first
        submission that day (the request's date with it, one source for the back
        office, the portal and the figures), each later step ``spacing`` days after
        the one before, never after today. For data brought from elsewhere (the
        demonstration's)."""
        for request in self.sudo():
            today = request.company_id.siao_today()
            steps = request.history_ids.sorted(lambda step: (step.date, step.id))
            for index, step in enumerate(steps):
                step.date = min(day + timedelta(days=index * spacing), today)
            request.write(
                {"request_date": day, "filed_in_time": request._filed_in_time(day)}
            )

    def action_submit(self, override_reason=None):
        self._check_step("submit")
        missing = self.filtered(lambda r: not r.detainee_id.consent_date)
        if missing:
            if not self.env.user.has_group("siao_justice.group_siao_manager"):
                raise UserError(
                    _(
                        "The person has not given their consent to share "
                        "information with the SIAO: "
                        "record the consent date first, or ask a coordinator."
                    )
                )
            if not (override_reason or "").strip():
                if self.env.context.get("siao_submit_from_button"):
                    return wizard_action(
                        self.env, "siao.request.submit.wizard", request_ids=self.ids
                    )
                raise UserError(
                    _(
                        "Without the person's consent, a coordinator must give "
                        "a reason to submit."
                    )
                )
        for request in self:
            today = request.company_id.siao_today()
            values = {}
            if (
                not request.request_date
            ):  # the first submission, kept as it was that day
                values = {
                    "request_date": today,
                    "filed_in_time": request._filed_in_time(today),
                }
            request._transition("submit", **values)
            if request in missing:
                request.message_post(
                    body=_(
                        "Submitted without the person's consent by %(user)s. "
                        "Reason: %(reason)s",
                        user=self.env.user.name,
                        reason=override_reason.strip(),
                    )
                )
        return True

    def action_submit_button(self):
        return self.with_context(siao_submit_from_button=True).action_submit()

    def _missing_for(self, step):
        """The requests that lack what ``step`` needs (``STEP_NEEDS``)."""
        fields_needed = STEP_NEEDS[step]
        return self.filtered(
            lambda request: not any(request[name] for name in fields_needed)
        )

    def _ask_or_refuse(self, step, message):
        """When a request lacks what ``step`` needs: from the form's button, the
        dialog that asks for it, then takes the step; else a clear refusal."""
        if not self._missing_for(step):
            return None
        if self.env.context.get("siao_step_from_button"):
            return wizard_action(
                self.env, "siao.request.step.wizard", request_ids=self.ids, step=step
            )
        raise UserError(message)

    def action_orient(self):
        self._check_step("orient")
        asked = self._ask_or_refuse(
            "orient", _("Set the orientation decided by the SIAO first.")
        )
        return asked or self._transition("orient")

    def action_propose(self):
        self._check_step("propose")
        asked = self._ask_or_refuse(
            "propose", _("Set the structure or the place proposed first.")
        )
        if asked:
            return asked
        self._check_places_free()
        return self._transition("propose")

    def _check_places_free(self):
        """A place is proposed only free from the person's expected admission (the
        release day, or today once released) on, but for what is held there for
        them: else the proposal is refused, saying from when to when the place is
        held and for which file (its name only for who may read it)."""
        Booking = self.env["siao.housing.reservation"].sudo()
        for request in self.sudo().filtered("place_id"):
            person = request.detainee_id
            day = person._place_needed_from()
            holding = Booking.search(
                [
                    ("place_id", "=", request.place_id.id),
                    ("state", "=", "confirmed"),
                    ("detainee_id", "!=", person.id),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", day),
                ],
                order="date_from",
                limit=1,
            )
            if holding:
                holder = holding.detainee_id
                holder_name = (
                    holder.name
                    if readable_by(holder, self.env.user)
                    else masked_name(self.env)
                )
                raise ValidationError(
                    _(
                        "The place %(place)s is held from %(start)s to %(end)s "
                        "(%(holder)s): propose another place, or a structure.",
                        place=request.place_id.display_name,
                        start=format_date(self.env, holding.date_from),
                        end=format_date(self.env, holding.date_to)
                        if holding.date_to
                        else _("no end date"),
                        holder=holder_name,
                    )
                )

    def action_admit(self):
        self._check_step("admit")
        asked = self._ask_or_refuse("admit", _("Set the admission date first."))
        if asked:
            return asked
        result = self._transition("admit")
        # Admitted to a place: the place is occupied from the admission date.
        for request in self.sudo().filtered("place_id"):
            self.env["siao.housing.reservation"]._occupy(
                request.detainee_id, request.place_id, request.admission_date
            )
        return result

    def action_refuse(self, refusal_by=None, reason=None):
        self._check_step("refuse")
        if refusal_by not in dict(REFUSAL_SIDES):
            raise UserError(_("Say who refused: the person or the structure."))
        if reason not in dict(REFUSAL_REASONS):
            raise UserError(_("Choose the reason of the refusal."))
        # A structure's refusal sends the request back to be updated and
        # proposed elsewhere.
        return self._transition(
            "refuse",
            state="refused" if refusal_by == "person" else "to_update",
            refusal_by=refusal_by,
            refusal_reason=reason,
        )

    def action_mark_to_update(self):
        return self._transition("to_update")

    def action_cancel(self, reason=None):
        self._check_step("cancel")
        if not (reason or "").strip():
            raise UserError(_("Give the reason of the cancellation."))
        return self._transition("cancel", cancel_reason=reason.strip())

    def action_reactivate(self):
        return self._transition("reactivate", cancel_reason=False)

    def action_open_refuse_wizard(self):
        return wizard_action(
            self.env, "siao.request.refuse.wizard", request_ids=self.ids
        )

    def action_open_cancel_wizard(self):
        return wizard_action(
            self.env, "siao.request.cancel.wizard", request_ids=self.ids
        )
