from datetime import date, timedelta

import psycopg2
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.siao_detainee import STAY_FIELDS
from .common import SiaoCase

DAY = date(2026, 3, 2)


def cpom(env, date_from, date_to):
    rows = env["siao.cpom.indicators"].compute(date_from, date_to, env.company.ids)
    return {row["code"]: row["value"] for row in rows}


@tagged("post_install", "-at_install", "siao_file")
class TestStays(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prison_2 = cls.env["res.partner"].create(
            {
                "name": "Centre de détention de test",
                "is_company": True,
                "siao_partner_type": "prison",
                "prison_type": "cd",
            }
        )
        chrs = cls.chrs
        cls.place = cls.create_place(chrs, "Place test", date(2024, 1, 1))

    def released_person(self, **values):
        person = self.create_person(
            prison_number="1001",
            sentence_months=10,
            sentence_end_date=date(2024, 11, 1),
            expected_release_date=date(2024, 10, 1),
            consent_date=date(2024, 1, 5),
            consent_scope="siao_spip",
            **values,
        )
        person.with_user(self.worker).action_record_release(
            release_date=date(2024, 10, 1), outcome="dry_exit", reason="no_place"
        )
        return person

    def test_current_stay_holds_the_file_values(self):
        person = self.create_person(prison_number="77", sentence_months=12)
        self.assertEqual(len(person.stay_ids), 1)
        stay = person.current_stay_id
        self.assertTrue(stay.is_current)
        person.write(
            {
                "expected_release_date": date(2024, 9, 1),
                "sentence_end_date": date(2024, 12, 31),
            }
        )
        for name in STAY_FIELDS:
            expected = person[name]
            self.assertEqual(stay[name], expected, name)
        self.assertEqual(stay.lsc_automatic_date, date(2024, 9, 30))

    def test_new_stay_keeps_the_previous_one_and_starts_afresh(self):
        person = self.released_person()
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": person.id, "user_id": self.worker.id}
        )
        reservation = self.env["siao.housing.reservation"].create(
            {
                "place_id": self.place.id,
                "detainee_id": person.id,
                "kind": "occupation",
                "date_from": date(2024, 10, 1),
            }
        )
        request = self.env["siao.request"].create(
            {"detainee_id": person.id, "user_id": self.worker.id}
        )
        old_rights = person.resource_right_ids
        old_rights[:2].write({"status": "reopened"})
        first = person.current_stay_id
        person.with_user(self.worker).action_new_stay(
            self.prison_2.id, date(2025, 6, 1), prison_number="2002"
        )
        self.assertEqual(len(person.stay_ids), 2)
        self.assertNotEqual(person.current_stay_id, first)
        self.assertFalse(first.is_current)
        # The previous stay is kept as it was.
        self.assertEqual(first.actual_release_date, date(2024, 10, 1))
        self.assertEqual(first.release_outcome, "dry_exit")
        self.assertEqual(first.prison_id, self.prison)
        self.assertEqual(first.prison_number, "1001")
        # The file now describes the new stay.
        self.assertEqual(person.state, "detained")
        self.assertEqual(person.prison_id, self.prison_2)
        self.assertEqual(person.prison_number, "2002")
        self.assertEqual(person.incarceration_date, date(2025, 6, 1))
        self.assertFalse(person.actual_release_date)
        self.assertFalse(person.release_outcome)
        self.assertFalse(person.expected_release_date)
        self.assertEqual(person.current_stay_id.prison_id, self.prison_2)
        # Consent is asked again.
        self.assertFalse(person.consent_date)
        self.assertFalse(person.consent_scope)
        # AVDL, places, request, checklist.
        self.assertEqual(measure.state, "cancelled")
        self.assertEqual(reservation.date_to, date(2025, 5, 31))
        self.assertEqual(request.state, "cancelled")
        self.assertFalse(any(old_rights.mapped("active")))
        self.assertEqual(len(person.resource_right_ids), len(old_rights))
        self.assertEqual(set(person.resource_right_ids.mapped("status")), {"todo"})

    def test_an_active_measure_is_closed_back_in_prison(self):
        person = self.released_person()
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": person.id, "user_id": self.worker.id}
        )
        if measure.state == "waiting":
            measure.with_user(self.worker).action_start()
        measure.with_user(self.worker).write({"housing_entry_date": date(2024, 10, 2)})
        measure.with_user(self.worker).action_enter_housing()
        self.assertEqual(measure.state, "active")
        person.with_user(self.worker).action_new_stay(self.prison.id, date(2025, 6, 1))
        self.assertEqual(measure.state, "closed")
        self.assertEqual(measure.closing_reason, "reincarcerated")

    def test_new_stay_refused_when_it_makes_no_sense(self):
        detained = self.create_person(last_name="Dedans")
        with self.assertRaises(UserError):
            detained.action_new_stay(self.prison.id, date(2025, 1, 1))
        released = self.released_person()
        with self.assertRaises(ValidationError):
            released.action_new_stay(self.prison.id, date(2024, 9, 1))
        self.assertEqual(len(released.stay_ids), 1)
        self.assertEqual(released.state, "released")
        with self.assertRaises(UserError):
            released.action_new_stay(
                self.prison.id, date(2025, 1, 1), legal_status="unknown"
            )
        # A reader may not start a stay.
        with self.assertRaises(Exception):  # noqa: B017 - AccessError
            released.with_user(self.reader).action_new_stay(
                self.prison.id, date(2025, 1, 1)
            )
        self.assertEqual(released.state, "released")

    def test_an_old_admission_is_no_solution_for_the_new_stay(self):
        person = self.released_person()
        request = self.env["siao.request"].create(
            {"detainee_id": person.id, "user_id": self.worker.id}
        )
        request.sudo().write({"state": "admitted", "admission_date": date(2024, 10, 1)})
        person.invalidate_recordset()
        self.assertTrue(person.has_housing_solution)
        person.action_new_stay(self.prison.id, date(2025, 6, 1))
        self.assertFalse(request.in_current_stay)
        self.assertFalse(person.has_housing_solution)
        self.assertNotEqual(person.current_request_id, request)

    def test_cpom_counts_each_release_and_past_periods_do_not_move(self):
        person = self.released_person()
        year_2024 = (date(2024, 1, 1), date(2024, 12, 31))
        before = cpom(self.env, *year_2024)
        self.assertEqual(before["releases_total"], 1)
        self.assertEqual(before["dry_exits"], 1)
        person.action_new_stay(self.prison.id, date(2025, 3, 1))
        person.write({"expected_release_date": date(2025, 9, 1)})
        person.action_record_release(release_date=date(2025, 9, 1), outcome="shelter")
        self.assertEqual(cpom(self.env, *year_2024), before)
        after = cpom(self.env, date(2025, 1, 1), date(2025, 12, 31))
        self.assertEqual(after["releases_total"], 1)
        self.assertEqual(after["releases_with_solution"], 1)
        self.assertEqual(after["dry_exits"], 0)
        both = cpom(self.env, date(2024, 1, 1), date(2025, 12, 31))
        self.assertEqual(both["releases_total"], 2)

    def test_transfer_keeps_the_previous_prison(self):
        person = self.create_person(prison_number="55")
        stay = person.current_stay_id
        person.with_user(self.worker).action_transfer(
            self.prison_2.id, "66", date(2024, 5, 1)
        )
        self.assertEqual(person.prison_id, self.prison_2)
        self.assertEqual(person.prison_number, "66")
        self.assertEqual(person.current_stay_id, stay)
        self.assertEqual(stay.prison_id, self.prison_2)
        self.assertEqual(len(stay.transfer_ids), 1)
        move = stay.transfer_ids
        self.assertEqual(
            (move.from_prison_id, move.from_prison_number, move.to_prison_id),
            (self.prison, "55", self.prison_2),
        )
        self.assertEqual(move.transfer_date, date(2024, 5, 1))
        with self.assertRaises(ValidationError):
            person.action_transfer(self.prison.id, "67", date(2023, 1, 1))
        released = self.released_person(last_name="Dehors")
        with self.assertRaises(UserError):
            released.action_transfer(self.prison_2.id, "9", date(2025, 1, 1))

    def test_supervision_outside_prison(self):
        person = self.Person.create(
            {
                "last_name": "Milieu",
                "first_name": "Ouvert",
                "state": "supervised",
                "supervision_type": "ddse",
                "supervision_start_date": self.today - timedelta(days=30),
                "supervision_end_date": date(2027, 1, 1),
                "user_id": self.worker.id,
            }
        )
        self.assertFalse(person.stay_ids)
        self.assertFalse(person.prison_id)
        self.assertEqual(
            set(person.resource_right_ids.mapped("right_type")),
            {
                "domiciliation",
                "rsa",
                "css",
                "caf_housing",
                "id_document",
                "bank_account",
            },
        )
        # Requests and AVDL measures as for anyone.
        request = self.env["siao.request"].create(
            {"detainee_id": person.id, "user_id": self.worker.id}
        )
        self.assertEqual(request.detainee_id, person)
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": person.id, "user_id": self.worker.id}
        )
        self.assertTrue(measure)
        # Not on the release board (detained persons), counted apart in the CPOM.
        board = self.env.ref("siao_justice.siao_detainee_action")
        self.assertNotIn(person, self.Person.search([("state", "=", "detained")]))
        self.assertIn("search_default_detained", board.context)
        year = (
            self.today.replace(month=1, day=1),
            self.today.replace(month=12, day=31),
        )
        figures = cpom(self.env, *year)
        person.supervision_end_date = year[0] - timedelta(days=1)
        without = cpom(self.env, *year)
        self.assertEqual(
            figures["supervised_followed"], without["supervised_followed"] + 1
        )
        self.assertEqual(figures["releases_total"], without["releases_total"])
        person.supervision_end_date = self.today - timedelta(days=1)
        # Revoked: back in prison. The supervision before is the path's first
        # step, still counted over its dates.
        person.action_new_stay(self.prison.id, self.today)
        self.assertEqual(person.state, "detained")
        self.assertEqual(len(person.stay_ids), 2)
        supervision = person.stay_ids - person.current_stay_id
        self.assertEqual(supervision.supervision_type, "ddse")
        self.assertFalse(person.current_stay_id.supervision_type)
        self.assertEqual(
            cpom(self.env, *year)["supervised_followed"],
            figures["supervised_followed"],
        )

    def test_the_state_moves_only_through_the_actions(self):
        """A plain write of the state is refused for every role (the actions do
        what the move needs: a stay, the release, the closing)."""
        supervised = self.Person.create(
            {
                "last_name": "Milieu",
                "state": "supervised",
                "supervision_type": "lc",
                "user_id": self.worker.id,
            }
        )
        detained = self.create_person(last_name="Dedans")
        for user in (self.worker, self.manager):
            for person, state in (
                (supervised, "detained"),
                (detained, "released"),
                (detained, "closed"),
                (detained, "supervised"),
            ):
                with self.assertRaises(UserError):
                    person.with_user(user).write({"state": state})
                # The actions' context key, sent as a client would, is no pass.
                with self.assertRaises(UserError):
                    person.with_user(user).with_context(siao_state_change=True).write(
                        {"state": state}
                    )
                self.assertNotEqual(person.state, state)
        # Writing the state it has is no move.
        detained.with_user(self.worker).write({"state": "detained", "notes": "x"})
        self.assertFalse(supervised.stay_ids)

    def test_closing_a_detained_file_ends_what_was_open(self):
        person = self.create_person(
            last_name="Clos",
            consent_date=date(2024, 1, 5),
            expected_release_date=self.today + timedelta(days=20),
        )
        request = self.env["siao.request"].create(
            {"detainee_id": person.id, "user_id": self.worker.id}
        )
        booking = self.env["siao.housing.reservation"].create(
            {
                "place_id": self.place.id,
                "detainee_id": person.id,
                "state": "confirmed",
                "date_from": self.today + timedelta(days=20),
                "date_to": self.today + timedelta(days=200),
            }
        )
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": person.id, "user_id": self.worker.id}
        )
        person.action_check_deadlines()
        self.assertTrue(person.alert_ids)
        activities = person.alert_ids.activity_id
        self.assertTrue(activities)
        # The button of the file: a dialog asks for the reason.
        action = person.with_user(self.worker).action_open_close_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.worker)
            .with_context(**action["context"])
            .create({"closing_reason": "moved_away", "note": "Parti à Lyon"})
        )
        wizard.action_confirm()
        self.assertEqual(person.closing_reason, "moved_away")
        self.assertIn("Parti à Lyon", person.message_ids[0].body)
        self.assertEqual(person.state, "closed")
        self.assertEqual(request.state, "cancelled")
        self.assertEqual(booking.state, "cancelled")
        self.assertEqual(measure.state, "cancelled")
        self.assertFalse(person.alert_ids)
        self.assertFalse(activities.exists().filtered("active"))

    def test_closing_ends_an_occupation_and_an_active_measure(self):
        person = self.released_person(last_name="Logé")
        measure = self.env["siao.avdl.measure"].create(
            {
                "detainee_id": person.id,
                "user_id": self.worker.id,
                "place_id": self.place.id,
            }
        )
        if measure.state == "waiting":
            measure.action_start()
        measure.write({"housing_entry_date": date(2024, 10, 2)})
        measure.action_enter_housing()
        occupation = person.reservation_ids.filtered(lambda r: r.kind == "occupation")
        self.assertTrue(occupation)
        person.action_close_file("housed")
        self.assertEqual(measure.state, "closed")
        self.assertEqual(measure.closing_reason, "housing_kept")
        self.assertEqual(measure.closing_date, self.today)
        self.assertEqual(occupation.date_to, self.today)

    def test_a_request_filed_under_supervision_is_not_the_next_stay_s(self):
        person = self.Person.create(
            {
                "last_name": "Revoqué",
                "state": "supervised",
                "supervision_type": "sursis_probatoire",
                "user_id": self.worker.id,
            }
        )
        request = self.env["siao.request"].create(
            {"detainee_id": person.id, "user_id": self.worker.id}
        )
        self.assertTrue(request.in_current_stay)
        request.sudo().write({"state": "admitted", "admission_date": date(2024, 3, 1)})
        person.invalidate_recordset()
        self.assertTrue(person.has_housing_solution)
        person.action_new_stay(self.prison.id, date(2024, 6, 1))
        self.assertFalse(request.in_current_stay)
        self.assertFalse(person.has_housing_solution)
        self.assertNotEqual(person.current_request_id, request)

    def test_merge_of_another_stay_brings_its_stay_not_its_release(self):
        old = self.released_person(last_name="Double", birthdate=date(1990, 1, 1))
        admitted = self.env["siao.request"].create(
            {"detainee_id": old.id, "user_id": self.worker.id}
        )
        admitted.sudo().write(
            {"state": "admitted", "admission_date": date(2024, 10, 1)}
        )
        new = self.create_person(
            last_name="Double",
            birthdate=date(1990, 1, 1),
            prison_number="3003",
            incarceration_date=date(2025, 6, 1),
        )
        wizard = (
            self.env["siao.detainee.merge"]
            .with_context(active_model="siao.detainee", active_ids=(old | new).ids)
            .create({"detainee_ids": [(6, 0, (old | new).ids)], "target_id": new.id})
        )
        wizard.action_merge()
        self.assertEqual(new.state, "detained")
        self.assertFalse(new.actual_release_date)
        self.assertFalse(new.release_outcome)
        self.assertFalse(new.consent_date)
        self.assertEqual(len(new.stay_ids), 2)
        self.assertEqual(
            new.stay_ids.filtered("actual_release_date").actual_release_date,
            date(2024, 10, 1),
        )
        # The old stay's admission moved with it: no solution for this stay.
        self.assertEqual(admitted.detainee_id, new)
        self.assertFalse(admitted.in_current_stay)
        self.assertFalse(new.has_housing_solution)


@tagged("post_install", "-at_install", "siao_file")
class TestAlertsThatRearm(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["siao.deadline.alert"]

    def test_a_cancelled_request_brings_the_alert_back(self):
        with freeze_time(DAY):
            person = self.create_person(
                expected_release_date=DAY + relativedelta(months=4)
            )
        self.run_cron_on(DAY)
        self.assertEqual(
            len(self.activities(person, "mail_activity_type_file_request")), 1
        )
        with freeze_time(DAY + timedelta(days=1)):
            request = self.env["siao.request"].create(
                {"detainee_id": person.id, "user_id": self.worker.id}
            )
        self.run_cron_on(DAY + timedelta(days=2))
        self.assertFalse(
            self.Alert.search(
                [("detainee_id", "=", person.id), ("reason", "=", "file_request")]
            )
        )
        # Twice the night: nothing more while a request is open.
        self.run_cron_on(DAY + timedelta(days=3))
        self.assertEqual(
            len(self.activities(person, "mail_activity_type_file_request")), 1
        )
        with freeze_time(DAY + timedelta(days=4)):
            request.action_cancel(reason="La personne a changé d'avis")
        self.run_cron_on(DAY + timedelta(days=5))
        self.run_cron_on(DAY + timedelta(days=6))
        # The first activity was never done: it comes back, not a second one.
        first = self.activities(person, "mail_activity_type_file_request")
        self.assertEqual(len(first), 1)
        alerts = self.Alert.with_context(active_test=False).search(
            [("detainee_id", "=", person.id), ("reason", "=", "file_request")]
        )
        self.assertEqual(len(alerts), 1)
        self.assertTrue(alerts.active)
        self.assertEqual(alerts.activity_id, first)
        self.assertEqual(first.date_deadline, DAY + timedelta(days=12))
        # Done, then the reason goes and comes back: a new activity.
        first.action_feedback(feedback="Fait")
        with freeze_time(DAY + timedelta(days=7)):
            request.action_reactivate()
        self.run_cron_on(DAY + timedelta(days=8))
        with freeze_time(DAY + timedelta(days=9)):
            request.action_cancel(reason="Encore changé d'avis")
        self.run_cron_on(DAY + timedelta(days=10))
        self.assertEqual(
            len(self.activities(person, "mail_activity_type_file_request")), 1
        )
        alerts = self.Alert.with_context(active_test=False).search(
            [("detainee_id", "=", person.id), ("reason", "=", "file_request")]
        )
        self.assertEqual(len(alerts), 2)
        self.assertEqual(len(alerts.filtered("active")), 1)

    def test_the_database_keeps_one_active_alert_per_reason(self):
        person = self.create_person()
        self.Alert.create({"detainee_id": person.id, "reason": "lsc"})
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.Alert.create({"detainee_id": person.id, "reason": "lsc"})
            self.env.flush_all()
        self.Alert.search([("detainee_id", "=", person.id)]).active = False
        self.env.flush_all()
        self.Alert.create({"detainee_id": person.id, "reason": "lsc"})
        self.env.flush_all()

    def test_an_lsc_date_already_past_alerts_at_once(self):
        with freeze_time(DAY):
            person = self.create_person(
                incarceration_date=DAY - relativedelta(months=2),
                sentence_months=6,
                sentence_end_date=DAY + relativedelta(months=2),
                expected_release_date=DAY + relativedelta(months=2),
            )
        self.assertLess(person.lsc_automatic_date, DAY)
        activity = self.activities(person, "mail_activity_type_lsc")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, DAY)

    def test_lsc_excluded_gets_no_lsc_alert(self):
        with freeze_time(DAY):
            person = self.create_person(
                incarceration_date=DAY - relativedelta(months=2),
                sentence_months=6,
                sentence_end_date=DAY + relativedelta(months=2),
                lsc_excluded=True,
            )
        self.assertFalse(person.lsc_automatic_date)
        self.run_cron_on(DAY)
        self.assertFalse(self.activities(person, "mail_activity_type_lsc"))

    def test_an_earlier_release_tells_the_referent_and_rechecks(self):
        with freeze_time(DAY):
            person = self.create_person(
                expected_release_date=DAY + relativedelta(months=5)
            )
            self.run_cron_on(DAY)
            self.assertFalse(self.activities(person, "mail_activity_type_dry_exit"))
            person.with_user(self.worker_2.sudo()).sudo().write(
                {"expected_release_date": DAY + timedelta(days=20)}
            )
        message = person.message_ids.filtered(
            lambda m: self.worker.partner_id in m.partner_ids
        )
        self.assertEqual(len(message), 1)
        self.assertIn("brought forward", message.body)
        self.assertEqual(len(self.activities(person, "mail_activity_type_dry_exit")), 1)
        # A few days earlier only: no notice.
        with freeze_time(DAY):
            person.write({"expected_release_date": DAY + timedelta(days=17)})
        self.assertEqual(
            len(
                person.message_ids.filtered(
                    lambda m: self.worker.partner_id in m.partner_ids
                )
            ),
            1,
        )

    def test_a_new_stay_rearms_every_alert(self):
        with freeze_time(DAY):
            person = self.create_person(
                expected_release_date=DAY + relativedelta(months=4)
            )
            self.env["siao.deadline.alert"]._schedule(person)
            self.assertTrue(person.alert_ids)
            person.action_record_release(
                release_date=DAY, outcome="dry_exit", reason="no_place"
            )
            person.action_new_stay(self.prison.id, DAY + timedelta(days=10))
            self.assertFalse(person.alert_ids)
            person.write({"expected_release_date": DAY + relativedelta(months=3)})
        self.run_cron_on(DAY + timedelta(days=11))
        self.assertIn("file_request", person.alert_ids.mapped("reason"))
        self.assertEqual(
            person.alert_ids.filtered(lambda a: a.reason == "file_request").stay_id,
            person.current_stay_id,
        )
