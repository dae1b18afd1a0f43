"""The person's rights and the DPO's file: the access export (everything of the
person, found from the registry, nothing of anyone else), the limitation, the
anonymisation before its time, consent as a record, the notice, who read a file
(every way of opening it, one entry each, never rewritable), Odoo's Privacy Lookup,
the register and the DPIA, two-factor logins."""

import base64
import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta

import psycopg2

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.siao_access_log import ACCESS_WAYS, logged_in_transaction
from ..models.siao_deadline_alert import DEADLINE_REASONS
from .common import SiaoCase
from .test_portal import SpipPortalCase
from .test_portal_documents import admit

WAYS = dict(ACCESS_WAYS)


@tagged("post_install", "-at_install", "siao_privacy")
class TestPersonRights(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dpo = cls._user("siao_dpo", "privacy.group_data_protection_manager")
        cls.person = cls.create_person(
            last_name="Dufresne",
            first_name="Aurélien",
            prison_number="68A777",
            birthdate=date(1990, 4, 12),
            consent_date=date(2026, 9, 1),
            consent_scope="partners",
            expected_release_date=cls.today + timedelta(days=20),
        )
        # Another person beside them in every record that can hold two.
        cls.other = cls.create_person(
            last_name="Zabulon",
            first_name="Théophraste",
            prison_number="68Z999",
            consent_date=date(2026, 9, 1),
            consent_scope="partners",
            expected_release_date=cls.today + timedelta(days=25),
        )
        cls.full_file(cls.person)
        cls.full_file(cls.other)
        cls.env.flush_all()

    @classmethod
    def full_file(cls, person):
        """A record of every kind of the addon on ``person``'s file, a consent
        signed on paper and a tracked change."""
        meeting = getattr(cls, "meeting", None)
        if not meeting:
            meeting = cls.meeting = cls.env["siao.commission.meeting"].create(
                {"date": datetime(2026, 12, 2, 13, 0)}
            )
            meeting.action_start()
        cls.create_complete_file(person, meeting=meeting)
        person.action_record_consent(
            date(2026, 10, 1),
            "partners",
            "signed_form",
            document=base64.b64encode(f"Accord signé {person.last_name}".encode()),
            document_name="accord.pdf",
        )
        person.expected_release_date += timedelta(days=1)  # a tracked change

    # ---- Helpers ----
    def entries(self, user=None, person=None):
        # The request ends: its reads are written (as at its commit), and the next
        # call is another request.
        self.env.cr.flush()
        logged_in_transaction(self.env.cr).clear()
        domain = []
        if user:
            domain.append(("user_id", "=", user.id))
        if person:
            domain.append(("detainee_id", "=", person.id))
        return self.env["siao.access.log"].sudo().search(domain)

    def export(self, user, person=None):
        person = person or self.person
        action = person.with_user(user).action_export_person_data()
        wizard_id = int(action["url"].split("/")[4])
        wizard = self.env["siao.person.data.export"].with_user(user).browse(wizard_id)
        return zipfile.ZipFile(io.BytesIO(base64.b64decode(wizard.file_data)))

    # ---- Access (art. 15) ----
    def test_the_export_holds_every_kind_of_record_and_no_one_else(self):
        archive = self.export(self.manager)
        names = set(archive.namelist())
        # A test run renders the document as HTML (tests/test_person_documents_pdf.py
        # reads the PDF a live server writes).
        self.assertIn("donnees.html", names)
        document = archive.read("donnees.html").decode()
        # Every kind of record the registry says belongs to a person, with each
        # of this person's records.
        owned = {"siao.detainee": self.person, **self.person._owned_records()}
        kinds = 0
        for model, records in owned.items():
            if records._transient or not records:
                continue
            kinds += 1
            with self.subTest(model=model):
                rows = json.loads(archive.read(f"{model}.json"))
                self.assertEqual(len(rows), len(records))
        self.assertGreaterEqual(kinds, 14, "a full file: every kind of record")
        messages = json.loads(archive.read("mail.message.json"))
        texts = " ".join(row["body"] for row in messages)
        self.assertIn("Entretien avec Aurélien", texts)
        changes = " ".join(row["changes"] for row in messages)
        self.assertIn("→", changes, "the tracked values")
        files = [name for name in names if name.startswith("pieces-jointes/")]
        contents = b" ".join(archive.read(name) for name in files)
        self.assertIn("Courrier de Aurélien".encode(), contents)
        self.assertIn("Accord signé Dufresne".encode(), contents, "the signed form")
        # Nothing of the other person: their name, first name, prison number,
        # decision note, message or files, anywhere in the archive.
        everything = b" ".join(archive.read(name) for name in names)
        text = everything.decode("utf-8", "replace")
        self.assertIn("Entretien avec Aurélien", document)
        self.assertIn("o_siao_person_data", document)
        for secret in ("Zabulon", "ZABULON", "Théophraste", "68Z999"):
            self.assertNotIn(secret, text)
        for own in ("DUFRESNE", "68A777", "Note de décision Dufresne"):
            self.assertIn(own, text)

    def test_the_export_is_for_coordinators_and_the_dpo_and_is_logged(self):
        for user in (self.worker, self.reader, self.accountant, self.internal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.person.with_user(user).action_export_person_data()
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["ir.actions.report"].with_user(user)._render_qweb_pdf(
                    "siao_justice.action_report_person_data", self.person.ids
                )
        before = self.env["privacy.log"].sudo().search_count([])
        self.export(self.manager)
        entry = self.entries(self.manager, self.person)
        self.assertEqual(entry.mapped("way"), ["rights"])
        self.assertEqual(self.env["privacy.log"].sudo().search_count([]), before + 1)
        # The archive is its asker's alone.
        action = self.person.with_user(self.manager).action_export_person_data()
        wizard_id = int(action["url"].split("/")[4])
        manager_2 = self._user("siao_manager_2", "siao_justice.group_siao_manager")
        with self.assertRaises(AccessError):
            self.env["siao.person.data.export"].with_user(manager_2).browse(
                wizard_id
            ).read(["file_data"])

    # ---- Who read a file ----
    def test_every_way_of_opening_a_file_leaves_one_entry(self):
        self.worker.groups_id = [(4, self.env.ref("base.group_allow_export").id)]
        Person = self.env["siao.detainee"].with_user(self.worker)
        person = self.person.with_user(self.worker)
        Report = self.env["ir.actions.report"].with_user(self.worker)
        ways = {
            "form": lambda: person.web_read({"name": {}, "prison_number": {}}),
            "list": lambda: Person.web_search_read(
                [("id", "=", person.id)], {"name": {}}
            ),
            "read": lambda: person.read(["name"]),
            "search_read": lambda: Person.search_read(
                [("id", "=", person.id)], ["name"]
            ),
            "export": lambda: person.export_data(["name", "prison_number"]),
            "pdf": lambda: Report._render_qweb_pdf(
                "siao_justice.action_report_liaison_sheet", person.ids
            ),
        }
        for way, open_file in ways.items():
            with self.subTest(way=way):
                before = self.entries(self.worker, self.person)
                open_file()
                open_file()  # twice in one request: one entry
                new = self.entries(self.worker, self.person) - before
                self.assertEqual(len(new), 1)
                self.assertEqual(new.way, "read" if way == "search_read" else way)
                self.assertEqual(new.company_id, self.person.company_id)
                self.assertEqual(new.detainee_ref, self.person.id)
        # Only the ids (a relation's name on another record) read nothing.
        before = self.entries(self.worker)
        person.web_read({})
        self.assertEqual(self.entries(self.worker), before)
        # The superuser's own work is not a reading.
        before = self.entries()
        self.person.sudo().read(["name"])
        self.assertEqual(self.entries(), before)

    def test_no_context_a_client_sends_skips_the_log(self):
        person = self.person.with_user(self.worker)
        for context in (
            {"siao_read_logged": True},
            {"siao_read_way": ["list", True]},
            {"siao_read_way": ("export", "TRUSTED")},
        ):
            with self.subTest(context=context):
                before = self.entries(self.worker, self.person)
                person.with_context(**context).read(["name"])
                new = self.entries(self.worker, self.person) - before
                self.assertEqual(new.mapped("way"), ["read"])

    def test_reading_a_record_of_a_file_is_reading_the_file(self):
        self.env["siao.commission.line"].flush_model()
        request = self.person.request_ids[:1].with_user(self.worker)
        before = self.entries(self.worker)
        request.web_read({"name": {}, "state": {}})
        new = self.entries(self.worker) - before
        self.assertEqual((new.detainee_id, new.way), (self.person, "form"))
        # A meeting's cases read through its form: each of their persons.
        meeting = self.meeting.with_user(self.manager)
        before = self.entries(self.manager)
        meeting.web_read(
            {"line_ids": {"fields": {"decision_note": {}, "detainee_id": {}}}}
        )
        new = self.entries(self.manager) - before
        self.assertEqual(new.detainee_id, self.person | self.other)
        self.assertEqual(set(new.mapped("way")), {"form"})
        # A name alone (as a relation shows it) is no reading of a file.
        before = self.entries(self.worker)
        self.person.with_user(self.worker).web_read({"display_name": {}})
        self.assertEqual(self.entries(self.worker), before)
        # The copy of a file's values, and the minutes, are readings too.
        before = self.entries(self.worker, self.person)
        self.person.with_user(self.worker).copy_data()
        self.assertEqual((self.entries(self.worker, self.person) - before).way, "read")
        before = self.entries(self.manager)
        self.env["ir.actions.report"].with_user(self.manager)._render_qweb_pdf(
            "siao_justice.action_report_commission_minutes", self.meeting.ids
        )
        new = self.entries(self.manager) - before
        self.assertEqual(new.detainee_id, self.person | self.other)

    def test_many_files_in_one_row_are_refused(self):
        for fields_spec in (["name:array_agg"], ["id:recordset"]):
            with self.subTest(fields=fields_spec), self.assertRaises(AccessError):
                self.Person.with_user(self.worker).read_group([], fields_spec, [])
        with self.assertRaises(AccessError):
            self.env["siao.commission.line"].with_user(self.manager).read_group(
                [], ["decision_note:array_agg"], []
            )

    def test_a_list_of_many_files_is_one_insert(self):
        persons = self.Person
        for number in range(40):
            persons |= self.create_person(last_name=f"Liste{number}")
        self.env.flush_all()
        self.env.cr.flush()
        self.Person.with_user(self.worker).web_search_read(
            [("id", "in", persons.ids)], {"name": {}, "prison_id": {}}
        )
        with self.assertQueryCount(1):
            self.env.cr.flush()
        self.assertEqual(
            len(self.entries(self.worker).filtered(lambda e: e.detainee_id in persons)),
            40,
        )

    def test_nobody_changes_or_deletes_an_entry(self):
        self.person.with_user(self.worker).read(["name"])
        entry = self.entries(self.worker, self.person)
        self.assertTrue(entry)
        admin = self.env.ref("base.user_admin")
        for user in (
            self.reader,
            self.worker,
            self.manager,
            self.accountant,
            self.internal,
            self.portal,
            self.dpo,
            admin,
        ):
            log = entry.with_user(user)
            for attempt in (
                lambda log: log.write({"way": "list"}),
                lambda log: log.unlink(),
                lambda log: log.create(
                    {"detainee_id": self.other.id, "user_id": log.env.uid}
                ),
                lambda log: log.sudo().write({"user_id": admin.id}),
                lambda log: log.sudo().unlink(),
            ):
                with self.subTest(user=user.login), self.assertRaises(AccessError):
                    attempt(log)
        # Nor SQL, whoever runs it: PostgreSQL refuses (but the purge).
        for statement in (
            "UPDATE siao_access_log SET way = 'list' WHERE id = %s",
            "UPDATE siao_access_log SET detainee_id = NULL, way = 'pdf' WHERE id = %s",
            "DELETE FROM siao_access_log WHERE id = %s",
            "TRUNCATE siao_access_log",
        ):
            with self.subTest(statement=statement), mute_logger("odoo.sql_db"):
                with self.assertRaises(psycopg2.Error), self.env.cr.savepoint():
                    self.env.cr.execute(statement, [entry.id])
        self.assertEqual(entry.way, "read")

    def test_the_log_is_read_by_coordinators_and_the_dpo_only(self):
        self.person.with_user(self.worker).read(["name"])
        self.entries()
        for user in (self.manager, self.dpo):
            self.assertTrue(self.env["siao.access.log"].with_user(user).search([]))
        for user in (self.reader, self.worker, self.accountant, self.internal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["siao.access.log"].with_user(user).search([])
        action = self.person.with_user(self.manager).action_open_access_log()
        self.assertEqual(action["domain"], [("detainee_id", "=", self.person.id)])
        self.assertEqual(self.person.with_user(self.manager).access_log_count, 1)

    def test_a_deleted_file_keeps_its_entries(self):
        person = self.create_person(last_name="Supprimé")
        person.with_user(self.worker).read(["name"])
        entry = self.entries(self.worker, person)
        person.with_user(self.manager).unlink()
        entry.invalidate_recordset()
        self.assertFalse(entry.detainee_id)
        self.assertEqual(entry.detainee_ref, person.id)

    def test_entries_are_kept_their_time_then_purged(self):
        self.person.with_user(self.worker).read(["name"])
        self.entries()
        company = self.company
        for months in (5, 13, 0):
            with self.subTest(months=months), self.assertRaises(ValidationError):
                company.siao_access_log_months = months
        company.siao_access_log_months = 6
        Log = self.env["siao.access.log"]
        self.assertEqual(Log._cron_purge(), 0)
        with self.env.cr.savepoint():
            self.env.cr.execute(
                "ALTER TABLE siao_access_log DISABLE TRIGGER siao_access_log_guard"
            )
            self.env.cr.execute(
                "UPDATE siao_access_log SET date = %s",
                [datetime(2026, 6, 1, 21, 59)],
            )
            self.env.cr.execute(
                "ALTER TABLE siao_access_log ENABLE TRIGGER siao_access_log_guard"
            )
        Log.invalidate_model()
        # Six months before the association's 2 December: 2 June, Paris time.
        self.assertGreaterEqual(Log._cron_purge(), 1)
        self.assertFalse(self.entries())
        # Deleting is the purge's alone again.
        self.person.with_user(self.worker).read(["name"])
        entry = self.entries()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.Error):
            with self.env.cr.savepoint():
                self.env.cr.execute("DELETE FROM siao_access_log")
        self.assertTrue(entry.exists())

    # ---- Limitation (art. 18) ----
    def test_a_limited_file_is_read_only_and_out_of_the_jobs(self):
        with self.assertRaises(AccessError):
            self.person.with_user(self.worker).action_freeze("demande")
        with self.assertRaises(UserError):
            self.person.with_user(self.manager).action_freeze(" ")
        self.person.with_user(self.manager).action_freeze("Courrier du 1er décembre")
        self.assertTrue(self.person.frozen)
        self.assertEqual(self.person.frozen_since, self.today)
        for user in (self.worker, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    self.person.with_user(user).write({"first_name": "Autre"})
                with self.assertRaises(UserError):
                    self.env["siao.resource.right"].with_user(user).create(
                        {"detainee_id": self.person.id, "right_type": "rsa"}
                    )
                with self.assertRaises(UserError):
                    self.person.request_ids[:1].with_user(user).write(
                        {"sisiao_reference": "SI-123"}
                    )
        # Nothing of it is deleted, posted or merged either.
        with self.assertRaises(UserError):
            self.person.resource_right_ids[:1].with_user(self.worker).unlink()
        with self.assertRaises(UserError):
            self.person.with_user(self.worker).message_post(body="note")
        with self.assertRaises(UserError):
            self.person.request_ids[:1].with_user(self.worker).message_post(body="note")
        merge = (
            self.env["siao.detainee.merge"]
            .with_user(self.manager)
            .create(
                {
                    "detainee_ids": [(6, 0, (self.person | self.other).ids)],
                    "target_id": self.other.id,
                }
            )
        )
        with self.assertRaises(UserError):
            merge.action_merge()
        # Its case on the coming commission is withdrawn; its deadline activities
        # are done with.
        self.assertNotIn(self.person, self.meeting.line_ids.detainee_id)
        deadline_types = [self.env.ref(x).id for x in DEADLINE_REASONS.values()]
        self.assertFalse(
            self.env["mail.activity"].search(
                [
                    ("res_model", "=", "siao.detainee"),
                    ("res_id", "=", self.person.id),
                    ("activity_type_id", "in", deadline_types),
                ]
            )
        )
        # Out of the nightly jobs and the commission's agenda...
        Alert = self.env["siao.deadline.alert"]
        for domain in Alert._candidate_domains().values():
            self.assertNotIn(self.person, self.Person.search(domain))
        self.assertNotIn(
            self.person, self.Person.search(self.Person._retention_domain())
        )
        meeting = self.env["siao.commission.meeting"].create(
            {"date": datetime(2027, 1, 12, 13, 0)}
        )
        self.assertNotIn(self.person, self.Person.search(meeting._agenda_domain()))
        # ... still counted, and read as before.
        self.assertIn(self.person, self.Person.with_user(self.worker).search([]))
        # Its consent may still be withdrawn: it only narrows the sharing.
        self.person.with_user(self.worker).action_withdraw_consent()
        self.assertFalse(self.person.consent_scope)
        self.person.with_user(self.manager).action_unfreeze()
        self.person.with_user(self.worker).write({"first_name": "Aurélien"})
        logs = self.env["privacy.log"].sudo().search([], order="id desc", limit=2)
        self.assertEqual(
            logs.mapped("execution_details"),
            [
                f"Limitation lifted: siao.detainee #{self.person.id}",
                f"Processing limited: siao.detainee #{self.person.id}",
            ],
        )

    # ---- Erasure, objection (art. 17, 21) ----
    def test_a_file_is_anonymised_now_with_a_reason_and_an_override(self):
        with self.assertRaises(AccessError):
            self.person.with_user(self.worker).action_anonymise_now("demande")
        with self.assertRaises(UserError):
            self.person.with_user(self.manager).action_anonymise_now("")
        # Support under way (a measure, a request, a place held): an override.
        with self.assertRaises(UserError):
            self.person.with_user(self.manager).action_anonymise_now("Opposition")
        self.assertFalse(self.person.anonymised)
        # The DPO acts on the files they read (with a coordinator's role).
        with self.assertRaises(AccessError):
            self.person.with_user(self.dpo).action_anonymise_now(
                "Opposition", override_reason="décision du DPO"
            )
        self.dpo.groups_id = [(4, self.env.ref("siao_justice.group_siao_manager").id)]
        self.person.with_user(self.dpo).action_anonymise_now(
            "Opposition du 1er décembre", override_reason="décision du DPO"
        )
        self.assertTrue(self.person.anonymised)
        self.assertNotIn("Dufresne", self.person.last_name)
        # What was open ended first: no measure, request or place held any more.
        self.assertFalse(self.person._support_under_way())
        self.assertFalse(any(self.person.consent_ids.mapped("document")))
        self.assertFalse(
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "siao.detainee"),
                    ("res_id", "=", self.person.id),
                ]
            )
        )
        log = self.env["privacy.log"].sudo().search([], order="id desc", limit=1)
        self.assertIn("Opposition du 1er décembre", log.additional_note)
        self.assertIn("décision du DPO", log.additional_note)
        self.assertNotIn("Dufresne", log.anonymized_name)
        # Without support under way, a reason is enough.
        quiet = self.create_person(last_name="Tranquille")
        quiet.with_user(self.manager).action_anonymise_now("Effacement demandé")
        self.assertTrue(quiet.anonymised)

    # ---- Consent (art. 7) ----
    def test_consent_is_a_record_and_its_withdrawal_an_act(self):
        person = self.create_person(last_name="Accord")
        self.assertFalse(person.consent_ids)
        person.with_user(self.worker).action_record_consent(
            date(2026, 11, 20), "siao_spip", "office_hours"
        )
        self.assertEqual(
            person.sharing_group_id, self.env.ref("siao_justice.group_siao_reader")
        )
        self.assertTrue(person.with_user(self.reader).search([("id", "=", person.id)]))
        # A plain change of the file's consent is recorded too.
        person.with_user(self.worker).write({"consent_scope": "partners"})
        spip = self.env["res.partner"].create(
            {"name": "SPIP suiveur", "is_company": True, "siao_partner_type": "spip"}
        )
        officer = self.env["res.partner"].create(
            {"name": "CPIP suiveuse", "parent_id": spip.id, "siao_spip_role": "cpip"}
        )
        person.message_subscribe(partner_ids=officer.ids)
        self.assertIn(officer, person.message_partner_ids)
        person.with_user(self.worker).action_withdraw_consent(
            date=date(2026, 12, 1), how="reply_slip", note="lettre du 28/11"
        )
        self.assertFalse(person.consent_scope)
        self.assertFalse(person.consent_date)
        self.assertNotEqual(
            person.sharing_group_id, self.env.ref("siao_justice.group_siao_reader")
        )
        self.assertFalse(person.with_user(self.reader).search([("id", "=", person.id)]))
        self.assertNotIn(officer, person.message_partner_ids, "no follower outside")
        history = person.consent_ids.sorted("id")
        self.assertEqual(history.mapped("kind"), ["given", "given", "withdrawn"])
        self.assertEqual(history.mapped("how"), ["office_hours", "file", "reply_slip"])
        self.assertEqual(history[-1].date, date(2026, 12, 1))
        self.assertEqual(history[-1].note, "lettre du 28/11")
        self.assertIn("Consent withdrawn", person.message_ids[0].body)
        # Nothing to withdraw any more.
        with self.assertRaises(UserError):
            person.with_user(self.worker).action_withdraw_consent()
        # The readers see the history of the files they read, no one changes it.
        with self.assertRaises(AccessError):
            history[0].with_user(self.manager).write({"note": "x"})

    # ---- The notice (art. 13) ----
    def test_the_notice_tells_the_person_how_to_use_their_rights(self):
        self.company.write(
            {
                "siao_dpo_name": "Mme la déléguée",
                "siao_dpo_address": "12 rue du Sauvage\n68100 Mulhouse",
            }
        )
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.worker)
            .with_context(lang="fr_FR")
            ._render_qweb_pdf(
                "siao_justice.action_report_person_notice", self.person.ids
            )
        )
        html = html.decode()
        for expected in (
            "Mme la déléguée",
            "12 rue du Sauvage",
            "3 place de Fontenoy",
            str(self.company.siao_retention_months),
            "DUFRESNE",
        ):
            self.assertIn(expected, html)
        self.assertNotIn("Zabulon", html)
        self.person.with_user(self.worker).action_record_notice_given()
        self.assertEqual(self.person.notice_given_date, self.today)

    # ---- The register and the DPIA ----
    def test_the_register_follows_the_settings(self):
        Activity = self.env["privacy.activity"]
        entries = Activity.search([("siao_company_id", "=", self.company.id)])
        self.assertEqual(
            sorted(entries.mapped("siao_activity")),
            ["avdl", "cpom", "portal", "release"],
        )
        self.assertEqual(entries.controller_id, self.company.partner_id)
        release = entries.filtered(lambda a: a.siao_activity == "release")
        self.company.siao_retention_months = 30
        self.assertIn("30 months", release.description)
        self.company.siao_collect_nir = True
        self.assertIn("NIR, validated", release.description)
        french = release.with_context(lang="fr_FR")
        self.assertEqual(french.name, "Préparation de la sortie avec le SPIP")
        self.assertIn("30 mois", french.description)
        # Another company has its own entries, its controller.
        self.assertEqual(
            len(Activity.search([("siao_company_id", "=", self.company_b.id)])), 4
        )
        # The DPIA: for the coordinators and the DPO.
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_pdf("siao_justice.action_report_dpia", self.company.ids)
        )
        self.assertIn(release.name, html.decode())
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.worker)._render_qweb_pdf(
                "siao_justice.action_report_dpia", self.company.ids
            )

    # ---- Odoo's Privacy Lookup ----
    def lookup(self, name, email=""):
        admin = self.env.ref("base.user_admin")
        wizard = (
            self.env["privacy.lookup.wizard"]
            .with_user(admin)
            .create({"name": name, "email": email})
        )
        wizard.action_lookup()
        return wizard

    def test_privacy_lookup_finds_the_persons_and_anonymises_them(self):
        owned = {"siao.detainee": self.person, **self.person._owned_records()}
        for typed in ("DUFRESNE Aurélien", "aurélien dufresne", "68A777-T"):
            with self.subTest(typed=typed):
                wizard = self.lookup(typed)
                found = {(line.res_model, line.res_id) for line in wizard.line_ids}
                for model, records in owned.items():
                    if records._transient:
                        continue
                    for record in records:
                        self.assertIn((model, record.id), found)
                self.assertNotIn(("siao.detainee", self.other.id), found)
        # A contact's lookup (a SPIP officer referent of the file) does not bring
        # the files they follow.
        officer = self.env["res.partner"].create(
            {"name": "Cpip Lookup", "email": "cpip.lookup@spip.example.com"}
        )
        self.person.sudo().spip_referent_id = officer
        wizard = self.lookup("Cpip Lookup", "cpip.lookup@spip.example.com")
        self.assertNotIn("siao.detainee", wizard.line_ids.mapped("res_model"))
        wizard = self.lookup("Dufresne")
        lines = wizard.line_ids
        person_line = lines.filtered(lambda line: line.res_model == "siao.detainee")
        request_line = lines.filtered(lambda line: line.res_model == "siao.request")
        # Deleting is refused for the addon's records.
        for line in (person_line, request_line):
            with self.assertRaises(UserError):
                line.action_unlink()
        # A record of the file alone is not archived: its file is.
        request_line.is_active = False
        with self.assertRaises(UserError):
            request_line._onchange_is_active()
        # Support under way: the file's own action asks for the override.
        with self.assertRaises(UserError):
            lines.action_archive_all()
        self.assertFalse(self.person.anonymised)
        quiet = self.create_person(last_name="Quiétude", first_name="Léa")
        wizard = self.lookup("Quiétude Léa")
        wizard.line_ids.action_archive_all()
        self.assertTrue(quiet.anonymised)
        self.assertIn(f"#{quiet.id}", wizard.execution_details)
        self.assertEqual(wizard.log_id.execution_details, wizard.execution_details)
        self.assertNotIn("Quiétude", wizard.log_id.anonymized_name)
        self.assertTrue(wizard.log_id.anonymized_email)

    # ---- Two-factor logins ----
    def test_every_siao_role_logs_in_with_a_second_factor(self):
        self.company.siao_require_2fa = True  # the default (the demo turns it off)
        for user in (self.reader, self.worker, self.manager, self.accountant):
            with self.subTest(user=user.login):
                self.assertEqual(user._mfa_type(), "totp_mail")
        spip = self.env["res.partner"].create(
            {"name": "SPIP 2FA", "is_company": True, "siao_partner_type": "spip"}
        )
        officer = self.create_officer("cpip_2fa", spip)
        self.assertEqual(officer._mfa_type(), "totp_mail", "the SPIP's staff too")
        for user in (self.internal, self.portal):
            with self.subTest(user=user.login):
                self.assertIsNone(user._mfa_type())
        self.company.siao_require_2fa = False
        self.assertIsNone(self.worker._mfa_type())


@tagged("post_install", "-at_install", "siao_privacy")
class TestReadsThroughTheServer(SpipPortalCase):
    """The ways a file is read through the server: the portal's pages and the
    attestation, a document's route, the web client's RPC; and the login of a user
    of the addon, which asks for a second factor."""

    def entries(self, user, person):
        self.env.cr.flush()
        return (
            self.env["siao.access.log"]
            .sudo()
            .search([("user_id", "=", user.id), ("detainee_id", "=", person.id)])
        )

    def test_the_portal_pages_and_documents_are_logged(self):
        admit(self, self.followed)
        for url, way in (
            ("/my/siao", "portal"),
            (f"/my/siao/{self.followed.id}", "portal"),
            (f"/my/siao/{self.followed.id}/attestation", "pdf"),
        ):
            with self.subTest(url=url):
                before = self.entries(self.officer, self.followed)
                self.assertEqual(self.page("cpip_muller", url).status_code, 200)
                new = self.entries(self.officer, self.followed) - before
                self.assertEqual(new.mapped("way"), [way])
        # What the officer may not see is not opened, hence not logged.
        self.page("cpip_muller", f"/my/siao/{self.of_colleague.id}")
        self.assertFalse(self.entries(self.officer, self.of_colleague))

    def test_the_back_office_routes_log_their_reads(self):
        self.authenticate("siao_worker", "siao_worker")
        before = self.entries(self.worker, self.followed)
        response = self.url_open(
            f"/report/html/siao_justice.report_liaison_sheet/{self.followed.id}"
        )
        self.assertEqual(response.status_code, 200)
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/siao.detainee/web_read",
            {
                "model": "siao.detainee",
                "method": "web_read",
                "args": [self.followed.ids, {"name": {}}],
                "kwargs": {},
            },
        )
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/siao.detainee/web_search_read",
            {
                "model": "siao.detainee",
                "method": "web_search_read",
                "args": [[("id", "=", self.followed.id)], {"name": {}}],
                "kwargs": {},
            },
        )
        new = self.entries(self.worker, self.followed) - before
        self.assertEqual(sorted(new.mapped("way")), ["form", "list", "pdf"])

    def test_a_user_of_the_addon_logs_in_with_a_second_factor(self):
        self.company.siao_require_2fa = True
        for login, second_factor in (
            ("siao_worker", True),
            ("siao_manager", True),
            ("plain_internal", False),
        ):
            with self.subTest(login=login):
                self.authenticate(None, None)
                form = self.url_open("/web/login")
                token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
                response = self.url_open(
                    "/web/login",
                    data={
                        "login": login,
                        "password": login,
                        "csrf_token": token.group(1),
                    },
                    allow_redirects=False,
                )
                self.assertIn(response.status_code, (302, 303))
                self.assertEqual(
                    "/web/login/totp" in response.headers["Location"], second_factor
                )

    def test_a_withdrawal_closes_the_portal_at_once(self):
        url = f"/my/siao/{self.followed.id}"
        self.assertEqual(self.page("cpip_muller", url).status_code, 200)
        self.followed.with_user(self.worker).action_withdraw_consent()
        self.assertEqual(self.page("cpip_muller", url).status_code, 404)
        listing = self.page("cpip_muller", "/my/siao")
        self.assertNotIn(self.followed.name, listing.text)
