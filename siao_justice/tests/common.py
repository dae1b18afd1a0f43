from datetime import date, timedelta

import psycopg2
from freezegun import freeze_time

from odoo import fields
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
    def create_complete_file(cls, person, text=None, referent=None, meeting=None):
        """A record of every kind of the addon on ``person``'s file (a detained
        person's): a request submitted and oriented (its history), the deadline
        alerts, a case of a commission in session (``meeting``, else one started
        now), an AVDL measure in housing and renewed, a place held, an exchange
        with a SPIP officer, a meeting at office hours, a transfer, a message and an
        attachment. Every free text says ``text`` (by default a note naming the
        person). Returns {model: records}, the owned records found from the
        registry included."""
        referent = referent or person.user_id or cls.worker
        text = text or f"Note sur {person.last_name}"
        # A handover to another département proposed (before the support that
        # would keep the file here).
        handover = person.env["siao.file.handover"].create(
            {
                "detainee_id": person.id,
                "to_company_id": (
                    cls.company if person.company_id == cls.company_b else cls.company_b
                ).id,
                "consent_date": cls.today,
                "reason": text,
            }
        )
        person.resource_right_ids[:1].write({"note": text, "contact": text})
        records = {
            **cls._complete_request_and_case(person, text, referent, meeting),
            **cls._complete_housing(person, text, referent),
            **cls._complete_partners(person, text, referent),
        }
        records.update(cls._complete_voice(person, text, records["siao.request"]))
        records["siao.file.handover"] = handover
        # A transfer: the stay's history holds the prison numbers.
        person.action_transfer(
            cls.prison.id, f"{person.prison_number}-T", cls.today - timedelta(days=1)
        )
        person.message_post(
            body=f"{text}. Entretien avec {person.first_name} {person.last_name}",
            message_type="comment",
        )
        person.env["ir.attachment"].create(
            {
                "name": f"courrier-{person.last_name}.txt",
                "raw": f"{text}. Courrier de {person.first_name}".encode(),
                "res_model": "siao.detainee",
                "res_id": person.id,
            }
        )
        return {**person._owned_records(), "siao.detainee": person, **records}

    @classmethod
    def _complete_request_and_case(cls, person, text, referent, meeting):
        env = person.env
        request = env["siao.request"].create(
            {
                "detainee_id": person.id,
                "user_id": referent.id,
                "sisiao_reference": f"SI-{person.id}-{person.prison_number or ''}",
                "orientation": "chrs",
            }
        )
        request.action_submit()
        request.action_orient()
        env["siao.deadline.alert"]._schedule(person)
        if not meeting:
            meeting = env["siao.commission.meeting"].create(
                {"date": fields.Datetime.now(), "company_id": person.company_id.id}
            )
            meeting.action_start()
        line = env["siao.commission.line"].create(
            {
                "meeting_id": meeting.id,
                "detainee_id": person.id,
                "situation_summary": text,
                "decision": "maintain",
                "decision_note": f"{text}. Note de décision {person.last_name}",
                "action_user_id": referent.id,
            }
        )
        return {
            "siao.request": request,
            "siao.commission.meeting": meeting,
            "siao.commission.line": line,
        }

    @classmethod
    def _complete_voice(cls, person, text, request):
        """The person's voice: a wish, a child in the request's household, a
        letter sent and its reply slip recorded; an attestation issued."""
        env = person.env
        member = env["siao.request.member"].create(
            {"request_id": request.id, "first_name": f"Enfant {person.last_name}"}
        )
        wish = env["siao.wish"].create(
            {"detainee_id": person.id, "area": text, "note": text}
        )
        letter = env["siao.letter"].create(
            {"detainee_id": person.id, "kind": "request", "request_id": request.id}
        )
        letter.action_send()
        letter.write(
            {
                "reply_date": cls.today,
                "reply_wishes": f"{text}. Souhait de {person.first_name}",
                "reply_question": text,
            }
        )
        letter.action_record_reply()
        attestation = env["siao.attestation"]._issue(
            person,
            request,
            env["siao.housing.reservation"],
            text,
            cls.today,
            cls.worker,
        )
        hearing = env["siao.hearing"].create(
            {
                "detainee_id": person.id,
                "date": cls.today + timedelta(days=20),
                "kind": "lc",
                "note": text,
            }
        )
        plan = env["siao.release.plan"]._of_current_stay(person)
        plan.write({"route": text, "note": text, "place_name": text})
        return {
            "siao.attestation": attestation,
            "siao.hearing": hearing,
            "siao.release.plan": plan,
            "siao.request.member": member,
            "siao.wish": wish | letter.wish_id,
            "siao.letter": letter,
        }

    @classmethod
    def _complete_housing(cls, person, text, referent):
        env = person.env
        measure = env["siao.avdl.measure"].create(
            {
                "detainee_id": person.id,
                "user_id": referent.id,
                "housing_entry_date": person.estimated_release_date,
            }
        )
        measure.action_enter_housing()
        measure.action_renew(reason=text)
        # Named apart from the person: these are no records of the file.
        structure = cls.create_host_structure(f"CHRS n°{person.id}")
        place = env["siao.housing.place"].create(
            {
                "name": f"Place n°{person.id}",
                "structure_id": structure.id,
                "company_id": person.company_id.id,
                "available_from": cls.today - timedelta(days=30),
            }
        )
        reservation = env["siao.housing.reservation"].create(
            {
                "place_id": place.id,
                "detainee_id": person.id,
                "date_from": cls.today - timedelta(days=5),
                "note": text,
            }
        )
        return {
            "siao.avdl.measure": measure,
            "siao.housing.place": place,
            "siao.housing.reservation": reservation,
        }

    @classmethod
    def _complete_partners(cls, person, text, referent):
        env = person.env
        spip = env["res.partner"].create(
            {
                "name": f"SPIP n°{person.id}",
                "is_company": True,
                "siao_partner_type": "spip",
            }
        )
        officer = env["res.partner"].create(
            {
                "name": f"CPIP n°{person.id}",
                "parent_id": spip.id,
                "siao_spip_role": "cpip",
            }
        )
        exchange = env["siao.spip.exchange"].create(
            {"detainee_id": person.id, "partner_id": officer.id}
        )
        exchange.message_post(
            body=f"{text} ({person.last_name})", message_type="comment"
        )
        permanence = env["siao.permanence"].create(
            {
                "prison_id": cls.prison.id,
                "company_id": person.company_id.id,
                "user_ids": [(6, 0, referent.ids)],
            }
        )
        line = env["siao.permanence.line"].create(
            {
                "permanence_id": permanence.id,
                "detainee_id": person.id,
                "outcome": "met",
                "note": text,
            }
        )
        return {
            "siao.spip.exchange": exchange,
            "siao.permanence": permanence,
            "siao.permanence.line": line,
        }

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
