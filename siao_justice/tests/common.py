from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo.service.model import _as_validation_error
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import mute_logger

# The instant every test of the addon runs at, unless it sets its own: a
# Wednesday, 11:00 in France. No test reads the calendar.
FROZEN_AT = "2026-12-02 10:00:00"
TODAY = date(2026, 12, 2)


class SiaoCase(TransactionCase):
    """Users of every role, two companies, a prison: the stage of every test, at
    one frozen instant (``FROZEN_AT``, the association's day ``TODAY``)."""

    freeze_time = FROZEN_AT

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.company = cls.env.company
        cls.today = cls.company.siao_today()
        cls.company_b = cls.env["res.company"].create({"name": "SIAO du Bas-Rhin"})
        cls.prison = cls.env["res.partner"].create(
            {
                "name": "Maison d'arrêt de test",
                "is_company": True,
                "siao_partner_type": "prison",
                "prison_type": "ma",
            }
        )
        cls.manager = cls._user("siao_manager", "siao_justice.group_siao_manager")
        cls.worker = cls._user("siao_worker", "siao_justice.group_siao_user")
        cls.worker_2 = cls._user("siao_worker_2", "siao_justice.group_siao_user")
        cls.reader = cls._user("siao_reader", "siao_justice.group_siao_reader")
        cls.accountant = cls._user(
            "siao_accountant", "siao_justice.group_siao_reporting"
        )
        cls.internal = cls._user("plain_internal", "base.group_user")
        cls.worker_b = cls._user(
            "siao_worker_b", "siao_justice.group_siao_user", company=cls.company_b
        )
        cls.portal = new_test_user(
            cls.env, login="siao_portal", groups="base.group_portal"
        )
        cls.Person = cls.env["siao.detainee"]
        # The host structure of every test that needs one (its places, proposals).
        cls.chrs = cls.create_host_structure("CHRS du test")

    @classmethod
    def _user(cls, login, group, company=None):
        company = company or cls.company
        groups = (
            "base.group_user"
            if group == "base.group_user"
            else f"base.group_user,{group}"
        )
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )

    @classmethod
    def create_person(cls, **values):
        vals = {
            "last_name": "Martin",
            "first_name": "Paul",
            "prison_id": cls.prison.id,
            "legal_status": "convicted",
            "incarceration_date": date(2024, 1, 1),
            "user_id": cls.worker.id,
        }
        vals.update(values)
        return cls.env["siao.detainee"].create(vals)

    @classmethod
    def create_officer(cls, login, spip, role="cpip", company=None, name=None):
        """A SPIP staff member with a portal account (password = login) and the
        access a coordinator of ``company`` gave them."""
        company = company or cls.company
        contact = cls.env["res.partner"].create(
            {
                "name": name or login.replace("_", " ").title(),
                "parent_id": spip.id,
                "siao_spip_role": role,
                "email": f"{login}@spip.example.com",
            }
        )
        user = new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=contact.id,
            name=contact.name,
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        cls.env["siao.spip.access"].with_company(company).create(
            {
                "partner_id": contact.id,
                "spip_id": spip.id,
                "role": role,
                "company_id": company.id,
            }
        )
        # The access opened the account afresh (its invitation sent): the officer
        # chooses their password.
        user.write({"login": login, "password": login})
        return user

    @classmethod
    def create_host_structure(cls, name="CHRS Test", **values):
        return cls.env["res.partner"].create(
            dict(
                {
                    "name": name,
                    "is_company": True,
                    "siao_partner_type": "host_structure",
                },
                **values,
            )
        )

    @classmethod
    def create_place(cls, structure, name, available_from, **values):
        """A CHRS place of ``structure``, free from ``available_from``."""
        return cls.env["siao.housing.place"].create(
            dict(
                {
                    "name": name,
                    "structure_id": structure.id,
                    "place_type": "chrs",
                    "available_from": available_from,
                },
                **values,
            )
        )

    @classmethod
    def speak_french(cls, *users):
        """French installed, with the addon's terms, for ``users``."""
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["siao_justice"], ["fr_FR"])
        for user in users:
            user.lang = "fr_FR"

    def assertRefusedByDatabase(self, call, message, *hidden):
        """PostgreSQL refuses what ``call`` writes; a user over RPC reads the
        constraint's message (``message``, in French) and none of ``hidden``."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["siao_justice"], ["fr_FR"])
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError) as caught,
            self.env.cr.savepoint(),
        ):
            call()
            self.env.flush_all()
        # Nothing of the refused call stays, in the database or in the cache.
        self.env.invalidate_all(flush=False)
        error = str(
            _as_validation_error(self.env(context={"lang": "fr_FR"}), caught.exception)
        )
        self.assertIn(message, error)
        for text in hidden:
            self.assertNotIn(str(text), error)
        return error

    def activities(self, person, xmlid):
        """The open activities of ``person`` of the type ``siao_justice.xmlid``."""
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "siao.detainee"),
                ("res_id", "=", person.id),
                ("activity_type_id", "=", self.env.ref(f"siao_justice.{xmlid}").id),
            ]
        )

    def run_cron_on(self, day):
        """The nightly deadline check, run on ``day``."""
        with freeze_time(day):
            self.env.ref("siao_justice.ir_cron_siao_deadlines").method_direct_trigger()
