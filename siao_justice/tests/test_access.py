from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_access")
class TestAccess(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.create_person(
            restrictions="Interdiction de paraître à Mulhouse",
            consent_date=date(2025, 1, 1),
            consent_scope="siao_spip",
        )
        cls.secret = cls.create_person(
            last_name="Secret", confidential=True, user_id=cls.worker_2.id
        )
        cls.person_b = cls.create_person(
            last_name="Bas-Rhin",
            company_id=cls.company_b.id,
            user_id=cls.worker_b.id,
            prison_id=False,
        )

    def test_reader_reads_but_cannot_write_create_or_delete(self):
        person = self.person.with_user(self.reader)
        self.assertEqual(person.name, "MARTIN Paul")
        with self.assertRaises(AccessError):
            person.write({"first_name": "Pierre"})
        with self.assertRaises(AccessError):
            self.Person.with_user(self.reader).create({"last_name": "New"})
        with self.assertRaises(AccessError):
            person.unlink()

    def test_reader_cannot_read_restricted_fields(self):
        with self.assertRaises(AccessError):
            self.person.with_user(self.reader).read(["restrictions"])
        with self.assertRaises(AccessError):
            self.person.with_user(self.reader).read(["notes"])

    def test_worker_creates_and_edits_but_only_archives(self):
        person = self.Person.with_user(self.worker).create({"last_name": "Nouveau"})
        person.write({"first_name": "Jean"})
        self.assertEqual(person.restrictions, False)
        with self.assertRaises(AccessError):
            person.unlink()
        person.action_archive()
        self.assertFalse(person.active)

    def test_worker_cannot_read_the_nir(self):
        with self.assertRaises(AccessError):
            self.person.with_user(self.worker).read(["nir"])

    def test_accountant_cannot_read_a_person_at_all(self):
        with self.assertRaises(AccessError):
            self.Person.with_user(self.accountant).search([])
        with self.assertRaises(AccessError):
            self.person.with_user(self.accountant).read(["name"])

    def test_plain_internal_user_cannot_read_a_person(self):
        with self.assertRaises(AccessError):
            self.person.with_user(self.internal).read(["name"])

    def test_worker_cannot_see_a_confidential_person_of_another_worker(self):
        self.assertNotIn(self.secret, self.Person.with_user(self.worker).search([]))
        with self.assertRaises(AccessError):
            self.secret.with_user(self.worker).read(["name"])
        with self.assertRaises(AccessError):
            self.secret.with_user(self.reader).read(["name"])

    def test_referent_and_manager_see_a_confidential_person(self):
        self.assertIn(self.secret, self.Person.with_user(self.worker_2).search([]))
        self.assertIn(self.secret, self.Person.with_user(self.manager).search([]))
        self.assertEqual(self.secret.with_user(self.manager).name, "SECRET Paul")

    def test_companies_are_isolated(self):
        self.assertNotIn(self.person_b, self.Person.with_user(self.worker).search([]))
        self.assertNotIn(self.person_b, self.Person.with_user(self.manager).search([]))
        with self.assertRaises(AccessError):
            self.person_b.with_user(self.manager).read(["name"])
        self.assertEqual(self.Person.with_user(self.worker_b).search([]), self.person_b)

    def test_manager_deletes_a_person_without_history(self):
        person = self.create_person(last_name="Doublon")
        person.with_user(self.manager).unlink()
        self.assertFalse(person.exists())


@tagged("post_install", "-at_install", "siao_access")
class TestAccessErrorsSpeakPlainly(SiaoCase):
    """A refusal on any record of the addon says what the role does not allow, in
    the user's language, without Odoo's technical model name."""

    def test_every_refusal_on_the_addons_models_names_no_technical_model(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.internal.lang = "fr_FR"
        refused = 0
        for name in sorted(self.env.registry):
            model = self.env[name]
            if not name.startswith("siao.") or model._abstract:
                continue
            for operation in ("read", "write", "create", "unlink"):
                try:
                    model.with_user(self.internal).with_context(
                        lang="fr_FR"
                    ).check_access(operation)
                except AccessError as error:
                    refused += 1
                    message = str(error)
                    with self.subTest(model=name, operation=operation):
                        self.assertNotIn(name, message)
                        self.assertIn("Votre rôle SIAO Justice", message)
        self.assertGreater(refused, 20)
