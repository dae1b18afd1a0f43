"""The rules written for SQL (the report views, the nightly jobs, the bench's data)
say what the computes say: on a sample of files, each SQL definition gives the
stored value of its compute."""

from datetime import date

from odoo.tests import tagged
from odoo.tools import SQL

from ..models.siao_detainee_retention import (
    anonymised_last_name,
    anonymised_last_name_sql,
)
from ..models.siao_rules import lsc_automatic_date_sql, person_name_sql
from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_rules")
class TestRulesInSql(SiaoCase):
    def sample(self):
        values = [
            {"last_name": "  Dupont ", "first_name": " Jean-Marc "},
            {"last_name": "Éléonore", "first_name": "Zoé"},
            {"last_name": "N'Diaye", "first_name": False},
            {"last_name": "martin", "first_name": "Paul", "legal_status": "remand"},
        ]
        sentences = [
            (12, date(2027, 5, 31), False),
            (24, date(2027, 8, 31), False),
            (25, date(2027, 8, 31), False),
            (6, date(2027, 3, 30), True),
            (0, date(2027, 3, 1), False),
            (18, False, False),
        ]
        persons = self.Person
        for index, (months, end, excluded) in enumerate(sentences):
            for identity in values:
                persons |= self.create_person(
                    **identity,
                    sentence_months=months,
                    sentence_end_date=end,
                    lsc_excluded=excluded,
                    prison_number=f"R-{index}-{len(persons)}",
                )
        self.env.flush_all()
        return persons

    def by_sql(self, persons, expression):
        self.env.cr.execute(
            SQL(
                "SELECT d.id, %s FROM siao_detainee d WHERE d.id = ANY(%s)",
                expression,
                persons.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    def test_the_sql_definitions_give_the_computed_values(self):
        persons = self.sample()
        names = self.by_sql(persons, person_name_sql("d"))
        lsc = self.by_sql(persons, lsc_automatic_date_sql("d"))
        for person in persons:
            with self.subTest(person=person.name):
                self.assertEqual(names[person.id], person.name)
                self.assertEqual(lsc[person.id] or False, person.lsc_automatic_date)
        self.assertTrue(any(lsc.values()), "the sample has LSC dates")
        self.assertTrue(not all(lsc.values()), "and files without")

    def test_the_anonymised_name_in_sql_is_the_anonymisation_s(self):
        person = self.create_person()
        for lang in ("en_US", "fr_FR"):
            env = self.env(context=dict(self.env.context, lang=lang))
            with self.subTest(lang=lang):
                by_sql = self.by_sql(person, anonymised_last_name_sql(env, "d"))
                self.assertEqual(
                    by_sql[person.id], anonymised_last_name(env, person.pseudonym)
                )
