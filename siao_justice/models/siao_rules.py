"""The rules of the person's file that Python, the SQL of the report views, the
nightly jobs and the bench share, written once: the release date to plan for, the
release horizon, a housing solution on a day."""

import re
import unicodedata

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

RELEASE_OUTCOMES = [
    ("housing", "Ordinary housing"),
    ("adapted_housing", "Supported housing"),
    ("shelter", "Shelter"),
    ("family", "Family or friends"),
    ("dry_exit", "Dry exit (no solution)"),
    ("unknown", "Unknown"),
]
# How the person left prison (the State's yearly figures count the releases by it):
# the end of the sentence, or an adjustment under which they stay supervised by
# the court outside prison (the supervision it starts, ``SUPERVISED_WAYS``).
RELEASE_WAYS = [
    ("end_of_sentence", "End of the sentence"),
    ("lsc", "Supervised release (LSC)"),
    ("lc", "Parole (LC)"),
    ("ddse", "Electronic home detention (DDSE)"),
    ("pe", "Outside placement (PE)"),
    ("sl", "Semi-liberty (SL)"),
    ("other", "Other (remand ended, acquittal...)"),
]
SUPERVISED_WAYS = {"lsc": "lsc", "lc": "lc", "ddse": "ddse", "pe": "pe", "sl": "sl"}
# The way out a sentence adjustment planned on the file leads to, by default.
ADJUSTMENT_WAYS = {
    "none": "end_of_sentence",
    "lc": "lc",
    "sl": "sl",
    "pe": "pe",
    "ddse": "ddse",
    "lsc": "lsc",
    "lsc_automatic": "lsc",
}
# Where a release leaves the person without a solution: an open SIAO request is kept
# and updated with the new situation, not left "submitted" as if nothing happened.
NO_SOLUTION_OUTCOMES = ("dry_exit", "unknown")
SOLUTION_OUTCOMES = tuple(
    code for code, _label in RELEASE_OUTCOMES if code not in NO_SOLUTION_OUTCOMES
)


# The kinds of place where life is collective (a shared building, its rules).
COLLECTIVE_PLACE_TYPES = (
    "chu",
    "chrs",
    "stabilisation",
    "residence_sociale",
    "fjt",
    "ftm",
    "pension_famille",
    "residence_accueil",
)
# Below this count, a row of the figures by establishment is merged with the
# others of its size: no row of the State's figures tells of one person.
SMALL_COUNT = 5
# The places kept to catch a release without a place (a night, a few weeks): proposed
# first to a person at risk of a dry exit whose release is near, their stay limited by
# the company's rule, the nights they covered counted.
HELD_PLACE_TYPES = ("sas_apartment", "floating_place")
# The release-day plan is asked of the referent this many days before the release;
# the day before, a file without a plan alerts the coordinators.
RELEASE_PLAN_NOTICE_DAYS = 7
FIRST_NIGHT_ALERT_DAYS = 1
# The end of a stay in a held place is announced this many days before it.
HELD_STAY_END_NOTICE_DAYS = 7

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


def normalise_text(text):
    """Lower case, without accents, punctuation or double spaces: “Élodie-Marie”
    and “elodie marie” are the same."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def identity_text(text):
    """A name as the lists write it and as the file does: accents, case, spaces
    and punctuation aside (“N'DIAYE” is “Ndiaye”)."""
    return normalise_text(text).replace(" ", "")


# LSC de plein droit (code de procédure pénale art. 720 II): sentences of at most
# 24 months are served outside once 3 months remain, unless housing is impossible.
LSC_MAX_SENTENCE_MONTHS = 24
LSC_REMAINING_MONTHS = 3


def sentence_end_from(incarceration_date, sentence_months):
    """The end of a sentence before any reduction: served from the incarceration
    day, month for month, ending on the eve of the same day (a sentence of six
    months from 15 January ends on 14 July). The registry's date, once known,
    replaces it."""
    if not incarceration_date or not sentence_months or sentence_months <= 0:
        return False
    return incarceration_date + relativedelta(months=sentence_months, days=-1)


def lsc_automatic_date_sql(alias):
    """``siao.detainee.lsc_automatic_date`` (``_compute_lsc_automatic_date``) in
    SQL: a convicted person not excluded, whose sentence is of at most
    LSC_MAX_SENTENCE_MONTHS, is released LSC_REMAINING_MONTHS before its end."""
    person = SQL.identifier(alias)
    return SQL(
        """CASE WHEN %(p)s.legal_status = 'convicted'
                 AND %(p)s.lsc_excluded IS NOT TRUE
                 AND %(p)s.sentence_end_date IS NOT NULL
                 AND %(p)s.sentence_months > 0
                 AND %(p)s.sentence_months <= %(max)s
            THEN (%(p)s.sentence_end_date - make_interval(months => %(left)s))::date
            END""",
        p=person,
        max=LSC_MAX_SENTENCE_MONTHS,
        left=LSC_REMAINING_MONTHS,
    )


def person_name_sql(alias):
    """``siao.detainee.name`` (``_compute_name``) in SQL: the last name in capitals,
    then the first name, each without the spaces around it."""
    person = SQL.identifier(alias)
    return SQL(
        "concat_ws(' ', NULLIF(upper(btrim(%(p)s.last_name)), ''), "
        "NULLIF(btrim(%(p)s.first_name), ''))",
        p=person,
    )


def company_on_sql(person, day, company):
    """The company a record of a person dated ``day`` counts for, in SQL: the one
    its file was in on that day. A file handed over to another département
    (``siao.file.handover``) takes its records along, not its past: what happened
    before the handover keeps counting for the company it happened in.
    ``person``: the alias of the person's row; ``company``: the record's own
    company (its file's now)."""
    return SQL(
        """CASE WHEN %(person)s.handed_over THEN COALESCE(
               (SELECT h.from_company_id FROM siao_file_handover h
                 WHERE h.detainee_id = %(person)s.id AND h.state = 'accepted'
                   AND h.moved_on > %(day)s
                 ORDER BY h.moved_on, h.id LIMIT 1), %(company)s)
           ELSE %(company)s END""",
        person=SQL.identifier(person),
        day=day,
        company=company,
    )
