import uuid
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from stdnum.fr import nir as stdnum_nir

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .record_tools import masked_name
from .res_company import company_today, flag_domain
from .siao_request import ANSWERING_STATES, REQUEST_STATES
from .siao_resource_right import BLOCKING_RIGHTS, CHECKLIST_INPUTS
from .siao_rules import (
    ESTIMATED_RELEASE_INPUTS,
    ESTIMATED_RELEASE_SOURCES,
    HORIZON_MONTHS,
    LSC_MAX_SENTENCE_MONTHS,
    LSC_REMAINING_MONTHS,
    RELEASE_HORIZON_RULES,
    RELEASE_OUTCOMES,
    RELEASE_WAYS,
    housing_solution_sql,
    sentence_end_from,
    solution_requests_sql,
    solution_reservations_sql,
)

GENDERS = [("female", "Woman"), ("male", "Man"), ("other", "Other")]
LEGAL_STATUSES = [("remand", "Remand"), ("convicted", "Convicted")]
RELEASE_HORIZONS = [
    ("past", "Released or date passed"),
    ("m1", "Less than 1 month"),
    ("m3", "1 to 3 months"),
    ("m6", "3 to 6 months"),
    ("later", "More than 6 months"),
    ("unknown", "Unknown date"),
]
RELEASE_REQUEST_ACTIONS = [
    ("update", "Keep it: the SIAO goes on looking, with the new situation"),
    ("cancel", "Cancel it: no longer needed"),
    ("keep", "Leave it as it is"),
]
ADJUSTMENT_TYPES = [
    ("none", "None"),
    ("lc", "Parole (LC)"),
    ("sl", "Semi-liberty (SL)"),
    ("pe", "Outside placement (PE)"),
    ("ddse", "Electronic home detention (DDSE)"),
    ("lsc", "Supervised release (LSC)"),
    ("lsc_automatic", "Automatic supervised release (LSC de plein droit)"),
]
DRY_EXIT_REASONS = [
    ("no_place", "No place available"),
    ("refused", "Solution refused by the person"),
    ("early_release", "Early release not foreseen"),
    ("no_request", "No SIAO request filed in time"),
    ("lost_contact", "Lost contact"),
    ("other", "Other"),
]
SUPERVISION_TYPES = [
    ("pe", "Outside placement (PE)"),
    ("ddse", "Electronic home detention (DDSE)"),
    ("sursis_probatoire", "Probation (sursis probatoire)"),
    ("lc", "Released on licence (LC)"),
    ("lsc", "Supervised release (LSC)"),
    ("sl", "Semi-liberty (SL)"),
    ("other", "Other court supervision"),
]
CLOSING_REASONS = [
    ("commission", "Closed by the commission"),
    ("housed", "Housed, follow-up ended"),
    ("moved_away", "Moved away"),
    ("supervision_ended", "Supervision ended"),
    ("lost_contact", "Lost contact"),
    ("other", "Other"),
]
# The reason an open AVDL measure closes with when its file is closed.
FILE_TO_MEASURE_CLOSING = {
    "housed": "housing_kept",
    "moved_away": "moved_away",
    "lost_contact": "lost_contact",
}
# The context key of the actions that move a file from a state to another (a
# plain write of ``state`` is refused: the actions do what the move needs).
STATE_CHANGE_CONTEXT = "siao_state_change"
# Its value: an object no request can send (a context from a client is JSON).
STATE_CHANGE_TOKEN = object()
# Consent scopes that cover the SPIP, and the host structures.
SPIP_CONSENT_SCOPES = ("siao_spip", "partners")
PARTNER_CONSENT_SCOPES = ("partners",)
# The outside partners the "partners" scope covers (no other contact is).
PARTNER_CONSENT_TYPES = ("host_structure", "landlord")
# The fields of a file that describe its current stay in prison: the file keeps
# them (external scripts read them there) and its current stay holds the same values
# (_sync_current_stay); a past stay keeps them for good.
STAY_FIELDS = (
    "prison_id",
    "prison_number",
    "legal_status",
    "incarceration_date",
    "sentence_months",
    "sentence_end_date",
    "expected_release_date",
    "adjustment_type",
    "lsc_excluded",
    "lsc_automatic_date",
    "actual_release_date",
    "release_outcome",
    "release_way",
    "dry_exit_reason",
    # The court supervision the release led to (the stay keeps it, for the
    # figures of the periods it covered).
    "supervision_type",
    "supervision_start_date",
    "supervision_end_date",
)
# The fields of a file whose change may make an attestation of its solution
# untrue (the day the solution is for, the stay, the file closed or archived).
ATTESTED_FILE_FIELDS = {
    "expected_release_date",
    "current_stay_id",
    "state",
    "active",
    "anonymised",
}
# A release date brought forward by more than this tells the referent.
EARLIER_RELEASE_NOTICE_DAYS = 7


# The board's filter of LSC de plein droit dates coming soon.
LSC_SOON_MONTHS = 2


# The largest release list a SPIP officer uploads on the portal (a list of a
# département's releases is a few hundred rows, some tens of kilobytes).
class SiaoDetainee(models.Model):
    _name = "siao.detainee"
    _description = "Person in prison"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "siao.person.record",
    ]
    _order = "estimated_release_date, name, id"
    _rec_names_search = ["name", "prison_number"]
    _stay_fields = STAY_FIELDS
    _check_company_auto = True

    # ---- Identity ----
    last_name = fields.Char(required=True, tracking=True)
    first_name = fields.Char(tracking=True)
    name = fields.Char(compute="_compute_name", store=True, index="trigram")
    birthdate = fields.Date(string="Birth date", index=True)
    gender = fields.Selection(GENDERS)
    nir = fields.Char(
        string="NIR",
        groups="siao_justice.group_siao_manager",
        help="Social security number: only when the company collects it.",
    )
    collect_nir = fields.Boolean(
        related="company_id.siao_collect_nir", string="Company collects the NIR"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Referent worker",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True, tracking=True)
    confidential = fields.Boolean(
        tracking=True,
        index=True,
        help="Only the referent worker and the coordinators see this person.",
    )
    consent_date = fields.Date(string="Consent date", tracking=True)
    consent_scope = fields.Selection(
        [
            ("siao", "SIAO only"),
            ("siao_spip", "SIAO and SPIP"),
            ("partners", "SIAO, SPIP and host structures"),
        ],
        string="Consent scope",
        tracking=True,
    )
    sharing_group_id = fields.Many2one(
        "res.groups",
        string="Shared with",
        compute="_compute_sharing_group_id",
        store=True,
        index=True,
        help="Who reads the file beyond its referent, the AVDL worker of an open "
        "measure and the coordinators: the social workers, and the readers (SPIP "
        "staff) too when the person's consent covers the SPIP; nobody else for a "
        "confidential file. Every record rule of the file and its records reads it.",
    )
    # Tracked: who changed an obligation or a note, and when, is in the chatter,
    # shown only to those who may read the field (its groups).
    restrictions = fields.Text(
        string="Obligations and prohibitions",
        groups="siao_justice.group_siao_user",
        help="Only what constrains housing (residence, banned places, "
        "no contact...). Never the offence.",
        tracking=True,
    )
    notes = fields.Text(groups="siao_justice.group_siao_user", tracking=True)
    need_tag_ids = fields.Many2many(
        "siao.need.tag",
        "siao_detainee_need_tag_rel",
        "detainee_id",
        "tag_id",
        string="Needs and constraints",
        groups="siao_justice.group_siao_user",
        help="What a place must accept or offer (reduced mobility, an animal, "
        "children...) and the zones the obligations forbid: the need, never the "
        "offence. Fitting places come first when one is proposed or reserved.",
    )
    pseudonym = fields.Char(
        default=lambda self: uuid.uuid4().hex,
        readonly=True,
        copy=False,
        index=True,
        help="Random key for the anonymised figures: not derived from the person's "
        "identity.",
    )
    last_contact_date = fields.Date(
        default=company_today,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="Moved by every act of support on the file and its records; retention "
        "counts from it. Only a system administrator sets it by hand (files brought "
        "from another tool).",
    )

    # ---- Prison and sentence ----
    prison_id = fields.Many2one(
        "res.partner",
        string="Prison",
        domain="[('siao_partner_type', '=', 'prison')]",
        ondelete="restrict",
        index=True,
        tracking=True,
        check_company=True,
    )
    prison_type = fields.Selection(related="prison_id.prison_type")
    prison_number = fields.Char(string="Prison number", index=True, tracking=True)
    legal_status = fields.Selection(
        LEGAL_STATUSES,
        required=True,
        default="convicted",
        tracking=True,
    )
    incarceration_date = fields.Date(tracking=True)
    sentence_months = fields.Integer(string="Sentence (months)", tracking=True)
    lsc_excluded = fields.Boolean(
        string="Excluded from LSC de plein droit",
        tracking=True,
        help="The law excludes this sentence from the LSC de plein droit (code de "
        "procédure pénale art. 720): no LSC alert. Never record the offence.",
    )
    sentence_end_date = fields.Date(
        string="End of sentence",
        tracking=True,
        help="Proposed from the incarceration date and the sentence's length, "
        "before any reduction; record the registry's date when known.",
    )
    expected_release_date = fields.Date(
        string="Expected release date", tracking=True, index=True
    )
    adjustment_type = fields.Selection(
        ADJUSTMENT_TYPES,
        string="Sentence adjustment",
        default="none",
        required=True,
        tracking=True,
    )
    lsc_automatic_date = fields.Date(
        string="LSC de plein droit deadline",
        compute="_compute_lsc_automatic_date",
        store=True,
        index=True,
        help="For sentences of 24 months or less: the day 3 months remain. "
        "From then on, only a lack of housing keeps the person in prison.",
    )
    lsc_soon = fields.Boolean(
        string="LSC deadline within 2 months",
        compute="_compute_lsc_soon",
        search="_search_lsc_soon",
        help="Detained, and the LSC de plein droit date falls within two months "
        "of the association's today.",
    )
    estimated_release_date = fields.Date(
        string="Release date to plan for",
        compute="_compute_estimated_release_date",
        store=True,
        index=True,
        help="The expected release date, or else the LSC de plein droit deadline, "
        "or else the end of sentence: the date the horizon, the alerts and the "
        "commission's agenda plan for.",
    )
    spip_id = fields.Many2one(
        "res.partner",
        string="SPIP",
        domain="[('siao_partner_type', '=', 'spip')]",
        check_company=True,
    )
    spip_referent_id = fields.Many2one(
        "res.partner",
        string="SPIP referent",
        check_company=True,
        # An officer's portal list: their persons among the département's.
        index="btree_not_null",
    )
    referral_to_confirm = fields.Boolean(
        string="SPIP referral to confirm",
        readonly=True,
        copy=False,
        index=True,
        help="A file created by a referral from the SPIP's portal: the officer sees "
        "it on the portal once a coordinator has confirmed it.",
    )

    supervision_type = fields.Selection(
        SUPERVISION_TYPES,
        string="Court supervision",
        tracking=True,
        help="For a person followed under court supervision outside prison.",
    )
    supervision_start_date = fields.Date(
        string="Start of the supervision", tracking=True
    )
    supervision_end_date = fields.Date(string="End of the supervision", tracking=True)
    supervision_ending = fields.Boolean(
        string="Supervision ending soon",
        compute="_compute_supervision_ending",
        search="_search_supervision_ending",
        help="Under court supervision whose end comes within the company's notice "
        "(or has passed): what follows is to prepare.",
    )

    # ---- Stays ----
    stay_ids = fields.One2many(
        "siao.detainee.stay", "detainee_id", string="Stays in prison", readonly=True
    )
    current_stay_id = fields.Many2one(
        "siao.detainee.stay", string="Current stay", readonly=True, copy=False
    )
    stay_count = fields.Integer(compute="_compute_stay_count")

    # ---- Release ----
    state = fields.Selection(
        [
            ("detained", "Detained"),
            ("released", "Released"),
            ("supervised", "Supervised outside prison"),
            ("closed", "File closed"),
        ],
        default="detained",
        required=True,
        tracking=True,
        index=True,
    )
    actual_release_date = fields.Date(
        string="Actual release date", tracking=True, index=True
    )
    release_outcome = fields.Selection(RELEASE_OUTCOMES, tracking=True)
    release_way = fields.Selection(
        RELEASE_WAYS,
        string="Way out",
        tracking=True,
        readonly=True,
        help="How the person left prison: the end of the sentence, or an "
        "adjustment under which the court supervises them outside.",
    )
    dry_exit_reason = fields.Selection(
        DRY_EXIT_REASONS, string="Reason of the dry exit", tracking=True
    )
    closing_reason = fields.Selection(
        CLOSING_REASONS, string="Reason of the closing", tracking=True
    )
    release_horizon = fields.Selection(
        RELEASE_HORIZONS,
        compute="_compute_release_horizon",
        store=True,
        index=True,
        group_expand="_expand_release_horizons",
    )
    release_within_months = fields.Integer(
        string="Release within (months)",
        compute="_compute_release_within_months",
        search="_search_release_within_months",
        help="The months the release horizon reaches (1, 3 or 6), 0 when the "
        "release is further, passed or unknown.",
    )
    within_request_lead = fields.Boolean(
        string="Release within the request lead time",
        compute="_compute_within_request_lead",
        search="_search_within_request_lead",
        help="Released, or heard on an adjustment, from today to the end of the "
        "company's request lead time (the SIAO request is due).",
    )
    has_housing_solution = fields.Boolean(
        compute="_compute_has_housing_solution", store=True
    )
    dry_exit_risk = fields.Boolean(
        string="Dry-exit risk",
        compute="_compute_dry_exit_risk",
        search="_search_dry_exit_risk",
    )

    # ---- The person's voice: wishes, letters ----
    wish_ids = fields.One2many("siao.wish", "detainee_id", string="Wishes")
    current_wish_id = fields.Many2one(
        "siao.wish",
        string="Wishes in force",
        compute="_compute_current_wish",
        help="The newest wishes the person said.",
    )
    wish_summary = fields.Char(
        string="Wishes in force, in short", compute="_compute_current_wish"
    )
    letter_ids = fields.One2many("siao.letter", "detainee_id", string="Letters")
    attestation_ids = fields.One2many(
        "siao.attestation", "detainee_id", string="Housing attestations"
    )
    hearing_ids = fields.One2many("siao.hearing", "detainee_id", string="Hearings")
    release_plan_ids = fields.One2many(
        "siao.release.plan", "detainee_id", string="Release-day plans"
    )
    release_plan_id = fields.Many2one(
        "siao.release.plan",
        string="Release-day plan",
        compute="_compute_release_plan_id",
        help="The plan of the current stay's release: where the person sleeps the "
        "first night and how they get there.",
    )
    release_plan_ready = fields.Boolean(
        string="Release-day plan ready", compute="_compute_release_plan_id"
    )
    next_hearing_date = fields.Date(
        string="Next hearing",
        compute="_compute_next_hearing_date",
        store=True,
        help="The earliest hearing to come: the deadlines count back from it when "
        "it comes before the release.",
    )

    # ---- Requests and resources ----
    request_ids = fields.One2many("siao.request", "detainee_id", string="SIAO requests")
    request_count = fields.Integer(compute="_compute_request_count")
    current_request_id = fields.Many2one(
        "siao.request",
        string="Current request",
        compute="_compute_current_request",
        store=True,
    )
    request_state = fields.Selection(
        REQUEST_STATES,
        string="Request state",
        compute="_compute_current_request",
        store=True,
    )
    has_current_request = fields.Boolean(
        string="Request under way or admitted",
        compute="_compute_current_request",
        store=True,
        index=True,
        help="The stay has a SIAO request open or admitted: no new one is needed.",
    )
    resource_right_ids = fields.One2many(
        "siao.resource.right", "detainee_id", string="Resources continuity"
    )
    resource_progress = fields.Char(
        string="Resources", compute="_compute_resource_progress", store=True
    )
    resource_blocking = fields.Char(
        string="Still blocks entry into housing",
        compute="_compute_resource_blocking",
        help="The rights and documents still to do without which housing waits: "
        "the postal address, RSA, AAH, the identity document.",
    )
    alert_ids = fields.One2many(
        "siao.deadline.alert", "detainee_id", string="Deadline alerts"
    )
    reservation_ids = fields.One2many(
        "siao.housing.reservation", "detainee_id", string="Places reserved or occupied"
    )
    avdl_measure_ids = fields.One2many(
        "siao.avdl.measure", "detainee_id", string="AVDL measures"
    )
    avdl_measure_count = fields.Integer(compute="_compute_avdl_measure_count")
    spip_exchange_count = fields.Integer(
        string="Exchanges with the SPIP",
        compute="_compute_spip_exchange_count",
        groups="siao_justice.group_siao_user",
    )

    _sql_constraints = [
        (
            "prison_number_unique",
            "",  # the partial unique index created in init()
            "Another person already has this prison number in this prison.",
        ),
    ]

    def _creation_message(self):
        # Said in the record's own words (and gender, in French).
        return _("File created")

    def init(self):
        # Among active files only: a merged, archived file keeps its prison number.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS siao_detainee_prison_number_unique
                ON siao_detainee (company_id, prison_id, prison_number)
             WHERE active AND prison_number IS NOT NULL
            """
        )
        # The few files handed over from another département: the report views'
        # second branch starts from them (siao.report.mixin._view_query).
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS siao_detainee_handed_over_index
                ON siao_detainee (id) WHERE handed_over
            """
        )
        # A column of the board: its first cards in the board's order (plain
        # columns), found from its company and horizon without reading the rows
        # of the other columns and companies.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS siao_detainee_board_index"
                " ON siao_detainee (company_id, release_horizon, %s) WHERE active",
                SQL(self._order),
            )
        )

    def _expand_release_horizons(self, values, domain):
        """The board's columns: every horizon, even empty, except "release passed"
        while no file is in it (on a phone the first column is the one shown)."""
        return [
            horizon
            for horizon, _label in RELEASE_HORIZONS
            if horizon != "past" or horizon in values
        ]

    # ---- Computes ----
    @api.depends("name")
    @api.depends_context("uid")
    def _compute_display_name(self):
        for person in self:
            person.display_name = person.name or ""
        self._hide_unreadable_names()

    @api.depends("last_name", "first_name")
    def _compute_name(self):
        for person in self:
            person.name = " ".join(
                part
                for part in (
                    (person.last_name or "").strip().upper(),
                    (person.first_name or "").strip(),
                )
                if part
            )

    @api.depends("confidential", "consent_date", "consent_scope")
    def _compute_sharing_group_id(self):
        workers = self.env.ref("siao_justice.group_siao_user")
        readers = self.env.ref("siao_justice.group_siao_reader")
        for person in self:
            if person.confidential:
                person.sharing_group_id = False
            elif person.consent_date and person.consent_scope in SPIP_CONSENT_SCOPES:
                person.sharing_group_id = readers
            else:
                person.sharing_group_id = workers

    def _consent_covers(self, partner):
        """Whether the person's consent lets the file be shared with ``partner``:
        the association's social workers always; a SPIP, one of its staff, or a
        reader (SPIP staff with an account) when the consent covers the SPIP; a
        host structure or a landlord when it covers the host structures; nobody
        else. A file without consent is shared with no one outside."""
        self.ensure_one()
        person = self.sudo()
        internal = partner.user_ids.filtered(lambda user: not user.share)
        workers = self.env.ref("siao_justice.group_siao_user")
        if internal and all(workers in user.groups_id for user in internal):
            return True
        if not person.consent_date:
            return False
        if internal:  # readers (SPIP staff with an account), other internal users
            return person.consent_scope in SPIP_CONSENT_SCOPES
        kind = (
            partner.commercial_partner_id.siao_partner_type or partner.siao_partner_type
        )
        if kind == "spip":
            return person.consent_scope in SPIP_CONSENT_SCOPES
        if kind in PARTNER_CONSENT_TYPES:
            return person.consent_scope in PARTNER_CONSENT_SCOPES
        return False

    @api.depends("hearing_ids.date", "hearing_ids.outcome")
    def _compute_next_hearing_date(self):
        for person in self:
            pending = person.hearing_ids.filtered(lambda h: h.outcome == "pending")
            person.next_hearing_date = min(pending.mapped("date"), default=False)

    @api.depends("release_plan_ids.is_current", "release_plan_ids.ready")
    def _compute_release_plan_id(self):
        for person in self:
            plan = person.release_plan_ids.filtered("is_current")[:1]
            person.release_plan_id = plan
            person.release_plan_ready = plan.ready

    @api.depends("wish_ids.date", "wish_ids.summary")
    def _compute_current_wish(self):
        for person in self:
            wish = person.wish_ids.sorted(
                lambda wish: (wish.date, wish.id), reverse=True
            )[:1]
            person.current_wish_id = wish
            person.wish_summary = wish.summary or False

    @api.depends("stay_ids")
    def _compute_stay_count(self):
        for person in self:
            person.stay_count = len(person.stay_ids)

    @api.depends("legal_status", "sentence_months", "sentence_end_date", "lsc_excluded")
    def _compute_lsc_automatic_date(self):
        for person in self:
            eligible = (
                person.legal_status == "convicted"
                and not person.lsc_excluded
                and person.sentence_end_date
                and 0 < person.sentence_months <= LSC_MAX_SENTENCE_MONTHS
            )
            person.lsc_automatic_date = (
                person.sentence_end_date - relativedelta(months=LSC_REMAINING_MONTHS)
                if eligible
                else False
            )

    @api.onchange("incarceration_date", "sentence_months")
    def _onchange_sentence_end_date(self):
        """The form proposes the end of sentence from the incarceration date and
        the sentence's length while none is recorded, or while the recorded one
        is what the saved dates gave; a date typed by the worker (the registry's,
        after reductions) is kept. Only the form proposes: an import or a list
        brings its own date."""
        proposed_before = sentence_end_from(
            self._origin.incarceration_date, self._origin.sentence_months
        )
        if self.legal_status == "convicted" and (
            not self.sentence_end_date or self.sentence_end_date == proposed_before
        ):
            self.sentence_end_date = (
                sentence_end_from(self.incarceration_date, self.sentence_months)
                or self.sentence_end_date
            )

    @api.model
    def _lsc_soon_domain(self):
        return [("state", "=", "detained")] + self.env[
            "res.company"
        ]._siao_per_day_domain(
            lambda today: [
                ("lsc_automatic_date", ">=", today),
                (
                    "lsc_automatic_date",
                    "<=",
                    today + relativedelta(months=LSC_SOON_MONTHS),
                ),
            ]
        )

    def _compute_lsc_soon(self):
        soon = self.filtered_domain(self._lsc_soon_domain())
        for person in self:
            person.lsc_soon = person in soon

    def _search_lsc_soon(self, operator, value):
        return flag_domain(self.env, self._lsc_soon_domain(), operator, value)

    @api.depends(*ESTIMATED_RELEASE_SOURCES)
    def _compute_estimated_release_date(self):
        for person in self:
            person.estimated_release_date = next(
                (person[name] for name in ESTIMATED_RELEASE_SOURCES if person[name]),
                False,
            )

    @api.model
    def _release_horizon_domains(self, today=None):
        """The rules of the release horizon on ``today``, or else on each file's
        company's today: ordered (horizon, domain) pairs."""
        per_day = self.env["res.company"]._siao_per_day_domain
        return [
            (horizon, per_day(rule, today)) for horizon, rule in RELEASE_HORIZON_RULES
        ]

    def _release_horizons(self, today=None):
        """{file: its release horizon on ``today`` (its company's today by
        default)}, read from the rules."""
        horizons, remaining = {}, self
        for horizon, domain in self._release_horizon_domains(today):
            matched = remaining.filtered_domain(domain)
            horizons.update(dict.fromkeys(matched, horizon))
            remaining -= matched
        horizons.update(dict.fromkeys(remaining, "later"))
        return horizons

    @api.model
    def _request_lead_domain(self, day=None, from_day=True):
        """Released by the end of their company's request lead time on ``day``
        (each company's today by default), and from that day on when
        ``from_day``."""
        return self.env["res.company"]._siao_per_company_domain(
            lambda company, day: (
                [("estimated_release_date", ">=", day)] if from_day else []
            )
            + [("estimated_release_date", "<=", company.siao_request_lead_end(day))],
            day,
        )

    @api.model
    def _request_deadline_domain(self, day=None, from_day=True):
        """The request's deadline (``_request_deadline``: the release, or the
        hearing on an adjustment when it comes first) falls by the end of the
        company's lead time on ``day`` (and from that day on when ``from_day``)."""
        return expression.OR(
            [
                self._request_lead_domain(day, from_day=from_day),
                self.env["res.company"]._siao_per_company_domain(
                    lambda company, day: [
                        ("next_hearing_date", "!=", False),
                        ("next_hearing_date", "<=", company.siao_request_lead_end(day)),
                    ]
                    + ([("next_hearing_date", ">=", day)] if from_day else []),
                    day,
                ),
            ]
        )

    def _request_deadline(self):
        """The day the SIAO request is to be ready for: the release, or the
        hearing on an adjustment when it comes first (the dates the rule above
        reads, for one file)."""
        self.ensure_one()
        dates = [
            day for day in (self.estimated_release_date, self.next_hearing_date) if day
        ]
        return min(dates) if dates else False

    @api.depends("estimated_release_date", "next_hearing_date", "company_id")
    @api.depends_context("uid")
    def _compute_within_request_lead(self):
        within = self.filtered_domain(self._request_deadline_domain())
        for person in self:
            person.within_request_lead = person in within

    @api.model
    def _supervision_ending_domain(self, day=None):
        """Under court supervision ending by the company's notice after ``day``
        (each company's today by default): the supervision board's filter and
        the referent's alert (``siao.deadline.alert``) read this rule."""
        return expression.AND(
            [
                [("state", "=", "supervised"), ("supervision_end_date", "!=", False)],
                self.env["res.company"]._siao_per_company_domain(
                    lambda company, today: [
                        (
                            "supervision_end_date",
                            "<=",
                            today
                            + timedelta(weeks=company.siao_supervision_notice_weeks),
                        )
                    ],
                    day,
                ),
            ]
        )

    @api.depends("state", "supervision_end_date", "company_id")
    @api.depends_context("uid")
    def _compute_supervision_ending(self):
        ending = self.filtered_domain(self._supervision_ending_domain())
        for person in self:
            person.supervision_ending = person in ending

    def _search_supervision_ending(self, operator, value):
        return flag_domain(self.env, self._supervision_ending_domain(), operator, value)

    def _search_within_request_lead(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search the releases within the request lead time."))
        domain = self._request_deadline_domain()
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("release_horizon")
    def _compute_release_within_months(self):
        for person in self:
            person.release_within_months = HORIZON_MONTHS.get(person.release_horizon, 0)

    def _search_release_within_months(self, operator, value):
        if operator not in ("<=", "<") or not isinstance(value, int):
            raise UserError(_("Search the release within a number of months."))
        horizons = [
            horizon
            for horizon, months in HORIZON_MONTHS.items()
            if months < value or (operator == "<=" and months == value)
        ]
        return [("release_horizon", "in", horizons)]

    @api.depends("state", "legal_status", "estimated_release_date")
    def _compute_release_horizon(self):
        for person, horizon in self._release_horizons().items():
            person.release_horizon = horizon

    @api.depends(
        "release_outcome",
        "estimated_release_date",
        "current_stay_id",
        "request_ids.active",
        "request_ids.state",
        "request_ids.stay_id",
        "request_ids.admission_date",
        "request_ids.structure_id",
        "request_ids.place_id",
        "reservation_ids.state",
        "reservation_ids.kind",
        "reservation_ids.date_from",
        "reservation_ids.date_to",
    )
    def _compute_has_housing_solution(self):
        """Read from the one definition (``housing_solution_sql``), on the
        estimated release day, for the current stay."""
        self.env["siao.request"].flush_model(
            ["detainee_id", "stay_id", "active", "state", "admission_date"]
            + ["structure_id", "place_id"]
        )
        self.env["siao.housing.reservation"].flush_model(
            ["detainee_id", "state", "kind", "date_from", "date_to"]
        )
        stored = self.filtered(lambda person: person._origin)
        stored._origin.flush_recordset(
            ["release_outcome", "estimated_release_date", "current_stay_id"]
        )
        found = set()
        if stored:
            self.env.cr.execute(
                SQL(
                    "SELECT d.id FROM siao_detainee d WHERE d.id = ANY(%s) AND %s",
                    stored._origin.ids,
                    housing_solution_sql(
                        SQL("d.id"),
                        SQL("d.current_stay_id"),
                        SQL("d.estimated_release_date"),
                        SQL("d.release_outcome"),
                    ),
                )
            )
            found = {row[0] for row in self.env.cr.fetchall()}
        for person in self:
            person.has_housing_solution = person._origin.id in found

    def _housing_solution(self):
        """(requests, reservations) that make this person's housing solution for
        the release to prepare, by the one definition (``housing_solution_sql``,
        as ``has_housing_solution`` reads it), read as superuser."""
        self.ensure_one()
        person = self.sudo()
        self.env["siao.request"].flush_model()
        self.env["siao.housing.reservation"].flush_model()
        person.flush_recordset(["estimated_release_date", "current_stay_id"])
        found = []
        for sql in (
            solution_requests_sql(
                SQL("%s", person.id),
                SQL("%s", person.current_stay_id.id or None),
                SQL("%s::date", person.estimated_release_date or None),
            ),
            solution_reservations_sql(
                SQL("%s", person.id),
                SQL("%s::date", person.estimated_release_date or None),
            ),
        ):
            self.env.cr.execute(sql)
            found.append([row[0] for row in self.env.cr.fetchall()])
        return (
            self.env["siao.request"].sudo().browse(found[0]),
            self.env["siao.housing.reservation"].sudo().browse(found[1]),
        )

    @api.depends("request_ids")
    def _compute_request_count(self):
        counts = dict(
            self.env["siao.request"]._read_group(
                [("detainee_id", "in", self.ids)], ["detainee_id"], ["__count"]
            )
        )
        for person in self:
            person.request_count = counts.get(person._origin, 0)

    @api.depends(
        "request_ids.state", "request_ids.active", "request_ids.in_current_stay"
    )
    def _compute_current_request(self):
        for person in self:
            requests = person.request_ids.filtered("active").sorted("id", reverse=True)
            current = (
                requests.filtered(
                    lambda r: r.in_current_stay and r.state in ANSWERING_STATES
                )[:1]
                or requests.filtered("in_current_stay")[:1]
            )
            person.current_request_id = current
            person.request_state = current.state
            person.has_current_request = current.state in ANSWERING_STATES

    @api.depends("avdl_measure_ids")
    def _compute_avdl_measure_count(self):
        counts = dict(
            self.env["siao.avdl.measure"]._read_group(
                [("detainee_id", "in", self.ids)], ["detainee_id"], ["__count"]
            )
        )
        for person in self:
            person.avdl_measure_count = counts.get(person._origin, 0)

    def _compute_spip_exchange_count(self):
        counts = dict(
            self.env["siao.spip.exchange"]._read_group(
                [("detainee_id", "in", self.ids)], ["detainee_id"], ["__count"]
            )
        )
        for person in self:
            person.spip_exchange_count = counts.get(person._origin, 0)

    @api.depends("resource_right_ids.status", "resource_right_ids.right_type")
    def _compute_resource_blocking(self):
        labels = dict(
            self.env["siao.resource.right"]
            ._fields["right_type"]
            ._description_selection(self.env)
        )
        for person in self:
            blocking = person.resource_right_ids.filtered(
                lambda r: r.status == "todo" and r.right_type in BLOCKING_RIGHTS
            )
            person.resource_blocking = (
                ", ".join(labels[r.right_type] for r in blocking) or False
            )

    @api.depends("resource_right_ids.status")
    def _compute_resource_progress(self):
        for person in self:
            rights = person.resource_right_ids
            done = len(rights.filtered(lambda r: r.status != "todo"))
            person.resource_progress = f"{done}/{len(rights)}" if rights else False

    def _dry_exit_limit(self):
        return self.company_id.siao_today() + timedelta(
            days=self.env["res.company"]._siao_dry_exit_alert_days(self.company_id.id)
        )

    @api.depends(
        "state", "estimated_release_date", "has_housing_solution", "company_id"
    )
    def _compute_dry_exit_risk(self):
        for person in self:
            person.dry_exit_risk = bool(
                person.state == "detained"
                and person.estimated_release_date
                and not person.has_housing_solution
                and person.estimated_release_date <= person._dry_exit_limit()
            )

    def _search_dry_exit_risk(self, operator, value):
        within_alert = self.env["res.company"]._siao_per_company_domain(
            lambda company, today: [
                (
                    "estimated_release_date",
                    "<=",
                    today
                    + timedelta(
                        days=self.env["res.company"]._siao_dry_exit_alert_days(
                            company.id
                        )
                    ),
                )
            ]
        )
        domain = expression.AND(
            [
                [("state", "=", "detained"), ("has_housing_solution", "=", False)],
                within_alert,
            ]
        )
        return flag_domain(self.env, domain, operator, value)

    # ---- Constraints ----
    def _date_order_rules(self):
        """The dates of a file that come in this order: (earlier, later, what is
        said when they do not)."""
        return [
            (
                "birthdate",
                "incarceration_date",
                _("The incarceration date cannot be before the birth date."),
            ),
            (
                "incarceration_date",
                "expected_release_date",
                _("The expected release date cannot be before the incarceration date."),
            ),
            (
                "incarceration_date",
                "sentence_end_date",
                _("The end of sentence cannot be before the incarceration date."),
            ),
            (
                "incarceration_date",
                "actual_release_date",
                _("The actual release date cannot be before the incarceration date."),
            ),
            (
                "expected_release_date",
                "sentence_end_date",
                _("The expected release date cannot be after the end of sentence."),
            ),
        ]

    @api.constrains(
        "birthdate",
        "consent_date",
        "incarceration_date",
        "expected_release_date",
        "sentence_end_date",
        "actual_release_date",
    )
    def _check_dates(self):
        rules = self._date_order_rules()
        for person in self:
            today = person.company_id.siao_today()
            if person.birthdate and person.birthdate > today:
                raise ValidationError(_("The birth date cannot be in the future."))
            if person.consent_date and person.consent_date > today:
                raise ValidationError(
                    _("The consent date cannot be in the future: record it once given.")
                )
            for earlier, later, message in rules:
                if (
                    person[earlier]
                    and person[later]
                    and person[later] < person[earlier]
                ):
                    raise ValidationError(message)

    @api.constrains("user_id")
    def _check_referent_is_a_social_worker(self):
        group = self.env.ref("siao_justice.group_siao_user")
        if any(
            person.user_id and group not in person.user_id.groups_id
            for person in self.sudo()
        ):
            raise ValidationError(
                _("The referent of a file is one of the social workers.")
            )

    @api.constrains("sentence_months")
    def _check_sentence_months(self):
        for person in self:
            if person.sentence_months < 0:
                raise ValidationError(_("The sentence length cannot be negative."))

    @api.constrains("nir", "company_id")
    def _check_nir(self):
        for person in self.sudo().filtered("nir"):
            if not person.company_id.siao_collect_nir:
                raise ValidationError(
                    _(
                        "This company does not collect the NIR: turn the setting "
                        "on first (coordinators only)."
                    )
                )
            if not stdnum_nir.is_valid(person.nir):
                raise ValidationError(
                    _("The NIR “%(nir)s” is not valid.", nir=person.nir)
                )

    @api.constrains("last_name")
    def _check_last_name(self):
        for person in self:
            if not (person.last_name or "").strip():
                raise ValidationError(_("The last name is required."))

    # ---- CRUD ----
    @api.model_create_multi
    def create(self, vals_list):
        persons = super().create(vals_list)
        persons.filtered(lambda p: p.state != "supervised")._start_stay()
        persons._add_default_checklist()
        persons._schedule_overdue_lsc()
        return persons

    def write(self, vals):
        if (
            "state" in vals
            and self.env.context.get(STATE_CHANGE_CONTEXT) is not STATE_CHANGE_TOKEN
        ):
            if any(person.state != vals["state"] for person in self):
                raise UserError(
                    _(
                        "The state of a file changes with its buttons only: Record "
                        "the release, New incarceration, Close the follow-up."
                    )
                )
        earlier = {}
        try:
            new_date = fields.Date.to_date(vals.get("expected_release_date") or None)
        except (TypeError, ValueError):
            new_date = None  # refused with a clear message by the boundary
        if new_date:
            earlier = {
                person.id: person.expected_release_date
                for person in self
                if person.state == "detained"
                and person.expected_release_date
                and (person.expected_release_date - new_date).days
                > EARLIER_RELEASE_NOTICE_DAYS
            }
        planned = (
            {person.id: person.estimated_release_date for person in self}
            if ESTIMATED_RELEASE_INPUTS & set(vals)
            else {}
        )
        result = super().write(vals)
        if set(STAY_FIELDS).intersection(vals) and not self.env.context.get(
            "siao_file_only"
        ):
            self._sync_current_stay()
        moved = self.filtered(
            lambda p: p.id in planned
            and p.id not in earlier
            and p.state == "detained"
            and p.estimated_release_date != planned[p.id]
        )
        if moved:
            # The date the deadlines plan for moved: their activities follow it.
            self.env["siao.deadline.alert"]._reschedule(moved)
        self._supervision_end_moved(vals)
        changed = self.filtered(
            lambda p: p.id in planned and p.estimated_release_date != planned[p.id]
        )
        if changed:
            self.env["siao.release.plan"]._release_day_moved(changed)
        if earlier:
            self.browse(list(earlier))._release_brought_forward(earlier)
        elif {"sentence_months", "sentence_end_date", "lsc_excluded"} & set(vals):
            self._schedule_overdue_lsc()
        if CHECKLIST_INPUTS & set(vals):
            # The kind of stay may have changed: the lines it needs are added.
            self.filtered(lambda p: p.state == "detained")._add_default_checklist()
        if "company_id" in vals and not self.env.context.get("siao_company_move"):
            self._check_records_in_company()
        if vals.get("confidential") or {"consent_date", "consent_scope"} & set(vals):
            # The minutes now show it without name, or as a case number.
            self._render_minutes_again()
        if vals.get("confidential"):
            self._hide_name_in_messages()
        if "state" in vals:
            self._touch_last_contact()  # a release, a new stay: a contact
        if ATTESTED_FILE_FIELDS & set(vals):
            # The release day, the stay, the file's life: an attestation of its
            # solution may no longer hold.
            self.env["siao.attestation"]._recheck(self)
        return result

    def _supervision_end_moved(self, vals):
        """The court moved the end of a supervision: its alert follows it."""
        if "supervision_end_date" in vals:
            self.env["siao.deadline.alert"]._reschedule(
                self.filtered(lambda p: p.state == "supervised")
            )

    def _hide_name_in_messages(self):
        """The messages of a file, and of its records, keep the name of their record
        (Odoo shows it, in notifications too): a confidential file's say only
        "Confidential file"."""
        threads = [("siao.detainee", self.ids)] + [
            (model, records.ids)
            for model, records in self._owned_records().items()
            if "message_ids" in records._fields
        ]
        label = masked_name(self.env)
        for model, ids in threads:
            self.env["mail.message"].sudo().search(
                [("model", "=", model), ("res_id", "in", ids)]
            ).write({"record_name": label})

    def _render_minutes_again(self):
        """Render again the minutes of the closed commissions that reviewed these
        persons (after their name changed, or their file became confidential)."""
        lines = (
            self.env["siao.commission.line"]
            .sudo()
            .search([("detainee_id", "in", self.ids), ("meeting_state", "=", "closed")])
        )
        for meeting in lines.meeting_id:
            meeting._attach_minutes(replace=True)

    @api.model
    def _request_due_domain(self, day=None):
        """The files for which a SIAO request is due on ``day`` (each company's
        today by default): convicted, in prison, released within their company's
        lead time (or heard on an adjustment within it), and no request under
        way. The one rule of the deadline alerts and of the office hours' list."""
        within_lead = self._request_deadline_domain(day, from_day=False)
        return expression.AND(
            [
                [
                    ("state", "=", "detained"),
                    ("active", "=", True),
                    ("frozen", "=", False),
                    ("legal_status", "=", "convicted"),
                ],
                within_lead,
                [("has_current_request", "=", False)],
            ]
        )

    # ---- Actions ----
    def action_open_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "siao_justice.siao_request_action"
        )
        action.update(
            domain=[("detainee_id", "=", self.id)],
            context={
                "default_detainee_id": self.id,
                "default_user_id": self.user_id.id or self.env.uid,
            },
        )
        return action

    def action_open_avdl_measures(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "siao_justice.siao_avdl_measure_action"
        )
        action.update(
            domain=[("detainee_id", "=", self.id)],
            context={"default_detainee_id": self.id},
        )
        return action

    def action_confirm_referral(self):
        """A coordinator confirms a file created by a referral from the SPIP's
        portal: from now on the portal shows it to its SPIP referent (consent
        allowing). Until then the officer learns nothing from their list of
        whether the person already had a file."""
        if not self.env.user.has_group("siao_justice.group_siao_manager"):
            raise AccessError(_("Only a coordinator confirms a referral."))
        self.check_access("write")
        self.sudo().write({"referral_to_confirm": False})
        return True

    def action_open_spip_exchanges(self):
        """The messages exchanged with the SPIP's officers on the portal: the
        exchange itself when one officer writes, to answer them at once."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "siao_justice.siao_spip_exchange_action"
        )
        action.update(
            domain=[("detainee_id", "=", self.id)],
            context={"default_detainee_id": self.id},
        )
        exchanges = self.env["siao.spip.exchange"].search(action["domain"], limit=2)
        if len(exchanges) == 1:
            action.update(
                view_mode="form", views=[(False, "form")], res_id=exchanges.id
            )
        return action

    def action_new_letter(self):
        """A letter to the person, written from their file."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Letter to the person"),
            "res_model": "siao.letter",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_detainee_id": self.id,
                "default_request_id": self.current_request_id.id,
            },
        }

    def action_new_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "siao.request",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_detainee_id": self.id,
                "default_user_id": self.user_id.id or self.env.uid,
            },
        }

    def action_check_deadlines(self):
        # Only for files the caller may change: the activities are created as
        # superuser.
        self.check_access("write")
        created = self.env["siao.deadline.alert"]._schedule(self)
        open_count = self.env["mail.activity"].search_count(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                (
                    "activity_type_id",
                    "in",
                    self.env["siao.deadline.alert"]._activity_type_ids(),
                ),
            ]
        )
        if len(created) == 1:
            message = _(
                "One new deadline activity scheduled: see the file's activities."
            )
        elif created:
            message = _(
                "%(count)s new deadline activities scheduled: see the file's "
                "activities.",
                count=len(created),
            )
        elif open_count:
            message = _(
                "Nothing new: the deadline activities of this file are already "
                "scheduled (%(open)s open).",
                open=open_count,
            )
        else:
            message = _("Nothing new: no deadline is due for this file.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Deadlines checked"),
                "message": message,
                "type": "success" if created else "info",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ---- Crons ----
    @api.model
    def _cron_update_release_horizon(self, today=None):
        """Daily: the horizon depends on today's date; recompute it in one SQL
        pass, on each company's day. ``today`` (a date) is for the benchmark."""
        # The rules' domains, as PostgreSQL reads them on the table itself.
        Person = self.sudo().with_context(active_test=False)
        case = SQL(
            "CASE %s ELSE 'later' END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", Person._search(domain).where_clause, horizon)
                for horizon, domain in self._release_horizon_domains(today)
            ),
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE siao_detainee SET release_horizon = %(case)s "
                "WHERE release_horizon IS DISTINCT FROM %(case)s "
                # A file whose processing is limited is left as it is.
                "AND frozen IS NOT TRUE RETURNING id",
                case=case,
            )
        )
        changed = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_model(["release_horizon"])
        # What reads the horizon (the requests' stored related value) follows,
        # through the ORM.
        Person.browse(changed).modified(["release_horizon"])
        self.env.flush_all()
        return changed
