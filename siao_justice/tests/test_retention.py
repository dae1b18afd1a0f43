from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SiaoCase

NAME = "Zyxwvuteur"


@tagged("post_install", "-at_install")
class TestRetention(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_b
        cls.chrs = cls.env["res.partner"].create(
            {"name": "CHRS R", "siao_partner_type": "host_structure"}
        )
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
            cls.env["siao.commission.line"].create(
                {
                    "meeting_id": meeting.id,
                    "detainee_id": cls.person.id,
                    "decision": "maintain",
                    "decision_note": f"{NAME} sera hébergé chez sa sœur",
                }
            )
            meeting.action_start()
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
            person.state = "closed"
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
