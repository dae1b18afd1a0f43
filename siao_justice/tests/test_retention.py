from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.siao_detainee_retention import free_text_fields
from .common import SiaoCase

NAME = "Zyxwvuteur"


@tagged("post_install", "-at_install", "siao_privacy")
class TestRetention(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_b
        with freeze_time(date(2023, 1, 10)):
            cls.person = cls.create_person(
                last_name=NAME,
                first_name="Quentin",
                birthdate=date(1988, 7, 14),
                prison_number="68Q99887",
                restrictions=f"Interdiction de contact avec {NAME} junior",
                notes=f"{NAME} a un frère à Colmar",
                company_id=company.id,
                user_id=cls.worker_b.id,
                consent_date=date(2023, 1, 5),
                incarceration_date=date(2022, 1, 1),
                expected_release_date=date(2023, 3, 1),
                prison_id=False,
            )
            request = cls.env["siao.request"].create(
                {"detainee_id": cls.person.id, "orientation": "chrs"}
            )
            request.action_submit()
            request.action_cancel(f"Doublon de la demande de {NAME}")
            cls.person.message_post(
                body=f"Entretien avec {NAME} au parloir", message_type="comment"
            )
            cls.env["ir.attachment"].create(
                {
                    "name": f"CV {NAME}.txt",
                    "raw": f"Curriculum de {NAME}".encode(),
                    "res_model": "siao.detainee",
                    "res_id": cls.person.id,
                }
            )
            meeting = cls.env["siao.commission.meeting"].create(
                {"date": datetime(2023, 1, 10, 13, 0), "company_id": company.id}
            )
            meeting.action_start()
            cls.env["siao.commission.line"].create(
                {
                    "meeting_id": meeting.id,
                    "detainee_id": cls.person.id,
                    "decision": "maintain",
                    "decision_note": f"{NAME} sera hébergé chez sa sœur",
                }
            )
            meeting.action_close()
            cls.meeting = meeting
        with freeze_time(date(2023, 2, 20)):
            cls.person.action_record_release(
                release_date=date(2023, 2, 20), outcome="family"
            )
        cls.env.flush_all()

    def leaks(self):
        """Every place of the database where the name still appears."""
        cr = self.env.cr
        cr.execute(
            """SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = 'public'
                  AND (table_name LIKE 'siao\\_%%'
                       OR table_name IN ('mail_message', 'mail_tracking_value',
                                         'ir_attachment', 'mail_activity'))
                  AND data_type IN ('character varying', 'text', 'jsonb')"""
        )
        found = []
        for table, column in cr.fetchall():
            cr.execute(
                SQL(
                    "SELECT count(*) FROM %s WHERE %s::text ILIKE %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    f"%{NAME}%",
                )
            )
            if cr.fetchone()[0]:
                found.append(f"{table}.{column}")
        for attachment in self.env["ir.attachment"].sudo().search([]):
            if (
                NAME.encode() in (attachment.raw or b"")
                or NAME.lower().encode() in (attachment.raw or b"").lower()
            ):
                found.append(f"ir_attachment {attachment.id} content")
        return found

    def test_last_contact_follows_messages_state_changes_and_commissions(self):
        person = self.create_person(last_name="Contact")
        with freeze_time(date(2026, 2, 3)):
            person.message_post(body="Appel du SPIP", message_type="comment")
        self.assertEqual(person.last_contact_date, date(2026, 2, 3))
        with freeze_time(date(2026, 3, 4)):
            person.action_close_file("other")
        self.assertEqual(person.last_contact_date, date(2026, 3, 4))
        activity = person.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.worker.id
        )
        with freeze_time(date(2026, 4, 5)):
            activity.action_feedback("Rendez-vous honoré")
        self.assertEqual(person.last_contact_date, date(2026, 4, 5))
        meeting = self.env["siao.commission.meeting"].create(
            {"date": "2026-05-12 12:00:00"}
        )
        meeting.action_start()
        with freeze_time(date(2026, 5, 6)):
            self.env["siao.commission.line"].create(
                {"meeting_id": meeting.id, "detainee_id": person.id}
            )
        self.assertEqual(person.last_contact_date, date(2026, 5, 6))

    def test_file_due_only_after_the_retention_period_and_when_not_detained(self):
        Person = self.env["siao.detainee"].with_context(active_test=False)
        self.assertEqual(self.person.last_contact_date, date(2023, 2, 20))
        due = Person.search(Person._retention_domain(date(2025, 2, 19)))
        self.assertNotIn(self.person, due)
        due = Person.search(Person._retention_domain(date(2025, 2, 21)))
        self.assertIn(self.person, due)
        detained = self.create_person(
            last_name="Still inside",
            company_id=self.company_b.id,
            user_id=self.worker_b.id,
            prison_id=False,
        )
        detained.last_contact_date = date(2020, 1, 1)
        self.assertNotIn(
            detained, Person.search(Person._retention_domain(date(2025, 2, 21)))
        )

    def test_coordinator_sees_the_coming_anonymisations_and_postpones_one(self):
        with freeze_time(date(2025, 2, 1)):
            action = self.env["siao.detainee"].action_open_retention_preview()
            self.assertIn(
                self.person,
                self.env["siao.detainee"]
                .with_context(active_test=False)
                .search(action["domain"]),
            )
            with self.assertRaises(UserError):
                self.person.with_user(self.worker_b).action_postpone_retention(
                    date(2026, 1, 1), "procédure"
                )
            manager_b = self._user(
                "manager_b", "siao_justice.group_siao_manager", company=self.company_b
            )
            self.person.with_user(manager_b).action_postpone_retention(
                date(2026, 1, 1), "Recours en cours"
            )
        with freeze_time(date(2025, 6, 1)):
            self.assertNotIn(self.person, self.env["siao.detainee"]._cron_anonymise())
        self.assertFalse(self.person.anonymised)
        with freeze_time(date(2026, 1, 2)):
            self.assertIn(self.person, self.env["siao.detainee"]._cron_anonymise())

    def test_no_trace_of_the_name_after_anonymisation_and_figures_unchanged(self):
        Indicators = self.env["siao.cpom.indicators"]
        before = Indicators.compute(
            date(2023, 1, 1), date(2023, 12, 31), self.company_b.ids
        )
        self.assertTrue(self.leaks(), "the name is in the database before")
        with freeze_time(date(2025, 3, 1)):
            anonymised = self.env.ref(
                "siao_justice.ir_cron_siao_retention"
            ).method_direct_trigger()
        self.env.flush_all()
        self.env.invalidate_all()
        person = self.person.with_context(active_test=False)
        self.assertTrue(person.anonymised)
        self.assertEqual(person.birthdate, date(1988, 1, 1))
        self.assertFalse(person.prison_number)
        self.assertEqual(self.leaks(), [])
        after = Indicators.compute(
            date(2023, 1, 1), date(2023, 12, 31), self.company_b.ids
        )
        self.assertEqual(after, before)
        self.assertTrue(self.meeting.minutes_attachment_id)
        self.assertTrue(anonymised is True or anonymised is None or anonymised)


@tagged("post_install", "-at_install", "siao_privacy")
class TestRetentionRules(SiaoCase):
    """Retention is driven by its rules alone: no plain write steers it, every act
    of support counts as a contact, and nothing identifying survives it."""

    def started_meeting(self, when):
        meeting = self.env["siao.commission.meeting"].create({"date": when})
        meeting.action_start()
        return meeting

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin_user = cls._user(
            "siao_sysadmin", "base.group_system,siao_justice.group_siao_manager"
        )
        cls.place = cls.env["siao.housing.place"].create(
            {
                "name": "T1",
                "structure_id": cls.chrs.id,
                "available_from": date(2020, 1, 1),
            }
        )

    def released(self, **values):
        person = self.create_person(consent_date=date(2020, 1, 1), **values)
        person.action_record_release(release_date=date(2024, 3, 1), outcome="family")
        return person

    def make_old(self, person):
        person.sudo().last_contact_date = date(2024, 3, 1)

    def due(self, person, on_day=date(2026, 12, 1)):
        Person = self.env["siao.detainee"].with_context(active_test=False)
        return person in Person.search(Person._retention_domain(on_day))

    def test_retention_fields_refuse_a_plain_write_coordinators_included(self):
        person = self.released()
        other = self.create_person(last_name="Autre")
        steering = {
            "last_contact_date": "2000-01-01",
            "anonymised": True,
            "retention_postponed_until": "2100-01-01",
            "retention_postpone_reason": "pour voir",
            "pseudonym": "MARTIN Paul",
            "merged_into_id": other.id,
        }
        before = person.read(list(steering))[0]
        for user in (self.worker, self.manager):
            for name, value in steering.items():
                with (
                    self.subTest(user=user.login, field=name),
                    self.assertRaises(ValidationError),
                ):
                    person.with_user(user).write({name: value})
                with (
                    self.subTest(user=user.login, field=name, create=True),
                    self.assertRaises(ValidationError),
                ):
                    self.env["siao.detainee"].with_user(user).create(
                        {"last_name": "Nouveau", name: value}
                    )
        self.env.invalidate_all()
        self.assertEqual(person.read(list(steering))[0], before)

    def test_a_system_administrator_loads_a_last_contact_tracked(self):
        person = self.released()
        self.env.flush_all()
        self.env.cr.flush()  # creation is not tracked: end its precommit phase first
        self.env["siao.detainee"].browse(person.ids).with_user(self.admin_user).write(
            {"last_contact_date": "2019-05-04"}
        )
        self.env.flush_all()
        self.env.cr.flush()
        self.assertEqual(person.last_contact_date, date(2019, 5, 4))
        tracked = person.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "last_contact_date"
        )
        self.assertTrue(tracked)
        self.assertEqual(tracked[:1].create_uid, self.admin_user)

    def test_every_act_of_support_moves_the_last_contact(self):
        person = self.create_person(consent_date=date(2020, 1, 1))
        Request = self.env["siao.request"].with_user(self.worker)
        acts = [
            lambda: Request.create({"detainee_id": person.id, "orientation": "chrs"}),
            lambda: person.request_ids.with_user(self.worker).action_submit(),
            lambda: person.request_ids.with_user(self.worker).message_post(
                body="Relance du SIAO"
            ),
            lambda: self.env["siao.avdl.measure"]
            .with_user(self.worker)
            .create({"detainee_id": person.id, "user_id": self.worker.id}),
            lambda: person.avdl_measure_ids.with_user(self.worker).write(
                {"housing_entry_date": "2026-02-01"}
            ),
            lambda: person.avdl_measure_ids.with_user(self.worker).message_post(
                body="Visite à domicile"
            ),
            lambda: self.env["siao.housing.reservation"]
            .with_user(self.worker)
            .create(
                {
                    "place_id": self.place.id,
                    "detainee_id": person.id,
                    "date_from": "2027-01-01",
                }
            ),
            lambda: person.reservation_ids.with_user(self.worker).write(
                {"note": "Gel confirmé par le CHRS"}
            ),
            lambda: person.resource_right_ids[:1]
            .with_user(self.worker)
            .write({"status": "prepared"}),
            lambda: self.env["siao.commission.line"].create(
                {
                    "meeting_id": self.started_meeting("2026-12-08 13:00:00").id,
                    "detainee_id": person.id,
                }
            ),
            lambda: person.env["siao.commission.line"]
            .search([("detainee_id", "=", person.id)])
            .with_user(self.worker)
            .write({"decision": "maintain"}),
        ]
        for index, act in enumerate(acts):
            day = date(2026, 1, 1) + timedelta(days=index)
            with self.subTest(act=index), freeze_time(day):
                act()
                self.env.flush_all()
                self.assertEqual(person.last_contact_date, day)

    def test_nobody_is_anonymised_during_an_open_measure_or_occupation(self):
        person = self.released()
        measure = self.env["siao.avdl.measure"].create(
            {
                "detainee_id": person.id,
                "user_id": self.worker.id,
                "housing_entry_date": date(2024, 3, 5),
            }
        )
        measure.action_enter_housing()
        self.make_old(person)
        self.assertFalse(self.due(person), "an active measure")
        measure.action_close(closing_date=date(2024, 6, 1), closing_reason="other")
        self.make_old(person)
        self.assertTrue(self.due(person))
        occupation = self.env["siao.housing.reservation"].create(
            {
                "place_id": self.place.id,
                "detainee_id": person.id,
                "kind": "occupation",
                "date_from": date(2024, 3, 1),
            }
        )
        self.make_old(person)
        self.assertFalse(self.due(person), "an occupation without end")
        occupation.date_to = date(2024, 6, 30)
        self.make_old(person)
        self.assertTrue(self.due(person))
        request = self.env["siao.request"].create({"detainee_id": person.id})
        self.make_old(person)
        self.assertFalse(self.due(person), "an open request")
        request.action_cancel(reason="Sans objet")
        self.make_old(person)
        self.assertTrue(self.due(person))

    def test_merged_files_are_anonymised_with_the_file_kept(self):
        kept = self.released(last_name="Gardé")
        merged = self.create_person(last_name="Fusionnéxyz", first_name="Ondine")
        merged.message_post(body="Fusionnéxyz rencontrée au parloir")
        kept.with_user(self.manager)._merge_files(merged)
        self.assertEqual(merged.merged_into_id, kept)
        self.assertFalse(self.due(merged), "a merged file follows the file kept")
        self.make_old(kept)
        self.assertTrue(self.due(kept))
        self.env["siao.detainee"]._cron_anonymise()
        self.assertTrue(merged.anonymised)
        self.assertFalse(merged.first_name)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM mail_message WHERE body ILIKE %s",
            ("%Fusionnéxyz%",),
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_every_free_text_field_of_a_file_is_erased(self):
        """Every free-text field of the person and of every model that belongs to
        a person (found from the registry) is seeded, with an e-mail still queued;
        after anonymisation the seed is nowhere in the database."""
        seed = "Qwertzuiopé"
        partner = self.env["res.partner"].create(
            {"name": "SPIP T", "email": "spip@example.com", "siao_partner_type": "spip"}
        )
        # A consent that covers the SPIP's contact: its e-mail is sent.
        person = self.released(last_name=f"{seed}-nom", consent_scope="partners")
        request = self.env["siao.request"].create(
            {"detainee_id": person.id, "orientation": "chrs"}
        )
        request.action_submit()
        request.action_cancel(reason=f"{seed} annulée")
        measure = self.env["siao.avdl.measure"].create(
            {
                "detainee_id": person.id,
                "user_id": self.worker.id,
                "housing_entry_date": date(2024, 3, 5),
            }
        )
        measure.action_enter_housing()
        measure.action_renew(reason=f"{seed} renouvelée")
        measure.action_close(closing_date=date(2024, 9, 1), closing_reason="other")
        self.env["siao.housing.reservation"].create(
            {
                "place_id": self.place.id,
                "detainee_id": person.id,
                "date_from": date(2024, 3, 1),
                "date_to": date(2024, 3, 2),
            }
        )
        meeting = self.env["siao.commission.meeting"].create(
            {"date": "2024-03-12 13:00:00"}
        )
        meeting.action_start()
        self.env["siao.commission.line"].create(
            {"meeting_id": meeting.id, "detainee_id": person.id, "decision": "close"}
        )
        self.env["siao.deadline.alert"].create(
            {"detainee_id": person.id, "reason": "lsc"}
        )
        owned = person._owned_records()
        seeded = []
        for model, records in [("siao.detainee", person), *owned.items()]:
            texts = free_text_fields(self.env[model])
            for record in records:
                for field in texts:
                    if field.name in ("last_name", "pseudonym", "nir"):
                        continue  # replaced by the pseudonym, kept, or validated
                    record.write({field.name: f"{seed} {field.name} {record.id}"})
                    seeded.append(f"{model}.{field.name}")
        self.assertIn("siao.request.sisiao_reference", seeded)
        self.assertIn("siao.resource.right.note", seeded)
        self.assertIn("siao.avdl.renewal.reason", seeded)
        self.assertIn("siao.detainee.retention_postpone_reason", seeded)
        person.with_context(mail_notify_force_send=False).message_post(
            body=f"{seed} au SPIP", partner_ids=partner.ids, message_type="comment"
        )
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM mail_mail WHERE body_html ILIKE %s", (f"%{seed}%",)
        )
        self.assertTrue(self.env.cr.fetchone()[0], "an e-mail is queued")
        self.make_old(person)
        self.env["siao.detainee"]._cron_anonymise()
        self.env.flush_all()
        self.assertTrue(person.anonymised)
        self.assertFalse(person.nir)
        self.env.cr.execute(
            """SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = 'public'
                  AND (table_name LIKE 'siao\\_%%'
                       OR table_name IN ('mail_message', 'mail_mail',
                                         'mail_tracking_value', 'ir_attachment',
                                         'mail_activity'))
                  AND data_type IN ('character varying', 'text', 'jsonb')"""
        )
        found = []
        for table, column in self.env.cr.fetchall():
            self.env.cr.execute(
                SQL(
                    "SELECT count(*) FROM %s WHERE %s::text ILIKE %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    f"%{seed}%",
                )
            )
            if self.env.cr.fetchone()[0]:
                found.append(f"{table}.{column}")
        self.assertEqual(found, [])
