from datetime import date, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_boundary")
class TestBadInput(SiaoCase):
    def assertRefused(self, model, values, message=None, record=None):
        """The call raises a ValidationError and leaves the table as it was."""
        before = model.with_context(active_test=False).search_count([])
        with self.assertRaises(ValidationError) as caught:
            if record:
                record.write(values)
            else:
                model.create(values)
        self.assertEqual(model.with_context(active_test=False).search_count([]), before)
        if message:
            self.assertIn(message, str(caught.exception))
        return caught.exception

    def test_missing_last_name_is_refused(self):
        self.assertRefused(self.Person, {"first_name": "Paul"}, "Last Name")
        self.assertRefused(
            self.Person, {"last_name": "   ", "first_name": "Paul"}, "Last Name"
        )
        person = self.create_person()
        self.assertRefused(
            self.Person, {"last_name": False}, "Last Name", record=person
        )
        self.assertEqual(person.last_name, "Martin")

    def test_release_date_before_incarceration_is_refused(self):
        self.assertRefused(
            self.Person,
            {
                "last_name": "A",
                "incarceration_date": date(2025, 5, 1),
                "expected_release_date": date(2025, 4, 30),
            },
            "expected release date",
        )

    def test_sentence_end_before_incarceration_is_refused(self):
        self.assertRefused(
            self.Person,
            {
                "last_name": "A",
                "incarceration_date": date(2025, 5, 1),
                "sentence_end_date": date(2024, 5, 1),
            },
            "end of sentence",
        )

    def test_every_date_order_of_a_file_is_checked_on_create_and_write(self):
        """Each rule of _date_order_rules: the later date a day before the earlier
        one is refused, at creation and when changed, with its own message."""
        day = date(2025, 5, 1)
        rules = self.Person._date_order_rules()
        self.assertGreaterEqual(len(rules), 5)
        for earlier, later, message in rules:
            with self.subTest(earlier=earlier, later=later):
                values = {"last_name": "A", earlier: day, later: day - timedelta(1)}
                if earlier != "incarceration_date" and later != "incarceration_date":
                    values["incarceration_date"] = day - timedelta(days=400)
                if earlier != "birthdate" and later != "birthdate":
                    values["birthdate"] = date(1980, 1, 1)
                self.assertRefused(self.Person, values, message)
                person = self.create_person(
                    **dict(values, last_name="B", **{later: day})
                )
                self.assertRefused(
                    self.Person, {later: day - timedelta(1)}, message, record=person
                )
                self.assertEqual(person[later], day)

    def test_a_birth_or_a_consent_in_the_future_is_refused(self):
        tomorrow = self.today + timedelta(days=1)
        self.assertRefused(
            self.Person, {"last_name": "A", "birthdate": tomorrow}, "birth date"
        )
        self.assertRefused(
            self.Person, {"last_name": "A", "consent_date": tomorrow}, "consent date"
        )
        person = self.create_person(consent_date=self.today)
        self.assertRefused(
            self.Person, {"consent_date": tomorrow}, "consent date", record=person
        )

    def test_negative_sentence_length_is_refused(self):
        self.assertRefused(
            self.Person, {"last_name": "A", "sentence_months": -3}, "negative"
        )

    def test_changing_a_date_to_before_incarceration_is_refused_and_keeps_the_old_date(
        self,
    ):
        person = self.create_person(expected_release_date=date(2026, 6, 1))
        self.assertRefused(
            self.Person, {"expected_release_date": date(2023, 1, 1)}, record=person
        )
        self.assertEqual(person.expected_release_date, date(2026, 6, 1))

    def test_invalid_siret_is_refused(self):
        partners = self.env["res.partner"]
        self.assertRefused(
            partners, {"name": "CHRS", "siret": "73282932000075"}, "SIRET"
        )
        chrs = partners.create({"name": "CHRS", "siret": "73282932000074"})
        self.assertEqual(chrs.siret, "73282932000074")

    def test_unknown_choice_wrong_type_and_bad_date_are_clear_errors(self):
        self.assertRefused(
            self.Person, {"last_name": "A", "legal_status": "escaped"}, "Legal Status"
        )
        self.assertRefused(
            self.Person,
            {"last_name": "A", "sentence_months": "twelve"},
            "Sentence (months)",
        )
        self.assertRefused(
            self.Person,
            {"last_name": "A", "expected_release_date": "31/12/2026"},
            "Expected release",
        )
        self.assertRefused(
            self.Person,
            {"last_name": "A", "expected_release_date": ["2026-01-01"]},
            "Expected",
        )
        self.assertRefused(
            self.Person,
            {"last_name": "A", "expected_release_date": "3026-01-01"},
            "out of range",
        )
        self.assertRefused(
            self.Person, {"last_name": "A", "prison_id": 987654321}, "Prison"
        )
        self.assertRefused(self.Person, {"last_name": "x" * 5000}, "too long")

    def test_errors_are_in_french_for_a_french_user(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["siao_justice"], ["fr_FR"], overwrite=True
        )
        person = self.create_person()
        french = self.Person.with_context(lang="fr_FR")
        error = self.assertRefused(french, {"first_name": "Paul"})
        self.assertIn("obligatoire", str(error))
        error = self.assertRefused(
            french,
            {
                "incarceration_date": date(2025, 5, 1),
                "sentence_end_date": date(2024, 1, 1),
            },
            record=person.with_context(lang="fr_FR"),
        )
        self.assertIn("fin de peine", str(error))
