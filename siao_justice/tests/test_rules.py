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


@tagged("post_install", "-at_install", "siao_rules")
class TestWhatEachModelGoesThrough(SiaoCase):
    """A model's ``_inherit`` tells what it goes through: every model of the addon
    through the boundary; a person's records, and they only, through the
    person-record rules; the models whose form has steps through the step
    buttons."""

    def inherits(self, model, parent):
        return isinstance(self.env[model], self.env.registry[parent])

    def test_the_boundary_and_the_person_records_are_where_they_belong(self):
        Person = self.env["siao.detainee"]
        persons = {Person._name} | {
            model
            for model, _field in Person._belonging_fields()
            if not self.env[model]._transient
        }
        system = self.env.ref("base.group_system")
        writable = set(
            self.env["ir.model.access"]
            .search(
                [
                    ("model_id.model", "=like", "siao.%"),
                    ("group_id", "!=", system.id),
                    "|",
                    ("perm_write", "=", True),
                    ("perm_create", "=", True),
                ]
            )
            .mapped("model_id.model")
        )
        ours = [
            name
            for name in self.env.registry
            if name.startswith("siao.") and not self.env[name]._abstract
        ]
        self.assertGreater(len(persons), 10)
        self.assertGreater(len(writable), 20)
        for name in ours:
            with self.subTest(model=name):
                if name in writable:  # what a user may write
                    self.assertTrue(self.inherits(name, "siao.input.validation"))
                self.assertEqual(
                    self.inherits(name, "siao.person.record"),
                    name in persons,
                    "a model inherits the person-record rules if and only if "
                    "its records are a person's",
                )
        others = [
            name
            for name in self.env.registry
            if not name.startswith("siao.") and not self.env[name]._abstract
        ]
        for name in others:
            self.assertFalse(self.inherits(name, "siao.person.record"), name)

    def test_the_step_buttons_are_on_the_models_with_steps(self):
        with_steps = {
            name
            for name in self.env.registry
            if not self.env[name]._abstract and self.inherits(name, "siao.step.buttons")
        }
        self.assertEqual(
            with_steps,
            {"siao.request", "siao.avdl.measure", "siao.commission.meeting"},
        )
        for name in with_steps:
            self.assertTrue(self.env[name]._step_buttons(), name)
            arch = self.env[name].get_view(view_type="form")["arch"]
            for button, states in self.env[name]._step_buttons().items():
                self.assertIn(f'name="{button}"', arch)
                self.assertIn(f"state not in {list(states)!r}", arch)
