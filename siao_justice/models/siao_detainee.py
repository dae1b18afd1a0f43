import uuid
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from stdnum.fr import nir as stdnum_nir

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .siao_avdl_measure import CANCELLABLE_MEASURE_STATES
from .siao_request import OPEN_STATES, REQUEST_STATES, TRANSITIONS
from .siao_resource_right import DEFAULT_CHECKLIST

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
RELEASE_OUTCOMES = [
    ("housing", "Ordinary housing"),
    ("adapted_housing", "Supported housing"),
    ("shelter", "Shelter"),
    ("family", "Family or friends"),
    ("dry_exit", "Dry exit (no solution)"),
    ("unknown", "Unknown"),
]
# Where a release leaves the person without a solution: an open SIAO request is kept
# and updated with the new situation, not left "submitted" as if nothing happened.
NO_SOLUTION_OUTCOMES = ("dry_exit", "unknown")
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
    ("other", "Other court supervision"),
]
CLOSING_REASONS = [
    ("commission", "Closed by the commission"),
    ("housed", "Housed, follow-up ended"),
    ("moved_away", "Moved away"),
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
    "dry_exit_reason",
)
# A release date brought forward by more than this tells the referent.
EARLIER_RELEASE_NOTICE_DAYS = 7
# LSC de plein droit (code de procédure pénale art. 720 II): sentences of at most
# 24 months are served outside once 3 months remain, unless housing is impossible.
LSC_MAX_SENTENCE_MONTHS = 24
LSC_REMAINING_MONTHS = 3


# The day a release is planned for, in this order: the expected release date, or else
# the LSC de plein droit deadline, or else the end of sentence. The one rule behind the
# stored ``estimated_release_date`` (Python) and ``estimated_release_sql`` (SQL).
ESTIMATED_RELEASE_SOURCES = (
    "expected_release_date",
    "lsc_automatic_date",
    "sentence_end_date",
)


# What the estimated release date is computed from (its sources and the LSC's).
ESTIMATED_RELEASE_INPUTS = frozenset(
    (*ESTIMATED_RELEASE_SOURCES, "sentence_months", "lsc_excluded", "legal_status")
)


def estimated_release_sql(alias=None):
    """The estimated release day of a ``siao_detainee`` row, in SQL."""
    columns = [
        SQL.identifier(alias, name) if alias else SQL.identifier(name)
        for name in ESTIMATED_RELEASE_SOURCES
    ]
    return SQL("COALESCE(%s)", SQL(", ").join(columns))


def release_horizon_limits(today):
    """The one definition of the release horizon buckets: ordered (horizon, last day)
    pairs for a detained, convicted person with a known date; after the last one the
    horizon is ``later``."""
    return [
        ("past", today - timedelta(days=1)),
        ("m1", today + relativedelta(months=1)),
        ("m3", today + relativedelta(months=3)),
        ("m6", today + relativedelta(months=6)),
    ]


class SiaoDetainee(models.Model):
    _name = "siao.detainee"
    _description = "Person in prison"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "siao.input.validation",
        "siao.detainee.duplicate",
        "siao.detainee.import",
    ]
    _order = "estimated_release_date, name, id"
    _rec_names_search = ["name", "prison_number"]
    _siao_stay_fields = STAY_FIELDS
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
    pseudonym = fields.Char(
        default=lambda self: uuid.uuid4().hex,
        readonly=True,
        copy=False,
        index=True,
        help="Random key for the anonymised figures: not derived from the person's "
        "identity.",
    )
    last_contact_date = fields.Date(
        default=fields.Date.context_today,
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
    sentence_end_date = fields.Date(string="End of sentence", tracking=True)
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
        "res.partner", string="SPIP referent", check_company=True
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
            ("closed", "Closed"),
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
    has_housing_solution = fields.Boolean(
        compute="_compute_has_housing_solution", store=True
    )
    dry_exit_risk = fields.Boolean(
        string="Dry-exit risk",
        compute="_compute_dry_exit_risk",
        search="_search_dry_exit_risk",
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
    resource_right_ids = fields.One2many(
        "siao.resource.right", "detainee_id", string="Resources continuity"
    )
    resource_progress = fields.Char(
        string="Resources", compute="_compute_resource_progress", store=True
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
        self._siao_hide_unreadable_names()

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

    @api.depends(*ESTIMATED_RELEASE_SOURCES)
    def _compute_estimated_release_date(self):
        for person in self:
            person.estimated_release_date = next(
                (person[name] for name in ESTIMATED_RELEASE_SOURCES if person[name]),
                False,
            )

    @api.model
    def _release_horizon_of(self, state, legal_status, release_date, today):
        """The horizon of a file: ``release_date`` is its estimated release date."""
        if state != "detained":
            return "past"
        if legal_status == "remand" or not release_date:
            return "unknown"
        for horizon, last_day in release_horizon_limits(today):
            if release_date <= last_day:
                return horizon
        return "later"

    @api.depends("state", "legal_status", "estimated_release_date")
    def _compute_release_horizon(self):
        today = fields.Date.today()
        for person in self:
            person.release_horizon = self._release_horizon_of(
                person.state, person.legal_status, person.estimated_release_date, today
            )

    @api.depends(
        "release_outcome",
        "estimated_release_date",
        "request_ids.state",
        "request_ids.in_current_stay",
        "request_ids.structure_id",
        "request_ids.place_id",
        "reservation_ids.state",
        "reservation_ids.kind",
        "reservation_ids.date_from",
        "reservation_ids.date_to",
    )
    def _compute_has_housing_solution(self):
        for person in self:
            release_day = person.estimated_release_date
            person.has_housing_solution = (
                person.release_outcome not in (False, "dry_exit", "unknown")
                or any(
                    request.in_current_stay
                    and (
                        request.state == "admitted"
                        or (
                            request.state == "proposed"
                            and (request.structure_id or request.place_id)
                        )
                    )
                    for request in person.request_ids
                )
                or bool(
                    release_day
                    and any(
                        reservation.kind in ("reservation", "occupation")
                        and reservation._covers(release_day)
                        for reservation in person.reservation_ids
                    )
                )
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
                    lambda r: r.in_current_stay
                    and r.state in OPEN_STATES + ("admitted",)
                )[:1]
                or requests.filtered("in_current_stay")[:1]
            )
            person.current_request_id = current
            person.request_state = current.state

    @api.depends("avdl_measure_ids")
    def _compute_avdl_measure_count(self):
        counts = dict(
            self.env["siao.avdl.measure"]._read_group(
                [("detainee_id", "in", self.ids)], ["detainee_id"], ["__count"]
            )
        )
        for person in self:
            person.avdl_measure_count = counts.get(person._origin, 0)

    @api.depends("resource_right_ids.status")
    def _compute_resource_progress(self):
        for person in self:
            rights = person.resource_right_ids
            done = len(rights.filtered(lambda r: r.status != "todo"))
            person.resource_progress = f"{done}/{len(rights)}" if rights else False

    def _dry_exit_limit(self):
        return fields.Date.today() + timedelta(
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
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(
                _("This search on the dry-exit risk is not supported.")
            )
        today = fields.Date.today()
        within_alert = self.env["res.company"]._siao_threshold_domain(
            "estimated_release_date",
            "<=",
            lambda company: today + timedelta(days=company.siao_dry_exit_alert_days),
        )
        domain = expression.AND(
            [
                [("state", "=", "detained"), ("has_housing_solution", "=", False)],
                within_alert,
            ]
        )
        return (
            domain
            if (operator == "=") == value
            else ["!", *expression.normalize_domain(domain)]
        )

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
        today = fields.Date.context_today(self)
        rules = self._date_order_rules()
        for person in self:
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
        persons.filtered(
            lambda p: p.legal_status == "convicted" and p.state != "supervised"
        )._add_default_checklist()
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
        if set(STAY_FIELDS).intersection(vals):
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
        if earlier:
            self.browse(list(earlier))._release_brought_forward(earlier)
        elif {"sentence_months", "sentence_end_date", "lsc_excluded"} & set(vals):
            self._schedule_overdue_lsc()
        if vals.get("legal_status") == "convicted":
            self._add_default_checklist()
        if "company_id" in vals:
            self._check_records_in_company()
        if vals.get("confidential") or {"consent_date", "consent_scope"} & set(vals):
            # The minutes now show it without name, or as a case number.
            self._render_minutes_again()
        if vals.get("confidential"):
            self._siao_hide_name_in_messages()
        return result

    def _siao_hide_name_in_messages(self):
        """The messages of a file, and of its records, keep the name of their record
        (Odoo shows it, in notifications too): a confidential file's say only
        "Confidential file"."""
        threads = [("siao.detainee", self.ids)] + [
            (model, records.ids)
            for model, records in self._siao_owned_records().items()
            if "message_ids" in records._fields
        ]
        label = self.env._("Confidential file")
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

    # ---- Stays ----
    def _start_stay(self):
        """Open the current stay of these files, from their current-stay fields."""
        Stay = self.env["siao.detainee.stay"].sudo()
        stays = Stay.create(
            [dict(Stay._values_of(person), detainee_id=person.id) for person in self]
        )
        for person, stay in zip(self.sudo(), stays, strict=True):
            person.current_stay_id = stay
        return stays

    @api.model
    def _siao_start_missing_stays(self):
        """Every file without a current stay (but those supervised outside prison)
        gets one holding its current-stay values, and its requests and alerts
        belong to it: in SQL, for a database upgraded from 18.0.1.1.0 and for files
        loaded in bulk."""
        self.env.flush_all()
        cr = self.env.cr
        columns = SQL(", ").join(SQL.identifier(name) for name in STAY_FIELDS)
        cr.execute(
            SQL(
                """
                INSERT INTO siao_detainee_stay (
                    detainee_id, company_id, is_current, %(columns)s,
                    create_uid, create_date, write_uid, write_date)
                SELECT id, company_id, true, %(columns)s, %(uid)s,
                       now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM siao_detainee
                 WHERE current_stay_id IS NULL AND state != 'supervised'
                """,
                columns=columns,
                uid=self.env.uid,
            )
        )
        cr.execute(
            """
            UPDATE siao_detainee d SET current_stay_id = s.id
              FROM siao_detainee_stay s
             WHERE s.detainee_id = d.id AND d.current_stay_id IS NULL
               AND s.is_current
            """
        )
        cr.execute(
            """
            UPDATE siao_request r
               SET stay_id = d.current_stay_id, in_current_stay = true
              FROM siao_detainee d
             WHERE d.id = r.detainee_id AND r.stay_id IS NULL
            """
        )
        cr.execute(
            """
            UPDATE siao_deadline_alert a SET stay_id = d.current_stay_id
              FROM siao_detainee d
             WHERE d.id = a.detainee_id AND a.stay_id IS NULL
            """
        )
        self.env.invalidate_all()

    def _sync_current_stay(self):
        """The current stay holds the file's current-stay values."""
        self.env.flush_all()  # the computed LSC date too
        Stay = self.env["siao.detainee.stay"].sudo()
        for person in self.sudo().filtered("current_stay_id"):
            values = Stay._values_of(person)
            stay = person.current_stay_id
            changed = {
                name: value
                for name, value in values.items()
                if (stay[name].id if name == "prison_id" else stay[name]) != value
            }
            if changed:
                stay.write(changed)

    def action_new_stay(
        self,
        prison_id,
        incarceration_date,
        prison_number=None,
        legal_status="convicted",
    ):
        """Nouvelle incarcération: a new stay in prison for a file that is not
        detained. The previous stay stays on the file as it was; open AVDL measures
        are closed (back in prison), open reservations end, consent is asked again,
        the resources checklist and the deadline alerts start afresh."""
        self.ensure_one()
        self.check_access("write")
        if self.state == "detained":
            raise UserError(
                _("This person is detained: record a transfer instead of a new stay.")
            )
        if legal_status not in dict(LEGAL_STATUSES):
            raise UserError(_("Unknown legal status."))
        start = fields.Date.to_date(incarceration_date)
        if not start or not prison_id:
            raise UserError(_("Give the prison and the incarceration date."))
        last_release = self.sudo().stay_ids.filtered("actual_release_date")
        if last_release and start < max(last_release.mapped("actual_release_date")):
            raise ValidationError(
                _("A new stay cannot start before the release from the previous one.")
            )
        person = self.sudo()
        person._end_follow_up(
            start,
            free_from=start,
            reason=_("New incarceration"),
            measure_reason="reincarcerated",
        )
        person.resource_right_ids.write({"active": False})
        person.invalidate_recordset(["resource_right_ids"])
        values = {
            "state": "detained",
            "prison_id": prison_id,
            "prison_number": prison_number or False,
            "legal_status": legal_status,
            "incarceration_date": start,
            "sentence_months": 0,
            "sentence_end_date": False,
            "expected_release_date": False,
            "adjustment_type": "none",
            "lsc_excluded": False,
            "actual_release_date": False,
            "release_outcome": False,
            "dry_exit_reason": False,
            "closing_reason": False,
            "supervision_type": False,
            "supervision_end_date": False,
            "consent_date": False,
            "consent_scope": False,
        }
        # The values are checked as the caller's (prison, number, dates) before the
        # previous stay is left.
        with self.env.cr.savepoint():
            person.with_context(**{STATE_CHANGE_CONTEXT: STATE_CHANGE_TOKEN}).write(
                {
                    name: value
                    for name, value in values.items()
                    if name not in STAY_FIELDS
                }
            )
            new_stay = (
                self.env["siao.detainee.stay"].sudo().create({"detainee_id": person.id})
            )
            person.current_stay_id = new_stay
            self.write({name: values[name] for name in STAY_FIELDS if name in values})
        if legal_status == "convicted":
            person._add_default_checklist()
        person.message_post(
            body=_(
                "New incarceration: a new stay starts. The previous one is kept "
                "in the Path tab."
            ),
        )
        return True

    def action_transfer(self, prison_id, prison_number, transfer_date):
        """A detained person moves to another prison: the stay keeps the previous
        establishment in its transfers."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "detained":
            raise UserError(_("Only a detained person is transferred."))
        day = fields.Date.to_date(transfer_date)
        if not day or not prison_id:
            raise UserError(_("Give the new prison and the transfer date."))
        if self.incarceration_date and day < self.incarceration_date:
            raise ValidationError(
                _("A transfer cannot be before the incarceration date.")
            )
        previous = (self.prison_id, self.prison_number)
        self.write({"prison_id": prison_id, "prison_number": prison_number or False})
        self.env["siao.detainee.transfer"].sudo().create(
            {
                "stay_id": self.sudo().current_stay_id.id,
                "transfer_date": day,
                "from_prison_id": previous[0].id,
                "from_prison_number": previous[1],
                "to_prison_id": self.prison_id.id,
                "to_prison_number": self.prison_number,
            }
        )
        return True

    def action_close_file(self, reason, note=None):
        """Close the follow-up with its reason."""
        if reason not in dict(CLOSING_REASONS):
            raise UserError(_("Give the reason of the closing."))
        self.check_access("write")
        today = fields.Date.context_today(self)
        self.sudo()._end_follow_up(
            today,
            free_from=today + timedelta(days=1),
            reason=_("Follow-up closed"),
            measure_reason=FILE_TO_MEASURE_CLOSING.get(reason, "other"),
        )
        self.with_context(**{STATE_CHANGE_CONTEXT: STATE_CHANGE_TOKEN}).write(
            {"state": "closed", "closing_reason": reason}
        )
        for person in self:
            person.message_post(
                body=note or _("Follow-up closed."),
            )
        return True

    def _end_follow_up(self, day, free_from, reason, measure_reason):
        """What was open for these persons ends on ``day`` (a new stay in prison,
        the follow-up closed): active AVDL measures close with ``measure_reason``,
        waiting ones are cancelled, open requests are cancelled with ``reason``,
        what was held on a place is free from ``free_from``, the deadline alerts
        are archived and their activities closed."""
        persons = self.sudo()
        measures = persons.avdl_measure_ids
        for measure in measures.filtered(lambda m: m.state == "active"):
            measure.action_close(
                closing_date=max(day, measure.housing_entry_date or day),
                closing_reason=measure_reason,
            )
        measures.filtered(
            lambda m: m.state in CANCELLABLE_MEASURE_STATES
        ).action_cancel()
        persons.reservation_ids._end_before(free_from)
        persons.request_ids.filtered(lambda r: r.state in OPEN_STATES).action_cancel(
            reason=reason
        )
        persons.alert_ids.write({"active": False})
        persons.invalidate_recordset(["alert_ids"])
        self.env["siao.deadline.alert"]._close_release_activities(
            persons, feedback=reason
        )

    # ---- Deadlines moved ----
    def _schedule_overdue_lsc(self):
        """An LSC de plein droit date already past, or within the notice, is
        alerted at once (short sentences), not on the next night."""
        limit = fields.Date.today() + relativedelta(months=1)
        due = self.filtered(
            lambda p: p.state == "detained"
            and p.lsc_automatic_date
            and p.lsc_automatic_date <= limit
        )
        if due:
            self.env["siao.deadline.alert"]._schedule(due)

    def _release_brought_forward(self, previous_dates):
        """The release date came earlier by more than a week: the referent is told
        and every deadline is checked again."""
        for person in self:
            person.sudo().message_post(
                body=_(
                    "The expected release date was brought forward from %(before)s "
                    "to %(after)s: the deadlines are checked again.",
                    before=previous_dates[person.id].strftime("%d/%m/%Y"),
                    after=person.expected_release_date.strftime("%d/%m/%Y"),
                ),
                partner_ids=person.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        self.env["siao.deadline.alert"]._reschedule(self)

    def _add_default_checklist(self):
        lines = [
            {"detainee_id": person.id, "right_type": right_type, "sequence": index}
            for person in self.sudo().filtered(lambda p: not p.resource_right_ids)
            for index, right_type in enumerate(DEFAULT_CHECKLIST)
        ]
        self.env["siao.resource.right"].sudo().create(lines)

    # ---- What belongs to a person ----
    @api.model
    @tools.ormcache()
    def _siao_belonging_fields(self):
        """The records that belong to a person, found from the registry: each
        (model, field) where ``field`` is a required many2one to a person, or to a
        record that belongs to one; a parent comes before its children."""
        found, owners, grew = [], {self._name}, True
        while grew:
            grew = False
            for name in sorted(self.env.registry):
                model = self.env[name]
                if model._abstract or not model._auto or name == self._name:
                    continue
                for fname, field in model._fields.items():
                    if (
                        field.type == "many2one"
                        and field.required
                        and field.store
                        and field.comodel_name in owners
                        and (name, fname) not in found
                    ):
                        found.append((name, fname))
                        if name not in owners:
                            owners.add(name)
                            grew = True
        return tuple(found)

    def _siao_owned_records(self):
        """{model: records} of everything that belongs to these persons (archived
        records included), read as superuser."""
        owned = {self._name: self.sudo().with_context(active_test=False)}
        for model, fname in self._siao_belonging_fields():
            parent = self.env[model]._fields[fname].comodel_name
            records = (
                self.env[model]
                .sudo()
                .with_context(active_test=False)
                .search([(fname, "in", owned[parent].ids)])
                if owned.get(parent)
                else self.env[model].browse()
            )
            owned[model] = owned.get(model, self.env[model].browse()) | records
        del owned[self._name]
        return owned

    def _check_records_in_company(self):
        """A file's own records stay in its company: a file whose requests,
        measures, places or commission cases are elsewhere cannot move."""
        for model, fname in self._siao_belonging_fields():
            Model = self.env[model]
            if (
                Model._transient
                or Model._fields[fname].comodel_name != self._name
                or "company_id" not in Model._fields
            ):
                continue
            Model.flush_model()
            for person in self.sudo():
                if (
                    Model.sudo()
                    .with_context(active_test=False)
                    .search_count(
                        [
                            (fname, "=", person.id),
                            ("company_id", "!=", person.company_id.id),
                        ],
                        limit=1,
                    )
                ):
                    raise ValidationError(
                        _(
                            "This file has records in its company (SIAO requests, "
                            "AVDL measures, places, commission cases): it cannot "
                            "move to another company."
                        )
                    )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_without_history(self):
        history = [
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_count([(fname, "in", self.ids)], limit=1)
            for model, fname in self._siao_belonging_fields()
            if self.env[model]._fields[fname].comodel_name == self._name
            and self.env[model]._fields[fname].ondelete == "restrict"
        ]
        if any(history):
            raise UserError(
                _(
                    "This person has a history (SIAO requests...): archive the file "
                    "instead of deleting it."
                )
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

    def action_open_release_wizard(self):
        self.ensure_one()
        return self._siao_wizard("siao.release.wizard", detainee_id=self.id)

    def action_open_new_stay_wizard(self):
        self.ensure_one()
        return self._siao_wizard(
            "siao.stay.wizard",
            detainee_id=self.id,
            kind="new_stay",
            prison_id=self.prison_id.id,
        )

    def action_open_close_wizard(self):
        self.ensure_one()
        return self._siao_wizard("siao.stay.wizard", detainee_id=self.id, kind="close")

    def action_open_transfer_wizard(self):
        self.ensure_one()
        return self._siao_wizard(
            "siao.stay.wizard", detainee_id=self.id, kind="transfer"
        )

    @api.model
    def _default_release_request_action(self, outcome):
        """What becomes of the open SIAO request at a release, unless the worker
        says: kept and updated when the person left without a solution."""
        return "update" if outcome in NO_SOLUTION_OUTCOMES else "keep"

    def action_record_release(
        self, release_date=None, outcome=None, reason=None, request_action=None
    ):
        """Record the day of release and where the person went; the open SIAO
        request is updated, cancelled or kept (``request_action``)."""
        if not release_date or not outcome:
            raise UserError(_("Give the release date and where the person went."))
        if outcome not in dict(RELEASE_OUTCOMES):
            raise UserError(_("Unknown release outcome."))
        request_action = request_action or self._default_release_request_action(outcome)
        if request_action not in dict(RELEASE_REQUEST_ACTIONS):
            raise UserError(_("Unknown choice for the SIAO request."))
        if outcome == "dry_exit" and reason not in dict(DRY_EXIT_REASONS):
            raise UserError(_("A dry exit needs its reason."))
        not_detained = self.filtered(lambda p: p.state != "detained")
        if not_detained:
            raise UserError(
                _(
                    "%(names)s is not detained any more.",
                    names=", ".join(not_detained.mapped("name")),
                )
            )
        self.with_context(**{STATE_CHANGE_CONTEXT: STATE_CHANGE_TOKEN}).write(
            {
                "state": "released",
                "actual_release_date": release_date,
                "release_outcome": outcome,
                "dry_exit_reason": reason if outcome == "dry_exit" else False,
            }
        )
        self.env["siao.deadline.alert"]._close_release_activities(self)
        self._release_open_requests(release_date, request_action)
        return True

    def _release_open_requests(self, release_date, request_action):
        """After a release: the open requests of the stay that ended are updated
        (back to "to update", with an activity for their worker to give the SIAO
        the new situation), cancelled, or kept as they are."""
        if request_action == "keep":
            return
        requests = self.request_ids.filtered(
            lambda r: r.active and r.state in OPEN_STATES
        )
        day = fields.Date.to_date(release_date).strftime("%d/%m/%Y")
        if request_action == "cancel":
            requests.action_cancel(
                reason=_("Released on %(date)s: no longer needed.", date=day)
            )
            return
        requests.filtered(
            lambda r: r.state in TRANSITIONS["to_update"][0]
        ).action_mark_to_update()
        outcome = self[:1].release_outcome
        for request in requests.sudo().filtered(lambda r: r.state != "draft"):
            env = request.with_context(
                lang=(request.user_id or request.detainee_id.user_id).lang
            ).env
            request.activity_schedule(
                act_type_xmlid="mail.mail_activity_data_todo",
                summary=env._(
                    "Released on %(date)s without a solution: give the SIAO the "
                    "person's new situation",
                    date=day,
                )
                if outcome in NO_SOLUTION_OUTCOMES
                else env._(
                    "Released on %(date)s: give the SIAO the person's new situation",
                    date=day,
                ),
                user_id=(
                    request.user_id or request.detainee_id.user_id or self.env.user
                ).id,
            )

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
        """Daily: the horizon depends on today's date; recompute it in one SQL pass.
        ``today`` (a date) is for tests and the benchmark."""
        today = today or fields.Date.today()
        case = SQL("CASE WHEN state != 'detained' THEN 'past' ")
        case = SQL(
            "%s WHEN legal_status = 'remand' OR estimated_release_date IS NULL "
            "THEN 'unknown' ",
            case,
        )
        for horizon, last_day in release_horizon_limits(today):
            case = SQL(
                "%s WHEN estimated_release_date <= %s THEN %s ", case, last_day, horizon
            )
        case = SQL("%s ELSE 'later' END", case)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE siao_detainee SET release_horizon = %(case)s "
                "WHERE release_horizon IS DISTINCT FROM %(case)s RETURNING id",
                case=case,
            )
        )
        changed = [row[0] for row in self.env.cr.fetchall()]
        if changed:
            self.env.cr.execute(
                SQL(
                    "UPDATE siao_request r SET release_horizon = d.release_horizon "
                    "FROM siao_detainee d "
                    "WHERE d.id = r.detainee_id AND d.id = ANY(%s)",
                    changed,
                )
            )
        self.invalidate_model(["release_horizon"])
        self.env["siao.request"].invalidate_model(["release_horizon"])
        return changed
