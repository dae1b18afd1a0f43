from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..models.siao_company_rules import COORDINATOR_SETTINGS
from .common import SiaoCase

VALID_NIR = "295109912611193"


@tagged("post_install", "-at_install", "siao_settings")
class TestSettings(SiaoCase):
    def test_defaults_match_the_haut_rhin_practice(self):
        company = self.env["res.company"].create({"name": "Nouvelle association"})
        self.assertEqual(
            (
                company.siao_request_lead_months,
                company.siao_dry_exit_alert_days,
                company.siao_avdl_max_active,
                company.siao_avdl_period_months,
                company.siao_retention_months,
                company.siao_collect_nir,
            ),
            (6, 30, 20, 2, 24, False),
        )

    def test_settings_are_stored_per_company(self):
        settings = self.env["res.config.settings"].create(
            {"siao_request_lead_months": 4}
        )
        settings.execute()
        self.assertEqual(self.company.siao_request_lead_months, 4)
        self.assertEqual(self.company_b.siao_request_lead_months, 6)

    def test_settings_must_be_positive(self):
        with self.assertRaises(ValidationError):
            self.company.siao_avdl_max_active = 0

    def test_nir_refused_while_the_company_does_not_collect_it(self):
        person = self.create_person()
        with self.assertRaises(ValidationError):
            person.nir = VALID_NIR
        self.assertFalse(person.nir)

    def test_nir_validated_when_collected(self):
        self.company.siao_collect_nir = True
        person = self.create_person()
        with self.assertRaises(ValidationError):
            person.nir = "185057800608436"
        person.with_user(self.manager).nir = VALID_NIR
        self.assertEqual(person.with_user(self.manager).nir, VALID_NIR)

    def test_only_managers_write_the_nir(self):
        self.company.siao_collect_nir = True
        person = self.create_person()
        with self.assertRaises(AccessError):
            person.with_user(self.worker).write({"nir": VALID_NIR})

    def test_nir_hidden_from_the_form_unless_collected(self):
        arch = self.Person.with_user(self.manager).get_views([(False, "form")])[
            "views"
        ]["form"]["arch"]
        self.assertIn('name="nir"', arch)
        self.assertIn("collect_nir", arch)
        worker_arch = self.Person.with_user(self.worker).get_views([(False, "form")])[
            "views"
        ]["form"]["arch"]
        self.assertNotIn('name="nir"', worker_arch)


@tagged("post_install", "-at_install", "siao_settings")
class TestCoordinatorsSetTheRules(SiaoCase):
    """A coordinator sets the rules of their département (the company's SIAO
    settings) without being an Odoo administrator; nobody else does."""

    def test_every_rule_of_the_settings_is_a_coordinator_s_but_two_factor(self):
        ours = {
            name
            for name in self.env["res.config.settings"]._fields
            if name.startswith("siao_")
        }
        self.assertEqual(ours - set(COORDINATOR_SETTINGS), {"siao_require_2fa"})
        for name in COORDINATOR_SETTINGS:
            self.assertIn(name, self.env["siao.settings"]._fields)

    def test_a_coordinator_saves_the_rules_of_their_company(self):
        self.assertFalse(self.manager.has_group("base.group_system"))
        Settings = self.env["siao.settings"].with_user(self.manager)
        wizard = Settings.create({})
        self.assertEqual(wizard.siao_request_lead_months, 6)
        wizard.write({"siao_request_lead_months": 4, "siao_retention_months": 30})
        self.assertEqual(self.company.siao_request_lead_months, 4)
        self.assertEqual(self.company.siao_retention_months, 30)
        Settings.create({"siao_avdl_max_active": 12})
        self.assertEqual(self.company.siao_avdl_max_active, 12)
        self.assertEqual(self.company_b.siao_request_lead_months, 6)
        # The company's own checks hold.
        with self.assertRaises(ValidationError):
            Settings.create({"siao_avdl_max_active": 0})
        self.assertEqual(self.company.siao_avdl_max_active, 12)
        menu = self.env.ref("siao_justice.siao_settings_menu")
        visible = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        self.assertIn(menu.id, visible)

    def test_nobody_else_sets_them(self):
        for user in (self.worker, self.reader, self.accountant, self.internal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["siao.settings"].with_user(user).create(
                    {"siao_request_lead_months": 1}
                )
        # A coordinator of another company does not set this one's.
        manager_b = self._user(
            "siao_manager_rules_b",
            "siao_justice.group_siao_manager",
            company=self.company_b,
        )
        with self.assertRaises(AccessError):
            self.env["siao.settings"].with_user(manager_b).create(
                {"company_id": self.company.id, "siao_request_lead_months": 1}
            )
        self.assertEqual(self.company.siao_request_lead_months, 6)
