"""Anonymised report views for the figures: a random person key instead of any name,
birth date, prison number, address or free text."""

from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.res_partner import PRISON_TYPES
from ..models.siao_detainee import (
    GENDERS,
    LEGAL_STATUSES,
)

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


def person_columns(on):
    return SQL(
        """d.pseudonym AS person_key, d.gender AS gender, %(age)s AS age_band,
           prison.prison_type AS prison_type, d.legal_status AS legal_status""",
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
    ],
    "res.partner": ["prison_type"],
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

    person_key = fields.Char(string="Person key", readonly=True)
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

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
