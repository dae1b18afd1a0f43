"""Anonymised report views for the figures: no name, birth date, prison number,
address or free text. An accountant cannot tell that two rows of different views
belong to one person: each view's ids are opaque (a keyed permutation of its own),
and the person's random key stays inside the database, where the figures that
count persons read it; the ORM offers it to no one."""

import hashlib
import hmac

from odoo import fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.res_partner import PRISON_TYPES
from ..models.siao_detainee import (
    GENDERS,
    LEGAL_STATUSES,
)
from ..models.siao_rules import company_on_sql

AGE_BANDS = [
    ("under_25", "Under 25"),
    ("25_34", "25 to 34"),
    ("35_44", "35 to 44"),
    ("45_54", "45 to 54"),
    ("55_plus", "55 and over"),
    ("unknown", "Unknown"),
]
# Where a measure ended: CPOM order of 25 October 2019.
ORDINARY_HOUSING = ("social_housing", "private_housing")
ADAPTED_HOUSING = (
    "residence_sociale",
    "fjt",
    "ftm",
    "pension_famille",
    "residence_accueil",
    "iml",
)
EXIT_DESTINATIONS = [
    ("ordinary_housing", "Ordinary housing"),
    ("adapted_housing", "Supported housing"),
    ("other", "Other"),
]


def age_band_sql(on):
    """The age band of the person (alias ``d``) on the day ``on`` (SQL)."""
    return SQL(
        """CASE
            WHEN d.birthdate IS NULL OR %(on)s IS NULL THEN 'unknown'
            WHEN date_part('year', age(%(on)s, d.birthdate)) < 25 THEN 'under_25'
            WHEN date_part('year', age(%(on)s, d.birthdate)) < 35 THEN '25_34'
            WHEN date_part('year', age(%(on)s, d.birthdate)) < 45 THEN '35_44'
            WHEN date_part('year', age(%(on)s, d.birthdate)) < 55 THEN '45_54'
            ELSE '55_plus' END""",
        on=SQL(on),
    )


# The ids of the report views: a keyed permutation of each row's source key (a
# four-round Feistel network on 52 bits, each round a keyed hash, so that ids stay
# exact in the browser and never collide), its key derived from the database's
# secret and the view's name. No arithmetic on ids ties a row of one view to a row
# of another, or to a record of the association.
ID_HALF_BITS = 26


def create_opaque_id_function(cr):
    cr.execute(
        SQL(
            """
            CREATE OR REPLACE FUNCTION siao_opaque_id(source bigint, key text)
            RETURNS bigint LANGUAGE plpgsql IMMUTABLE STRICT AS $$
            DECLARE
                mask bigint := (1::bigint << %(half)s) - 1;
                l bigint := (source >> %(half)s) & mask;
                r bigint := source & mask;
                t bigint;
            BEGIN
                FOR i IN 1..4 LOOP
                    t := r;
                    r := l # (hashtextextended(key || ':' || i || ':' || r, 0)
                              & mask);
                    l := t;
                END LOOP;
                RETURN (l << %(half)s) | r;
            END $$;
            """,
            half=ID_HALF_BITS,
        )
    )


def opaque_id_sql(env, view, source):
    """The opaque id of the rows of ``view`` whose source key is ``source`` (an
    SQL expression below 2**52)."""
    secret = env["ir.config_parameter"].sudo().get_param("database.secret")
    if not secret:
        raise UserError(env._("The database has no secret: the report views need one."))
    key = hmac.new(secret.encode(), view.encode(), hashlib.sha256).hexdigest()
    create_opaque_id_function(env.cr)
    return SQL("siao_opaque_id((%s)::bigint, %s)", source, key)


def person_columns(on):
    return SQL(
        """d.pseudonym AS person_key, d.gender AS gender, %(age)s AS age_band,
           prison.prison_type AS prison_type, d.legal_status AS legal_status,
           d.handed_over AS handed_over""",
        age=age_band_sql(on),
    )


# What the person columns read, for the views' _depends.
PERSON_DEPENDS = {
    "siao.detainee": [
        "pseudonym",
        "gender",
        "birthdate",
        "legal_status",
        "prison_id",
        "company_id",
        "handed_over",
    ],
    "res.partner": ["prison_type"],
    # The company a record counts for: its file's on its day (company_on_sql).
    "siao.file.handover": ["detainee_id", "state", "moved_on", "from_company_id"],
}


def with_person_depends(depends):
    """A view's ``_depends``: its own fields and those of the person columns."""
    merged = {model: list(names) for model, names in PERSON_DEPENDS.items()}
    for model, names in depends.items():
        merged[model] = merged.get(model, []) + names
    return merged


# Every row has its person (required field): a LEFT JOIN lets PostgreSQL skip the
# persons' table when a query reads no person column.
PERSON_JOIN = SQL(
    "LEFT JOIN siao_detainee d ON d.id = src.detainee_id "
    "LEFT JOIN res_partner prison ON prison.id = d.prison_id"
)


class SiaoReportMixin(models.AbstractModel):
    _name = "siao.report.mixin"
    _description = "Anonymised report view"

    company_id = fields.Many2one("res.company", readonly=True)
    gender = fields.Selection(GENDERS, readonly=True)
    age_band = fields.Selection(AGE_BANDS, readonly=True)
    prison_type = fields.Selection(PRISON_TYPES, readonly=True)
    legal_status = fields.Selection(LEGAL_STATUSES, readonly=True)

    def _compute_display_name(self):
        # A row is a figure, not a person: named by its kind and number.
        kind = self.env["ir.model"]._get(self._name).name if self else ""
        for row in self:
            row.display_name = self.env._(
                "%(kind)s no. %(number)s", kind=kind, number=row.id
            )

    def _query(self):
        raise NotImplementedError

    # Columns of ``_query`` kept in SQL only (no field: no user reads them row
    # by row), beside ``person_key``.
    _sql_only_columns = ()
    # Whether the view's company is the one the file was in on the row's day
    # (``_company_sql``): its query then says ``handed_over`` of each row.
    _attributed_company = False

    def _company_sql(self, person, day, company):
        """The company a row counts for: its file's on ``day``
        (``siao_rules.company_on_sql``). The view is built of two branches, the
        files never handed over (their record's own company, a plain column a
        filter on the company reaches through the view) and the others."""
        if self.env.context.get("siao_company_branch") == "kept":
            return company
        return company_on_sql(person, day, company)

    def _view_query(self):
        """The view's rows: ``_query`` as is, or in its two branches when its
        company is attributed by day (the filter on the company then stays a
        filter on a plain column for every file never handed over)."""
        if not self._attributed_company:
            return self._query()
        return SQL(
            """SELECT * FROM (%s) AS kept WHERE kept.handed_over IS NOT TRUE
               UNION ALL
               SELECT * FROM (%s) AS moved WHERE moved.handed_over""",
            self.with_context(siao_company_branch="kept")._query(),
            self._query(),
        )

    def init(self):
        """The view of ``_query`` (whose rows carry their ``source_key``), with
        opaque ids; the column ``person_key`` stays in SQL only."""
        if self._abstract:
            return
        columns = [
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and name != "id"
        ] + ["person_key", *self._sql_only_columns]
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (SELECT %s AS id, %s FROM (%s) AS q)",
                SQL.identifier(self._table),
                opaque_id_sql(self.env, self._name, SQL("q.source_key")),
                SQL(", ").join(SQL.identifier("q", name) for name in columns),
                self._view_query(),
            )
        )
