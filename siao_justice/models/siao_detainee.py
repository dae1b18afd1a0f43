import re
import unicodedata
import uuid
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from stdnum.fr import nir as stdnum_nir

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .res_company import company_today, flag_domain
from .siao_avdl_measure import CANCELLABLE_MEASURE_STATES
from .siao_consent import MARK, RECORDED
from .siao_request import ANSWERING_STATES, REQUEST_STATES, TRANSITIONS
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
SOLUTION_OUTCOMES = tuple(
    code for code, _label in RELEASE_OUTCOMES if code not in NO_SOLUTION_OUTCOMES
)
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
# The board's filter of LSC de plein droit dates coming soon.
LSC_SOON_MONTHS = 2


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


# The near horizons and the months each one reaches.
HORIZON_MONTHS = {"m1": 1, "m3": 3, "m6": 6}


def _within_months(months):
    return lambda today: [
        ("estimated_release_date", "<=", today + relativedelta(months=months))
    ]


# The one definition of the release horizon: ordered (horizon, domain on a day)
# pairs, the first domain a file matches gives its horizon (``later`` when none
# does). The compute reads them on records, the nightly pass in SQL, each on the
# file's company's today (``SiaoDetainee._release_horizon_domains``).
RELEASE_HORIZON_RULES = [
    ("past", lambda today: [("state", "!=", "detained")]),
    (
        "unknown",
        lambda today: [
            "|",
            ("legal_status", "=", "remand"),
            ("estimated_release_date", "=", False),
        ],
    ),
    ("past", lambda today: [("estimated_release_date", "<", today)]),
    *((horizon, _within_months(n)) for horizon, n in HORIZON_MONTHS.items()),
]


def solution_requests_sql(person, stay, day, planned=True):
    """The requests that are a housing solution (``housing_solution_sql``), as a
    SELECT of their ids: of the person and stay, admitted; for a day being planned,
    also proposed with a structure or place; for a day past, admitted by then."""
    in_hand = (
        SQL(
            """r.state = 'admitted'
               OR (r.state = 'proposed'
                   AND (r.structure_id IS NOT NULL OR r.place_id IS NOT NULL))"""
        )
        if planned
        else SQL("r.state = 'admitted' AND r.admission_date <= %s", day)
    )
    return SQL(
        """SELECT r.id FROM siao_request r
            WHERE r.detainee_id = %(person)s
              AND r.stay_id IS NOT DISTINCT FROM %(stay)s
              AND r.active
              AND (%(in_hand)s)""",
        person=person,
        stay=stay,
        in_hand=in_hand,
    )


def solution_reservations_sql(person, day):
    """The places held that are a housing solution (``housing_solution_sql``), as
    a SELECT of their ids: a confirmed reservation or occupation covering the day."""
    return SQL(
        """SELECT h.id FROM siao_housing_reservation h
            WHERE h.detainee_id = %(person)s
              AND h.state = 'confirmed'
              AND h.kind IN ('reservation', 'occupation')
              AND h.date_from <= %(day)s
              AND (h.date_to IS NULL OR h.date_to >= %(day)s)""",
        person=person,
        day=day,
    )


def housing_solution_sql(person, stay, day, outcome=None, planned=True):
    """The one definition of a housing solution, in SQL: true when the person
    ``person`` (an SQL expression of a siao_detainee id), for the stay ``stay``
    (of a siao_detainee_stay id, NULL for a person followed outside prison), has
    for ``day`` (an SQL date, NULL when unknown) a confirmed reservation or
    occupation covering that day, or a request of that stay admitted; or, once
    released, when the release ``outcome`` (an SQL expression, if given) was one.
    For a day being planned (``planned``, the release to prepare), the solution in
    hand counts: an admission, or a structure or place proposed. For a day past (a
    figure), only the facts of that day: an admission recorded by then. The
    records that make the solution are those of ``solution_requests_sql`` and
    ``solution_reservations_sql``."""
    return SQL(
        """(%(outcome)s
            OR EXISTS (%(requests)s)
            OR EXISTS (%(reservations)s))""",
        requests=solution_requests_sql(person, stay, day, planned),
        reservations=solution_reservations_sql(person, day),
        outcome=SQL("COALESCE(%s IN %s, FALSE)", outcome, SOLUTION_OUTCOMES)
        if outcome is not None
        else SQL("FALSE"),
    )


# Values of the merged files that are never copied into the file kept.
# What a file merged as another stay of the person does not bring: its stay
# (siao_detainee.STAY_FIELDS, added on the model), its release and the consent given
# then (asked again for each stay).
PER_STAY_FIELDS = {
    "consent_date",
    "consent_scope",
    "closing_reason",
    "supervision_type",
    "supervision_end_date",
    "current_stay_id",
}
MERGE_KEEP_FIELDS = {
    "id",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
    "active",
    "company_id",
    "pseudonym",
    "state",
    "anonymised",
    "retention_postponed_until",
    "retention_postpone_reason",
    "last_contact_date",
    "merged_into_id",
}


def normalise_text(text):
    """Lower case, without accents, punctuation or double spaces: “Élodie-Marie”
    and “elodie marie” are the same."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


# The records of a merged file that the merge moves by its own rules (a stay shared
# with this file stays, one case per commission, one alert per reason, one line per
# right); every other record pointing at the file simply comes along.
MERGED_APART = frozenset(
    (
        "siao.detainee.stay",
        "siao.commission.line",
        "siao.deadline.alert",
        "siao.resource.right",
        "siao.spip.exchange",
    )
)


def identity_text(text):
    """A name as the lists write it and as the file does: accents, case, spaces
    and punctuation aside (“N'DIAYE” is “Ndiaye”)."""
    return normalise_text(text).replace(" ", "")


def fields_date(value):
    """A date cell as load() receives it (already in the server's format)."""
    return fields.Date.to_date((value or "").strip() or None)


def import_row_keys(row, cols):
    """(prison key, identity) of an imported row, as the import matches a row to a
    file: (prison id, prison number) and (last name, first name, birth date) as
    ``identity_text`` writes them; None for a key the row does not give. ``cols``:
    {column name: index} of the columns present (the prisons already resolved)."""

    def cell(name):
        return (row[cols[name]] or "").strip() if name in cols else ""

    prison, number = cell(PRISON_ID_COLUMN), cell(NUMBER_COLUMN)
    prison_key = (int(prison), number) if prison.isdigit() and number else None
    try:
        birthdate = fields_date(cell("birthdate"))
    except ValueError:
        birthdate = None
    last = identity_text(cell("last_name"))
    identity = (
        (last, identity_text(cell("first_name")), birthdate)
        if birthdate and last
        else None
    )
    return prison_key, identity


def import_row_error(index, message, field, **extra):
    """An error of load() on the row ``index`` of the list, in the import's shape."""
    return {
        "type": "error",
        "message": message,
        "record": index,
        "rows": {"from": index, "to": index},
        "field": field,
        **extra,
    }


PRISON_COLUMN = "prison_id"
PRISON_ID_COLUMN = "prison_id/.id"
REFERENT_COLUMN = "spip_referent_id"
NUMBER_COLUMN = "prison_number"
IDENTITY_COLUMNS = ("last_name", "first_name", "birthdate")
IMPORT_KEY_COLUMNS = (PRISON_ID_COLUMN, NUMBER_COLUMN, *IDENTITY_COLUMNS)
# What a transfer or a new stay sets itself, from the row.
MOVE_FIELDS = ("prison_id", "prison_number", "incarceration_date", "legal_status")


FREE_TEXT_TYPES = ("char", "text", "html")
# The person's own fields that anonymisation sets to something else than empty.
KEPT_ON_PERSON = {"last_name", "pseudonym"}


def free_text_fields(model):
    """The free text a model stores (any char, text or html field its users or its
    rules write), but the references it declares (``_siao_references``)."""
    kept = set(getattr(model, "_siao_references", ()))
    return [
        field
        for name, field in model._fields.items()
        if field.type in FREE_TEXT_TYPES
        and field.store
        and not field.compute
        and not field.related
        and name not in kept
        and name not in models.MAGIC_COLUMNS
    ]


def erase_free_text(records):
    """Empty the free text of ``records`` (a required one keeps a dash)."""
    texts = free_text_fields(records)
    if not records or not texts:
        return
    records.flush_recordset([field.name for field in texts])
    records.env.cr.execute(
        SQL(
            "UPDATE %s SET %s WHERE id = ANY(%s)",
            SQL.identifier(records._table),
            SQL(", ").join(
                SQL(
                    "%s = %s",
                    SQL.identifier(field.name),
                    "-" if field.required else None,
                )
                for field in texts
            ),
            records.ids,
        )
    )
    records.invalidate_recordset([field.name for field in texts])


def erase_thread(records):
    """Erase the messages (and the e-mails still queued from them), tracked values,
    activities and attachments of ``records``."""
    if not records:
        return
    env = records.env(su=True)
    domain = [("res_model", "=", records._name), ("res_id", "in", records.ids)]
    env["mail.activity"].search(domain).unlink()
    env["ir.attachment"].search(domain).unlink()
    messages = env["mail.message"].search(
        [("model", "=", records._name), ("res_id", "in", records.ids)]
    )
    env["mail.mail"].search([("mail_message_id", "in", messages.ids)]).unlink()
    messages.tracking_value_ids.unlink()
    messages.attachment_ids.unlink()
    env.flush_all()
    env.cr.execute(
        SQL(
            "UPDATE mail_message SET body = '', subject = NULL, "
            "record_name = NULL WHERE id = ANY(%s)",
            messages.ids,
        )
    )
    messages.invalidate_recordset(["body", "subject", "record_name"])


def erase_files(records):
    """Delete every file of ``records``: their attachments and the files of their
    binary fields (a signed consent form...)."""
    if records:
        records.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                "|",
                ("res_field", "=", False),
                ("res_field", "!=", False),
            ]
        ).unlink()


# The largest release list a SPIP officer uploads on the portal (a list of a
# département's releases is a few hundred rows, some tens of kilobytes).
class SiaoDetainee(models.Model):
    _name = "siao.detainee"
    _description = "Person in prison"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "siao.input.validation",
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
        "res.partner", string="SPIP referent", check_company=True
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
    release_within_months = fields.Integer(
        string="Release within (months)",
        compute="_compute_release_within_months",
        search="_search_release_within_months",
        help="The months the release horizon reaches (1, 3 or 6), 0 when the "
        "release is further, passed or unknown.",
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

    def _siao_housing_solution(self):
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
        if "company_id" in vals and not self.env.context.get("siao_company_move"):
            self._check_records_in_company()
        if vals.get("confidential") or {"consent_date", "consent_scope"} & set(vals):
            # The minutes now show it without name, or as a case number.
            self._render_minutes_again()
        if vals.get("confidential"):
            self._siao_hide_name_in_messages()
        if "state" in vals:
            self._touch_last_contact()  # a release, a new stay: a contact
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
        for company, persons in self.grouped("company_id").items():
            today = company.siao_today()
            persons.sudo()._end_follow_up(
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
        persons.request_ids.filtered("is_open").action_cancel(reason=reason)
        persons.alert_ids.write({"active": False})
        persons.invalidate_recordset(["alert_ids"])
        self.env["siao.deadline.alert"]._close_release_activities(
            persons, feedback=reason
        )

    # ---- Deadlines moved ----
    def _schedule_overdue_lsc(self):
        """An LSC de plein droit date already past, or within the notice, is
        alerted at once (short sentences), not on the next night."""
        due = self.filtered(
            lambda p: p.state == "detained"
            and p.lsc_automatic_date
            and p.lsc_automatic_date
            <= p.company_id.siao_today() + relativedelta(months=1)
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
        (model, field) where ``field`` is a many2one the model stores to a person
        (any such field), or a required one to a record that belongs to a person;
        a parent comes before its children."""
        found, owners, grew = [], {self._name}, True
        while grew:
            grew = False
            for name in sorted(self.env.registry):
                model = self.env[name]
                if (
                    model._abstract
                    or not model._auto
                    or name == self._name
                    or getattr(model, "_siao_apart", False)
                ):
                    continue
                not_owning = getattr(model, "_siao_not_owning", ())
                for fname, field in model._fields.items():
                    if (
                        fname not in not_owning
                        and field.type == "many2one"
                        and field.store
                        and not field.compute
                        and not field.related
                        and field.comodel_name in owners
                        and (field.required or field.comodel_name == self._name)
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

    def action_move_to_company(self, company_id):
        """A coordinator's transfer of files to another company they work in: each
        file goes with every record of its own (stays, requests, measures, rights,
        alerts...), as the superuser, the coordinator its referent unless its
        referent works there too; refused while a record of it belongs to its
        company (a commission's case, a booking of one of its places)."""
        company = self.env["res.company"].browse(company_id).exists()
        user = self.env.user
        if not user.has_group("siao_justice.group_siao_manager"):
            raise AccessError(_("Only a coordinator moves a file to another company."))
        if not company or not (company | self.company_id) <= user.company_ids:
            raise AccessError(
                _("A file moves only between companies you both work in.")
            )
        self.check_access("write")
        self._siao_check_frozen([{}], creating=False)
        persons = self.sudo().with_context(active_test=False, siao_company_move=True)
        owned = persons._siao_owned_records()
        # A referent who does not work there hands the file to the coordinator.
        persons.filtered(lambda p: company not in p.user_id.company_ids).write(
            {"user_id": user.id}
        )
        persons.write({"company_id": company.id})
        for records in owned.values():
            field = records._fields.get("company_id")
            if records and field and field.store and not field.related:
                records.write({"company_id": company.id})
        persons._check_records_in_company()  # nothing of theirs stays behind
        for person in persons:
            person.message_post(
                body=_("File moved to %(company)s.", company=company.name),
                message_type="notification",
            )
        return True

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

    @api.model
    def _request_due_domain(self, day=None):
        """The files for which a SIAO request is due on ``day`` (each company's
        today by default): convicted, in prison, released within their company's
        lead time, and no request under way. The one rule of the deadline alerts
        and of the office hours' list."""
        within_lead = self.env["res.company"]._siao_per_company_domain(
            lambda company, day: [
                (
                    "estimated_release_date",
                    "<=",
                    day + relativedelta(months=company.siao_request_lead_months),
                )
            ],
            day,
        )
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
        """The messages exchanged with the SPIP's officers on the portal."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "siao_justice.siao_spip_exchange_action"
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
        requests = self.request_ids.filtered(lambda r: r.active and r.is_open)
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

    # ==== Duplicate ====
    # Duplicate files: the warning shown while a file is typed, the database guarantee
    # on prison numbers, and the coordinators' merge of two files or more into one.

    duplicate_ids = fields.Many2many(
        "siao.detainee",
        relation="siao_detainee_duplicate_rel",
        column1="detainee_id",
        column2="duplicate_id",
        string="Possible duplicates",
        compute="_compute_duplicate_ids",
        help="Other files of the company with the same name and birth date, or the "
        "same prison number in the same prison.",
    )

    # ---- Duplicates ----
    def _identity_key(self):
        if not (self.birthdate and normalise_text(self.last_name)):
            return None
        return (
            normalise_text(self.last_name),
            normalise_text(self.first_name),
            self.birthdate,
        )

    def _prison_key(self):
        number = (self.prison_number or "").strip()
        return (self.prison_id.id, number) if self.prison_id and number else None

    @api.depends(
        "last_name",
        "first_name",
        "birthdate",
        "prison_id",
        "prison_number",
        "company_id",
    )
    def _compute_duplicate_ids(self):
        identities = {p._identity_key() for p in self} - {None}
        prison_keys = {p._prison_key() for p in self} - {None}
        domains = []
        if identities:
            domains.append([("birthdate", "in", [key[2] for key in identities])])
        if prison_keys:
            domains.append(
                [
                    ("prison_id", "in", [key[0] for key in prison_keys]),
                    ("prison_number", "in", [key[1] for key in prison_keys]),
                ]
            )
        candidates = (
            self.search(
                expression.AND(
                    [
                        [("company_id", "in", self.company_id.ids)],
                        expression.OR(domains),
                    ]
                )
            )
            if domains
            else self.browse()
        )
        for person in self:
            identity, prison_key = person._identity_key(), person._prison_key()
            person.duplicate_ids = candidates.filtered(
                lambda other,
                person=person,
                identity=identity,
                prison_key=prison_key: other != person._origin
                and other.company_id == person.company_id
                and (
                    (identity and other._identity_key() == identity)
                    or (prison_key and other._prison_key() == prison_key)
                )
            )

    # ---- Merge ----
    def action_open_merge_wizard(self):
        return self._siao_wizard(
            "siao.detainee.merge",
            detainee_ids=[fields.Command.set((self | self.duplicate_ids).ids)],
            target_id=(self | self.duplicate_ids).sorted("id")[:1].id,
        )

    def _siao_merge(self, sources):
        """Merge ``sources`` into this file: their requests, measures, places,
        checklist, alerts, commission cases, messages, files, activities and
        followers come here, empty fields are filled from them, and they are
        archived. Coordinators only."""
        self.ensure_one()
        target = self
        if not self.env.user.has_group("siao_justice.group_siao_manager"):
            raise AccessError(_("Only coordinators can merge files."))
        sources = sources - target
        if not sources:
            raise UserError(_("Choose at least two files to merge."))
        files = target | sources
        files.check_access("write")
        # Two coordinators merging the same files at once: the second one waits.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM siao_detainee WHERE id = ANY(%s) FOR UPDATE",
                files.ids,
            )
        )
        if len(files.company_id) > 1:
            raise UserError(_("Files of different companies cannot be merged."))
        if not all(files.mapped("active")) or any(files.mapped("anonymised")):
            raise UserError(
                _("Archived or anonymised files cannot be merged: restore them first.")
            )
        # One open request, one open measure per person: PostgreSQL refuses a merge
        # that would give the file kept two (the whole merge is then undone).
        values = target._siao_merge_values(sources)
        target._siao_merge_history(sources)
        # The rules' own fields (the link to the file kept, the last contact) are
        # written as superuser: the caller's right to change the files was checked.
        sources.sudo().with_context(siao_file_notice=True).write(
            {"active": False, "merged_into_id": target.id}
        )
        sources.flush_recordset(["active"])  # frees their prison numbers first
        target.sudo().write(values)
        for source in sources.with_context(siao_file_notice=True):
            source.message_post(
                body=_(
                    "File merged into %(target)s by %(user)s and archived: its history "
                    "continues there.",
                    target=target.name,
                    user=self.env.user.name,
                )
            )
        target.with_context(siao_file_notice=True).message_post(
            body=_(
                "Files merged into this one by %(user)s: %(files)s (archived).",
                user=self.env.user.name,
                files=", ".join(f"{source.name} (#{source.id})" for source in sources),
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": target.id,
            "view_mode": "form",
            "target": "current",
        }

    def _siao_past_stay_sources(self, sources):
        """The sources whose stay ended before this file's began: another stay of
        the same person, kept as a past stay, not as this stay's values."""
        start = self.incarceration_date
        return sources.filtered(
            lambda s: start
            and s.actual_release_date
            and s.actual_release_date <= start
            and s.incarceration_date != start
        )

    def _siao_merge_values(self, sources):
        """The values of the sources for the fields left empty here (a source that
        is another stay brings none of its stay, release or consent)."""
        values = {}
        past = self._siao_past_stay_sources(sources)
        for name, field in self._fields.items():
            if name in PER_STAY_FIELDS or name in self._siao_stay_fields:
                candidates = sources - past
            else:
                candidates = sources
            if (
                name in MERGE_KEEP_FIELDS
                or not field.store
                or field.compute
                or field.related
                or field.type in ("one2many", "many2many", "binary")
                or name.startswith(("message_", "activity_"))
                or self[name]
            ):
                continue
            source = next((s for s in candidates if s[name]), None)
            if source:
                values[name] = field.convert_to_write(source[name], source)
        contacts = [d for d in (self | sources).mapped("last_contact_date") if d]
        if contacts and max(contacts) != self.last_contact_date:
            values["last_contact_date"] = max(contacts)
        return values

    def _siao_merge_history(self, sources):
        target = self
        past = target._siao_past_stay_sources(sources)
        # The requests of a source that is another stay keep their stay.
        past_requests = {
            request: request.stay_id
            for request in self.env["siao.request"]
            .sudo()
            .with_context(active_test=False)
            .search([("detainee_id", "in", past.ids)])
        }
        for source in sources.sudo():
            # The stays of a source come here, but the one it shares with this file.
            stays = source.stay_ids
            if source not in past:
                stays -= source.current_stay_id
            stays.write({"detainee_id": target.id})
        self.env["siao.deadline.alert"].sudo().search(
            [("detainee_id", "in", past.ids)]
        ).write({"active": False})
        # Everything else that points at a merged file comes here, found from the
        # registry: a model added later cannot be left behind.
        for model, fname in self._siao_belonging_fields():
            Model = self.env[model]
            if (
                model in MERGED_APART
                or Model._transient
                or Model._fields[fname].comodel_name != self._name
            ):
                continue
            Model.sudo().with_context(active_test=False).search(
                [(fname, "in", sources.ids)]
            ).write({fname: target.id})
        for request, stay in past_requests.items():
            request.stay_id = stay
        lines = (
            self.env["siao.commission.line"]
            .sudo()
            .search([("detainee_id", "in", sources.ids)])
        )
        on_agenda = (
            target.sudo()
            .env["siao.commission.line"]
            .search([("detainee_id", "=", target.id)])
        )
        movable = lines.filtered(lambda c: c.meeting_id not in on_agenda.meeting_id)
        movable.with_context(siao_merge=True).write({"detainee_id": target.id})
        alerts = self.env["siao.deadline.alert"].sudo()
        alerts.search(
            [
                ("detainee_id", "in", sources.ids),
                ("reason", "not in", target.sudo().alert_ids.mapped("reason")),
            ]
        ).write({"detainee_id": target.id})
        self._siao_merge_checklist(sources)
        self._siao_merge_exchanges(sources)
        thread = [("res_id", "in", sources.ids)]
        self.env["mail.message"].sudo().search(
            [("model", "=", self._name), *thread]
        ).write({"res_id": target.id})
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), *thread]
        ).write({"res_id": target.id})
        self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), *thread]
        ).write({"res_id": target.id})
        partners = sources.message_partner_ids
        target.message_subscribe(partner_ids=partners.ids)
        sources.message_unsubscribe(partner_ids=partners.ids)

    def _siao_merge_exchanges(self, sources):
        """One exchange per officer: the messages of a merged file's exchange join
        the officer's exchange here (the emptied one is archived), or the exchange
        comes along."""
        Exchange = self.env["siao.spip.exchange"].sudo()
        here = {
            exchange.partner_id: exchange
            for exchange in Exchange.search([("detainee_id", "=", self.id)])
        }
        for exchange in Exchange.search([("detainee_id", "in", sources.ids)]):
            kept = here.get(exchange.partner_id)
            if not kept:
                exchange.detainee_id = self
                here[exchange.partner_id] = exchange
                continue
            for model in ("mail.message", "ir.attachment"):
                field = "model" if model == "mail.message" else "res_model"
                self.env[model].sudo().search(
                    [(field, "=", Exchange._name), ("res_id", "=", exchange.id)]
                ).write({"res_id": kept.id})
            exchange.active = False

    def _siao_merge_checklist(self, sources):
        """One line per right: a line more advanced on a merged file replaces a
        line still to do here; rights missing here come with their line."""
        target = self
        Right = self.env["siao.resource.right"].sudo()
        here = {
            right.right_type: right
            for right in target.sudo().resource_right_ids
            if right.right_type != "other"
        }
        for right in Right.search([("detainee_id", "in", sources.ids)]):
            mine = here.get(right.right_type)
            if not mine:
                right.detainee_id = target
                if right.right_type != "other":
                    here[right.right_type] = right
            elif mine.status == "todo" and right.status != "todo":
                mine.write(
                    {
                        "status": right.status,
                        "prepared_date": right.prepared_date,
                        "expected_reopening_date": right.expected_reopening_date,
                        "note": mine.note or right.note,
                    }
                )

    # ==== Import ====
    # Import of the SPIP's list of upcoming releases with Odoo's standard import.
    #
    # A prison is matched by its name among the prisons (accents and case aside),
    # never created from a name alone; a row without an ID whose prison and prison
    # number are those of an active person of the company updates that person instead
    # of creating a second file, and its empty cells leave the person's values as they
    # are. A row whose prison number is new but whose person is known (same last name,
    # first name and birth date, accents and case aside) is that person's transfer, or
    # new stay if they had been released.

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("SPIP list of upcoming releases"),
                "template": "/siao_justice/static/import/liste_spip_exemple.csv",
            }
        ]

    @api.model
    def load(self, fields, data):
        self.browse().check_access("create")  # nothing is said to who may not import
        fields = list(fields)
        data = [list(row) for row in data]
        errors = []
        if PRISON_COLUMN in fields:
            errors += self._siao_import_resolve_prisons(fields, data)
        if REFERENT_COLUMN in fields:
            errors += self._siao_import_resolve_referents(fields, data)
        if errors:
            return {"ids": False, "messages": errors, "nextrow": 0}
        return self._siao_import_rows(fields, data)

    @api.model
    def _siao_import_rows(self, fields, data):
        """The import of rows whose prisons are resolved: known persons matched,
        then Odoo's own load."""
        updated_ids, errors = self._siao_import_match_persons(fields, data)
        if errors:
            return {"ids": False, "messages": errors, "nextrow": 0}
        moves, errors = self._siao_import_match_identities(fields, data, updated_ids)
        if errors:
            return {"ids": False, "messages": errors, "nextrow": 0}
        detained = self.browse(list(moves)).filtered(lambda p: p.state == "detained")
        if not data:
            return {"ids": [], "messages": [], "nextrow": 0}
        result = super(
            SiaoDetainee,
            self.with_context(
                siao_import_update_ids=tuple(updated_ids) + tuple(moves),
                siao_import_move_ids=tuple(moves),
            ),
        ).load(fields, data)
        if result.get("ids"):
            # Imported files get their deadline activities now, not tonight.
            self.env["siao.deadline.alert"]._schedule(self.browse(result["ids"]))
        if result.get("ids") and moves:
            result["messages"] = result.get("messages", []) + self._siao_moves_report(
                moves, set(detained.ids)
            )
        return result

    @api.model
    def _siao_import_resolve_prisons(self, fields, data):
        """Replace the prison names of the file by the prisons' ids, in place; return
        one error message per row whose prison is unknown or ambiguous."""
        return self._siao_import_resolve_partners(
            fields,
            data,
            PRISON_COLUMN,
            [("siao_partner_type", "=", "prison")],
            unknown=_(
                "The prison “%(name)s” is unknown: correct its name or create it "
                "first (a contact of type Prison), then import again. Nothing "
                "was imported."
            ),
            ambiguous=_(
                "Several prisons are named “%(name)s”: give them distinct names "
                "or references first."
            ),
        )

    @api.model
    def _siao_import_resolve_referents(self, fields, data):
        """The same for the CPIP référent column: a contact of a SPIP, by name."""
        return self._siao_import_resolve_partners(
            fields,
            data,
            REFERENT_COLUMN,
            [
                "|",
                ("siao_partner_type", "=", "spip"),
                ("commercial_partner_id.siao_partner_type", "=", "spip"),
            ],
            unknown=_(
                "The CPIP “%(name)s” is unknown: create them first as a contact of "
                "their SPIP, then import again. Nothing was imported."
            ),
            ambiguous=_(
                "Several SPIP contacts are named “%(name)s”: give them distinct "
                "names or references first."
            ),
        )

    @api.model
    def _siao_import_resolve_partners(
        self, fields, data, column_name, domain, unknown, ambiguous
    ):
        """Replace the names of ``column_name`` by the ids of the contacts of
        ``domain`` named so (or of that reference), accents and case aside, in
        place; never create one from a name alone. Return an error per row whose
        contact is unknown or ambiguous."""
        column = fields.index(column_name)
        partners = {}
        for partner in self.env["res.partner"].search(domain):
            for key in {normalise_text(partner.name), normalise_text(partner.ref)}:
                if key:
                    partners.setdefault(key, set()).add(partner.id)
        errors = []
        for index, row in enumerate(data):
            name = (row[column] or "").strip()
            if not name:
                continue
            found = partners.get(normalise_text(name), set())
            if len(found) == 1:
                row[column] = str(next(iter(found)))
                continue
            errors.append(
                {
                    "type": "error",
                    "message": (ambiguous if found else unknown) % {"name": name},
                    "record": index,
                    "rows": {"from": index, "to": index},
                    "field": column_name,
                    "value": name,
                }
            )
        fields[column] = f"{column_name}/.id"
        return errors

    @api.model
    def _siao_import_match_persons(self, fields, data):
        """Give the rows without an ID that match an active person of the company
        (same prison, same prison number) that person's database ID; return the ids
        so matched, and an error per row that would give a second active file the
        same prison number (a file the user may not see, or a row repeated)."""
        if PRISON_ID_COLUMN not in fields or NUMBER_COLUMN not in fields:
            return (), []
        prison_col = fields.index(PRISON_ID_COLUMN)
        number_col = fields.index(NUMBER_COLUMN)
        id_cols = [fields.index(name) for name in ("id", ".id") if name in fields]

        cols = {PRISON_ID_COLUMN: prison_col, NUMBER_COLUMN: number_col}

        def key(row):
            if any((row[col] or "").strip() for col in id_cols):
                return None
            return import_row_keys(row, cols)[0]

        keys = {key(row) for row in data} - {None}
        if not keys:
            return (), []
        domain = [
            ("company_id", "=", self.env.company.id),
            ("prison_id", "in", list({prison for prison, _n in keys})),
            ("prison_number", "in", list({number for _p, number in keys})),
        ]
        by_key = {
            (person.prison_id.id, person.prison_number.strip()): person.id
            for person in self.search(domain)
        }
        taken = {
            (person.prison_id.id, person.prison_number.strip())
            for person in self.sudo().search(domain)
        }
        errors, created = [], set()
        for index, row in enumerate(data):
            row_key = key(row)
            if row_key is None or row_key in by_key:
                continue
            if row_key in taken or row_key in created:
                errors.append(
                    {
                        "type": "error",
                        "message": _(
                            "Another person already has this prison number in this "
                            "prison."
                        ),
                        "record": index,
                        "rows": {"from": index, "to": index},
                        "field": NUMBER_COLUMN,
                        "value": row_key[1],
                    }
                )
            created.add(row_key)
        if errors or not by_key:
            return (), errors
        if ".id" not in fields:
            fields.append(".id")
            for row in data:
                row.append("")
        dbid_col = fields.index(".id")
        matched = set()
        for row in data:
            person_id = by_key.get(key(row))
            if person_id:
                row[dbid_col] = str(person_id)
                matched.add(person_id)
        return tuple(matched), []

    @api.model
    def _siao_import_match_identities(self, fields, data, matched_ids):
        """The rows left without an ID whose person is known by identity get that
        person's ID: {person id: row index} of these moves, and an error per row
        whose identity fits two files (the caller's own files only are looked at)."""
        if not set(IDENTITY_COLUMNS) <= set(fields):
            return {}, []
        cols = {name: fields.index(name) for name in IDENTITY_COLUMNS}
        errors = self._siao_import_repeated_persons(data, cols)
        if errors or not {PRISON_ID_COLUMN, NUMBER_COLUMN} <= set(fields):
            return {}, errors
        number_col = fields.index(NUMBER_COLUMN)
        id_cols = [fields.index(name) for name in ("id", ".id") if name in fields]

        def identity(row):
            if any((row[col] or "").strip() for col in id_cols):
                return None
            # No prison number given: not known, not a move.
            if not (row[number_col] or "").strip():
                return None
            return import_row_keys(row, cols)[1]

        wanted = {index: identity(row) for index, row in enumerate(data)}
        wanted = {index: key for index, key in wanted.items() if key}
        if not wanted:
            return {}, []
        known = {}
        for person in self.search(
            [
                ("company_id", "=", self.env.company.id),
                ("birthdate", "in", list({key[2] for key in wanted.values()})),
                ("anonymised", "=", False),
            ]
        ):
            key = (
                identity_text(person.last_name),
                identity_text(person.first_name),
                person.birthdate,
            )
            known.setdefault(key, self.browse())
            known[key] |= person
        moves = {}
        if ".id" not in fields:
            fields.append(".id")
            for row in data:
                row.append("")
        dbid_col = fields.index(".id")
        for index, key in wanted.items():
            persons = known.get(key, self.browse()) - self.browse(matched_ids)
            if len(persons) > 1:
                errors.append(
                    {
                        "type": "error",
                        "message": _(
                            "Several files have this last name, first name and "
                            "birth date: merge them first, or give the file's ID in "
                            "the row."
                        ),
                        "record": index,
                        "rows": {"from": index, "to": index},
                        "field": "last_name",
                    }
                )
            elif persons and persons.id not in moves:
                moves[persons.id] = index
                data[index][dbid_col] = str(persons.id)
        return ({}, errors) if errors else (moves, [])

    @api.model
    def _siao_import_repeated_persons(self, data, cols):
        """An error per row whose person (last name, first name, birth date) is
        already on an earlier row of the list: one person, one row."""
        errors = []
        for index, first in self._siao_import_repeated_keys(data, cols, 1):
            message = _(
                "This person is already on row %(row)s of the list: keep one row "
                "per person.",
                row=first + 1,
            )
            errors.append(import_row_error(index, message, "last_name"))
        return errors

    @api.model
    def _siao_import_repeated_keys(self, data, cols, key):
        """(row index, index of the earlier row) of each row whose
        ``import_row_keys`` key number ``key`` is that of an earlier row; a row
        without that key is left to the import's own checks (a wrong date)."""
        first_row, repeated = {}, []
        for index, row in enumerate(data):
            value = import_row_keys(row, cols)[key]
            if not value:
                continue
            if value in first_row:
                repeated.append((index, first_row[value]))
            else:
                first_row[value] = index
        return repeated

    def _siao_moves_report(self, moves, detained):
        """What the import did to the known persons it moved, row by row (persons
        the caller reads: only those are matched)."""
        messages = []
        for person in self.browse(list(moves)):
            row = moves[person.id]
            if person.id in detained:
                text = _(
                    "Row %(row)s: %(name)s was known under another prison number: "
                    "recorded as a transfer to %(prison)s.",
                    row=row + 1,
                    name=person.name,
                    prison=person.prison_id.name,
                )
            else:
                text = _(
                    "Row %(row)s: %(name)s was known and had been released: a new "
                    "stay in prison starts at %(prison)s.",
                    row=row + 1,
                    name=person.name,
                    prison=person.prison_id.name,
                )
            messages.append(
                {
                    "type": "info",
                    "message": text,
                    "record": row,
                    "rows": {"from": row, "to": row},
                }
            )
        return messages

    def _siao_import_move(self, values):
        """A row of a known person with a new prison number: a transfer if they are
        detained, a new stay otherwise; the other values are written after."""
        values = dict(values)
        move = {name: values.pop(name) for name in MOVE_FIELDS if name in values}
        prison = move.get("prison_id") or self.prison_id.id
        number = move.get("prison_number") or False
        today = self.company_id.siao_today()
        if self.state == "detained":
            self.action_transfer(prison, number, today)
        else:
            self.action_new_stay(
                prison,
                move.get("incarceration_date") or today,
                prison_number=number,
                legal_status=move.get("legal_status") or "convicted",
            )
        return values

    def _load_records_write(self, values):
        if self.id in self.env.context.get("siao_import_move_ids", ()):
            values = self._siao_import_move(values)
        if self.id in self.env.context.get("siao_import_update_ids", ()):
            # A list sent again: an empty cell means "not known", not "erase".
            values = {
                name: value
                for name, value in values.items()
                if value not in (False, None, "")
            }
        return super()._load_records_write(values)

    # ==== Retention ====
    # Retention (CNIL délibération 2023-095): a file stays active during support and
    # for the company's retention period after the last contact, then it is anonymised.
    # Everything the CPOM figures need (dates, states, outcomes, the random person key)
    # is kept; names, birth day, prison number, free text, messages and files are not.

    anonymised = fields.Boolean(readonly=True, copy=False, index=True)
    merged_into_id = fields.Many2one(
        "siao.detainee",
        string="Merged into",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="This archived file was merged into that one: it is anonymised with it.",
    )
    retention_postponed_until = fields.Date(
        string="Anonymisation postponed until", readonly=True, copy=False, tracking=True
    )
    retention_postpone_reason = fields.Text(
        string="Why the file is kept longer", readonly=True, copy=False
    )

    def _siao_protected_fields(self):
        """Retention is the rules' alone; a system administrator may still set a
        last contact, to load the history of files brought from another tool (the
        change is tracked)."""
        protected = super()._siao_protected_fields()
        if self.env.user.has_group("base.group_system"):
            protected.discard("last_contact_date")
        return protected

    # ---- Last contact, kept up to date ----
    def _touch_last_contact(self):
        for company, persons in self.grouped("company_id").items():
            today = company.siao_today()
            stale = persons.filtered(
                lambda p, today=today: not p.anonymised and p.last_contact_date != today
            )
            if stale:
                stale.sudo().with_context(tracking_disable=True).write(
                    {"last_contact_date": today}
                )

    def message_post(self, **kwargs):
        """Any message in the file (a note, an email, an activity done) is a contact,
        except the addon's own notices about the file."""
        message = super().message_post(**kwargs)
        if not self.env.context.get("siao_file_notice"):
            self._touch_last_contact()
        return message

    # ---- Who is due ----
    @api.model
    def _retention_domain(self, on_day=None, ahead=None):
        """Files whose retention period has run out on ``on_day`` (each company's
        today by default), or by then plus ``ahead`` (a relativedelta)."""

        def due_on(company, day):
            day += ahead or relativedelta()
            return [
                ("state", "!=", "detained"),
                ("anonymised", "=", False),
                ("frozen", "=", False),
                # A merged file follows the file it was merged into.
                ("merged_into_id", "=", False),
                (
                    "last_contact_date",
                    "<",
                    day - relativedelta(months=company.siao_retention_months),
                ),
                "|",
                ("retention_postponed_until", "=", False),
                ("retention_postponed_until", "<", day),
                # Support still under way: nobody is anonymised meanwhile.
                ("avdl_measure_ids", "not any", [("is_open", "=", True)]),
                ("request_ids", "not any", [("is_open", "=", True)]),
                (
                    "reservation_ids",
                    "not any",
                    [
                        ("state", "=", "confirmed"),
                        "|",
                        ("date_to", "=", False),
                        ("date_to", ">=", day),
                    ],
                ),
            ]

        return self.env["res.company"]._siao_per_company_domain(due_on, on_day)

    def action_open_retention_preview(self):
        """The files that will be anonymised within a month, for the coordinators."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "siao_justice.siao_detainee_action"
        )
        title = _("Anonymisation within a month")
        action.update(
            name=title,
            display_name=title,
            help=_(
                "<p class='o_view_nocontent_smiling_face'>No file is anonymised "
                "within a month.</p><p>A released file is anonymised when its "
                "retention period after the last contact ends.</p>"
            ),
            domain=self._retention_domain(ahead=relativedelta(months=1)),
            context={"active_test": False},
            view_mode="list,form",
            views=[(False, "list"), (False, "form")],
        )
        return action

    def action_open_postpone_wizard(self):
        self.ensure_one()
        return self._siao_wizard("siao.retention.postpone.wizard", detainee_id=self.id)

    def action_postpone_retention(self, until=None, reason=None):
        if not self.env.user.has_group("siao_justice.group_siao_manager"):
            raise UserError(_("Only a coordinator may keep a file longer."))
        if not until or not (reason or "").strip():
            raise UserError(_("Give the date until which the file is kept and why."))
        until = fields.Date.to_date(until)
        self.check_access("write")
        self.sudo().write(
            {
                "retention_postponed_until": until,
                "retention_postpone_reason": reason.strip(),
            }
        )
        for person in self.with_context(siao_file_notice=True):
            person.message_post(
                body=_(
                    "Anonymisation postponed until %(date)s: %(reason)s",
                    date=until.strftime("%d/%m/%Y"),
                    reason=reason.strip(),
                ),
                message_type="notification",
            )
        return True

    # ---- Anonymisation ----
    @api.model
    def _cron_anonymise(self):
        persons = (
            self.sudo().with_context(active_test=False).search(self._retention_domain())
        )
        persons._anonymise()
        return persons

    def _anonymise(self):
        """Erase what identifies the persons; keep what the figures need. Files
        merged into them go with them; everything that belongs to them (found from
        the registry) loses its free text, messages, activities and files."""
        if not self:
            return
        # Blanking the consent is no withdrawal by the person (siao.consent).
        self = self.sudo().with_context(
            active_test=False, tracking_disable=True, **{RECORDED: MARK}
        )
        merged = self.search([("merged_into_id", "in", self.ids)]) - self
        while merged:
            self |= merged
            merged = self.search([("merged_into_id", "in", merged.ids)]) - self
        owned = self._siao_owned_records()
        for records in owned.values():
            if records._transient:
                records.unlink()
        owned = {m: r.exists() for m, r in owned.items() if not r._transient}
        threads = [self] + [
            records for records in owned.values() if "message_ids" in records._fields
        ]
        for records in threads:
            erase_thread(records)
        for records in [self, *owned.values()]:
            erase_files(records)
        for records in owned.values():
            erase_free_text(records)
        # What every file loses, in one write (the followers and the records'
        # readers are checked once for all); then each file's own pseudonym.
        values = {
            field.name: False
            for field in free_text_fields(self)
            if field.name not in KEPT_ON_PERSON
        }
        values.update(
            {
                "need_tag_ids": [(5,)],
                "spip_referent_id": False,
                "consent_scope": False,
                "retention_postponed_until": False,
                "anonymised": True,
                "active": False,
            }
        )
        self.write(values)
        for person in self:
            person.write(
                {
                    "last_name": _("Anonymised %(key)s", key=person.pseudonym[:8]),
                    "birthdate": person.birthdate
                    and person.birthdate.replace(month=1, day=1),
                }
            )
        # The minutes that named them are rendered again with the pseudonym.
        self._render_minutes_again()

    # ==== The SPIP's portal ====
    @api.model
    def _siao_portal_domain(self, user):
        """The one rule of what a SPIP officer with a portal account sees: the files
        of their company they are SPIP referent of (a SPIP social worker: also those
        of their SPIP, where the company says so), shared with the SPIP by the
        person's consent (``sharing_group_id``: consent covering the SPIP, not
        confidential), neither archived nor anonymised. Who is an officer, of which
        SPIP and company, is the coordinators' decision (``siao.spip.access``).
        Nothing for anyone else."""
        access = self.env["siao.spip.access"]._access_of(user)
        if not access:
            return expression.FALSE_DOMAIN
        mine = [("spip_referent_id", "=", access.partner_id.id)]
        if (
            access.role == "social_worker"
            and access.company_id.siao_portal_spip_service
        ):
            # The SPIP's staff is who holds an access of it: never read from a
            # contact's company, which anyone may edit.
            colleagues = access.search(
                [("spip_id", "=", access.spip_id.id), ("active", "=", True)]
            )
            mine = [("spip_referent_id", "in", colleagues.partner_id.ids)]
        readers = self.env.ref("siao_justice.group_siao_reader")
        return expression.AND(
            [
                [
                    ("company_id", "=", access.company_id.id),
                    ("active", "=", True),
                    ("anonymised", "=", False),
                    ("referral_to_confirm", "=", False),
                    ("sharing_group_id", "=", readers.id),
                ],
                mine,
            ]
        )

    def _siao_portal_summaries(self):
        """{person: what the SPIP's portal shows beyond the file's own fields}: the
        steps of the current request, the next commission, the last decision and the
        AVDL measure; read in a fixed number of queries, whatever the number of
        persons."""
        persons = self.sudo()
        steps = (
            self.env["siao.request.history"]
            .sudo()
            .search(
                [("request_id", "in", persons.current_request_id.ids)],
                order="date, id",
            )
        )
        lines = (
            self.env["siao.commission.line"]
            .sudo()
            .search([("detainee_id", "in", persons.ids)], order="id")
        )
        measures = (
            self.env["siao.avdl.measure"]
            .sudo()
            .search([("detainee_id", "in", persons.ids)], order="referral_date, id")
        )
        meetings = lines.meeting_id
        coming = meetings.filtered_domain(meetings._coming_domain())
        summaries = {
            person: {
                "steps": steps.browse(),
                "next_meeting": False,
                "last_decision": False,
                "measure": False,
            }
            for person in persons
        }
        for step in steps:
            summary = summaries.get(step.request_id.detainee_id)
            if summary is not None:
                summary["steps"] |= step
        for line in lines.sorted(lambda line: line.meeting_id.date):
            summary = summaries[line.detainee_id]
            meeting = line.meeting_id
            if meeting.state == "closed" and line.decision:
                summary["last_decision"] = line
            elif meeting in coming and not summary["next_meeting"]:
                summary["next_meeting"] = meeting
        for measure in measures:
            summary = summaries[measure.detainee_id]
            if (
                measure.is_open
                or not summary["measure"]
                or not summary["measure"].is_open
            ):
                summary["measure"] = measure
        return summaries

    def _siao_portal_exchange(self, user):
        """The thread between ``user``, an officer who sees this person on the
        portal, and the person's referent; opened on the officer's first visit,
        followed by both."""
        self.ensure_one()
        Exchange = self.env["siao.spip.exchange"].sudo()
        exchange = Exchange.search(
            [("detainee_id", "=", self.id), ("partner_id", "=", user.partner_id.id)],
            limit=1,
        )
        if not exchange:
            exchange = Exchange.with_context(mail_create_nosubscribe=True).create(
                {"detainee_id": self.id, "partner_id": user.partner_id.id}
            )
            exchange.message_subscribe(
                partner_ids=(user.partner_id | self.sudo().user_id.partner_id).ids
            )
        exchange._portal_ensure_token()
        return exchange

    @api.model
    def _siao_coordinators(self, company):
        """The coordinators of ``company``: who is asked to look at what the SPIP
        sends from the portal."""
        return (
            self.env.ref("siao_justice.group_siao_manager")
            .sudo()
            .users.filtered(lambda u: not u.share and company in u.company_ids)
        )

    @api.model
    def _siao_referral_match(self, probe):
        """(file, number_taken) for a referral: the file it is added to, one the
        duplicate banner finds with the same identity (last name, first name,
        birth date) or with the same prison number and last name; and whether
        the prison number given is another file's (the referral then gets a file
        of its own without it, for the coordinators to check). Nothing of this
        reaches the officer: their answer is the same in every case."""
        found = probe.duplicate_ids._origin
        identity = probe._identity_key()
        same = found.filtered(lambda p: identity and p._identity_key() == identity)
        if same:
            return same[:1], False
        prison_key = probe._prison_key()
        numbered = found.filtered(
            lambda p: prison_key and p._prison_key() == prison_key
        )
        if numbered and normalise_text(numbered[:1].last_name) == normalise_text(
            probe.last_name
        ):
            return numbered[:1], False
        return found.browse(), bool(numbered)
