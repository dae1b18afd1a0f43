from datetime import date, timedelta

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models.record_tools import one_per_person_in_states
from ..models.siao_avdl_measure import MEASURE_STATES, OPEN_MEASURE_STATES
from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_avdl")
class TestAvdlActiveFile(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.avdl = cls._user("avdl_worker", "siao_justice.group_siao_user")
        cls.Measure = cls.env["siao.avdl.measure"]
        cls.persons = cls.Person.create(
            [
                {"last_name": f"Personne{index:02d}", "prison_id": cls.prison.id}
                for index in range(24)
            ]
        )

    def refer(self, person, user=None, **values):
        measure = self.Measure.with_user(user or self.worker).create(
            dict({"detainee_id": person.id, "user_id": self.avdl.id}, **values)
        )
        return measure.with_env(self.env)

    def fill(self, count):
        return self.Measure.browse(
            [self.refer(person).id for person in self.persons[:count]]
        )

    def test_twenty_first_measure_is_queued(self):
        measures = self.fill(20)
        self.assertEqual(set(measures.mapped("state")), {"pre_entry"})
        twenty_first = self.refer(self.persons[20])
        twenty_second = self.refer(self.persons[21])
        self.assertEqual(twenty_first.state, "waiting")
        self.assertEqual((twenty_first.queue_rank, twenty_second.queue_rank), (1, 2))
        self.assertEqual(twenty_first.worker_file, "20 / 20")
        file = self.env["siao.avdl.file"].search([("user_id", "=", self.avdl.id)])
        self.assertEqual(
            (file.active_count, file.waiting_count, file.display_file),
            (20, 2, "20 / 20"),
        )

    def test_cap_is_a_company_setting(self):
        self.company.siao_avdl_max_active = 2
        measures = self.fill(3)
        self.assertEqual(
            measures.mapped("state"), ["pre_entry", "pre_entry", "waiting"]
        )

    def test_a_full_file_refuses_to_start_a_waiting_measure(self):
        self.company.siao_avdl_max_active = 1
        first, second = self.fill(2)
        with self.assertRaises(ValidationError):
            second.action_start()
        self.assertEqual(second.state, "waiting")
        first.action_cancel()
        second.action_start()
        self.assertEqual(second.state, "pre_entry")

    def test_freeing_a_slot_tells_the_coordinator_who_is_next(self):
        self.company.siao_avdl_max_active = 2
        first, _second, next_one, after = self.fill(4)
        self.assertEqual((next_one.queue_rank, after.queue_rank), (1, 2))
        first.housing_entry_date = self.today
        first.action_enter_housing()
        first.action_close(closing_date=self.today, closing_reason="housing_kept")
        activity = next_one.activity_ids
        self.assertEqual(len(activity), 1)
        # The activity is the measure's: its record names the person to who may
        # read it, its summary never does.
        self.assertEqual(activity.res_id, next_one.id)
        self.assertNotIn(next_one.detainee_id.last_name.upper(), activity.summary)
        self.assertTrue(activity.user_id.has_group("siao_justice.group_siao_manager"))
        self.assertFalse(after.activity_ids)

    def test_handing_over_to_a_full_worker_is_refused(self):
        self.company.siao_avdl_max_active = 1
        mine = self.refer(self.persons[0])
        other = self.refer(self.persons[1], user_id=self.worker.id)
        self.assertEqual((mine.state, other.state), ("pre_entry", "pre_entry"))
        with self.assertRaises(ValidationError):
            other.with_user(self.manager).write({"user_id": self.avdl.id})
        self.assertEqual(other.user_id, self.worker)

    def test_state_machine(self):
        measure = self.refer(self.persons[0])
        with self.assertRaises(UserError):
            measure.with_user(self.avdl).action_enter_housing()
        self.assertEqual(measure.state, "pre_entry")
        with self.assertRaises(UserError):
            measure.action_renew("too early")
        measure.housing_entry_date = date(2026, 3, 2)
        measure.with_user(self.avdl).action_enter_housing()
        self.assertEqual(measure.state, "active")
        with self.assertRaises(UserError):
            measure.action_cancel()
        with self.assertRaises(UserError):
            measure.action_close(closing_date=date(2026, 4, 1), closing_reason=None)
        with self.assertRaises(ValidationError):
            measure.action_close(closing_date=date(2026, 3, 1), closing_reason="other")
        measure.action_close(closing_date=date(2026, 4, 1), closing_reason="rehoused")
        # In the file from its entry into housing, recorded before the referral
        # was: the days it was followed count.
        self.assertEqual(
            (measure.state, measure.file_from, measure.file_until),
            ("closed", date(2026, 3, 2), date(2026, 4, 1)),
        )

    def test_nobody_deletes_a_measure(self):
        measure = self.refer(self.persons[0])
        with self.assertRaises(UserError):
            measure.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            measure.with_user(self.avdl).unlink()

    def test_a_worker_cannot_edit_another_workers_measure_a_manager_can(self):
        measure = self.refer(self.persons[0])
        with self.assertRaises(AccessError):
            measure.with_user(self.worker).write({"housing_type": "chrs"})
        measure.with_user(self.avdl).write({"housing_type": "chrs"})
        measure.with_user(self.manager).write({"housing_type": "iml"})
        self.assertEqual(measure.housing_type, "iml")
        with self.assertRaises(AccessError):
            measure.with_user(self.worker).action_cancel()

    def test_the_days_in_the_file_follow_the_recorded_dates(self):
        """A measure recorded after the fact counts from its referral, as the
        worker records it; one referred from the waiting list from the day it got
        room; never after its entry into housing. Checked against a hand count of
        the workbook's active-file days."""
        today = self.today
        Indicators = self.env["siao.cpom.indicators"]
        start = today - timedelta(days=59)
        before = Indicators._active_file_days(start, today, self.company.ids)
        late = self.refer(
            self.persons[0],
            referral_date=today - timedelta(days=40),
            housing_entry_date=today - timedelta(days=12),
        )
        self.assertEqual(late.file_from, today - timedelta(days=40))
        # Its referral date corrected: its first day follows.
        late.referral_date = today - timedelta(days=30)
        self.assertEqual(late.file_from, today - timedelta(days=30))
        # Entered before it was recorded as referred: in the file from its entry.
        early = self.refer(
            self.persons[1],
            referral_date=today - timedelta(days=5),
            housing_entry_date=today - timedelta(days=8),
        )
        self.assertEqual(early.file_from, today - timedelta(days=8))
        # Hand count: 30 + 1 days for the first (today included), 8 + 1 for the second.
        self.env.flush_all()
        self.assertEqual(
            Indicators._active_file_days(start, today, self.company.ids),
            before + 31 + 9,
        )


@tagged("post_install", "-at_install", "siao_avdl")
class TestAvdlPeriod(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.create_person()

    def measure_entered_on(self, day, period=None):
        values = {"detainee_id": self.person.id, "user_id": self.worker.id}
        if period:
            values["period_months"] = period
        measure = self.env["siao.avdl.measure"].create(values)
        measure.housing_entry_date = day
        measure.action_enter_housing()
        return measure

    def test_renewal_dates_follow_calendar_months(self):
        measure = self.measure_entered_on(date(2026, 1, 31), period=1)
        self.assertEqual(measure.end_date, date(2026, 2, 28))
        measure.action_renew("Accès au logement à consolider")
        self.assertEqual(measure.end_date, date(2026, 3, 31))
        self.assertEqual(measure.renewal_count, 1)
        self.assertEqual(
            (measure.renewal_ids.previous_end_date, measure.renewal_ids.new_end_date),
            (date(2026, 2, 28), date(2026, 3, 31)),
        )
        self.assertIn("Accès au logement", measure.message_ids[0].body)

    def test_leap_years_and_the_default_two_month_period(self):
        self.assertEqual(
            self.measure_entered_on(date(2027, 12, 31), period=2).end_date,
            date(2028, 2, 29),
        )
        other = self.create_person(last_name="Other")
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": other.id, "user_id": self.worker.id}
        )
        self.assertEqual(measure.period_months, 2)

    def test_renewal_needs_a_reason(self):
        measure = self.measure_entered_on(date(2026, 5, 10))
        with self.assertRaises(UserError):
            measure.action_renew("  ")
        self.assertEqual(measure.renewal_count, 0)

    def test_reminder_fifteen_days_before_the_end_once_per_period(self):
        measure = self.measure_entered_on(date(2026, 5, 10))
        self.assertEqual(measure.end_date, date(2026, 7, 10))
        cron = self.env.ref("siao_justice.ir_cron_siao_avdl_reminders")
        reminders = self.env["siao.avdl.reminder"]
        for day in range(20, 31):
            with freeze_time(date(2026, 6, day)):
                cron.method_direct_trigger()
        self.assertEqual(len(measure.activity_ids), 1)
        self.assertEqual(measure.activity_ids.date_deadline, date(2026, 7, 10))
        with freeze_time(date(2026, 7, 5)):
            measure.action_renew("Bail glissant en cours")
            cron.method_direct_trigger()
        for day in (25, 26, 27):
            with freeze_time(date(2026, 8, day)):
                cron.method_direct_trigger()
        self.assertEqual(reminders.search_count([("measure_id", "=", measure.id)]), 2)
        self.assertEqual(len(measure.activity_ids), 2)


@tagged("post_install", "-at_install", "siao_avdl")
class TestCommissionReferral(SiaoCase):
    def test_avdl_referral_decision_creates_a_measure_at_closing(self):
        avdl = self._user("avdl_commission", "siao_justice.group_siao_user")
        person = self.create_person(
            expected_release_date=self.today + timedelta(days=30)
        )
        meeting = self.env["siao.commission.meeting"].create(
            {"date": "2026-12-08 13:00:00"}
        )
        meeting.action_start()
        self.env["siao.commission.line"].create(
            {
                "meeting_id": meeting.id,
                "detainee_id": person.id,
                "decision": "avdl_referral",
                "action_user_id": avdl.id,
            }
        )
        meeting.action_close()
        measure = person.avdl_measure_ids
        self.assertEqual((measure.state, measure.user_id), ("pre_entry", avdl))
        self.assertEqual(person.avdl_measure_count, 1)


@tagged("post_install", "-at_install", "siao_avdl")
class TestAvdlEveryKindOfWrite(SiaoCase):
    """The cap and the workflow hold for any write, however many records it
    changes at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.siao_avdl_max_active = 2
        cls.receiving = cls._user("avdl_receiving", "siao_justice.group_siao_user")
        cls.persons = cls.Person.create(
            [{"last_name": f"Relais{index}"} for index in range(4)]
        )
        cls.measures = cls.env["siao.avdl.measure"].create(
            [
                {"detainee_id": person.id, "user_id": user.id}
                for person, user in zip(
                    cls.persons,
                    (cls.worker, cls.worker, cls.worker_2, cls.worker_2),
                    strict=True,
                )
            ]
        )

    def test_handing_several_measures_over_at_once_respects_the_cap(self):
        Measure = self.env["siao.avdl.measure"]
        moving = self.measures[:3]
        self.assertEqual(set(moving.mapped("state")), {"pre_entry"})
        with self.assertRaises(ValidationError):
            moving.write({"user_id": self.receiving.id})
        self.assertEqual(
            Measure._active_file_counts({(self.receiving.id, self.company.id)}),
            {},
        )
        self.measures[:2].write({"user_id": self.receiving.id})
        self.assertEqual(
            Measure._active_file_counts({(self.receiving.id, self.company.id)}),
            {(self.receiving.id, self.company.id): 2},
        )

    def test_states_and_counters_are_not_written_directly(self):
        measure = self.measures[3].with_user(self.worker_2)
        for values in (
            {"state": "active"},
            {"renewal_count": 5},
            {"file_from": "2020-01-01", "housing_type": "chrs"},
            {"end_date": "2040-01-01"},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                measure.write(values)
        self.assertEqual((measure.state, measure.renewal_count), ("pre_entry", 0))
        with self.assertRaises(ValidationError):
            self.env["siao.avdl.measure"].with_user(self.worker).create(
                {"detainee_id": self.persons[0].id, "state": "active"}
            )

    def test_zero_or_negative_period_is_refused(self):
        measure = self.measures[3].with_user(self.worker_2)
        for months in (0, -3):
            with self.subTest(months=months), self.assertRaises(ValidationError):
                measure.write({"period_months": months})
        self.assertEqual(measure.period_months, 2)
        with self.assertRaises(ValidationError):
            self.env["siao.avdl.measure"].create(
                {
                    "detainee_id": self.Person.create({"last_name": "Nouveau"}).id,
                    "period_months": -3,
                }
            )

    def test_a_measure_stays_in_its_persons_company(self):
        with self.assertRaises(UserError):
            self.measures[0].write({"company_id": self.company_b.id})
        self.assertEqual(self.measures[0].company_id, self.company)


@tagged("post_install", "-at_install", "siao_avdl")
class TestOneOpenMeasurePerPerson(SiaoCase):
    """A person holds one open measure (waiting, before entry or in housing) at a
    time: PostgreSQL refuses a second one, with the module's translated message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Measure = cls.env["siao.avdl.measure"]
        cls.person = cls.create_person(last_name="Unique")

    def refer(self):
        return self.Measure.with_user(self.worker).create(
            {"detainee_id": self.person.id, "user_id": self.worker.id}
        )

    def assertSecondRefused(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError) as caught,
            self.env.cr.savepoint(),
        ):
            self.refer()
            self.env.flush_all()
        # What a French user reads: the module's message, naming no one.
        error = str(
            _as_validation_error(self.env(context={"lang": "fr_FR"}), caught.exception)
        )
        self.assertIn("déjà une mesure AVDL ouverte", error)
        self.assertNotIn(self.person.name, error)
        self.assertNotIn(str(self.person.id), error)

    def test_a_second_open_measure_is_refused_in_every_open_state(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.company.siao_avdl_max_active = 1
        self.Measure.create(
            {
                "detainee_id": self.create_person(last_name="Autre").id,
                "user_id": self.worker.id,
            }
        )
        first = self.refer()
        self.assertEqual(first.state, "waiting")
        self.assertSecondRefused()
        self.company.siao_avdl_max_active = 20
        first.action_start()
        self.assertSecondRefused()
        first.housing_entry_date = self.today
        first.action_enter_housing()
        self.assertSecondRefused()
        first.action_close(self.today, "housing_kept")
        second = self.refer()
        self.assertEqual(second.state, "pre_entry")
        second.action_cancel()
        self.assertEqual(self.refer().state, "pre_entry")

    def test_the_index_reads_the_open_states_of_the_model(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes "
            "WHERE indexname = 'siao_avdl_measure_one_open_per_person'"
        )
        definition = self.env.cr.fetchone()[0]
        for state, _label in MEASURE_STATES:
            self.assertEqual(f"'{state}'" in definition, state in OPEN_MEASURE_STATES)
            measure = self.Measure.new({"state": state})
            self.assertEqual(measure.is_open, state in OPEN_MEASURE_STATES)

        # A list of states that changed rebuilds the index at the next upgrade.
        one_per_person_in_states(self.env.cr, "siao_avdl_measure", ("waiting",))
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes "
            "WHERE indexname = 'siao_avdl_measure_one_open_per_person'"
        )
        self.assertNotIn("'active'", self.env.cr.fetchone()[0])
        self.Measure.init()
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes "
            "WHERE indexname = 'siao_avdl_measure_one_open_per_person'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], definition)

    def test_the_upgrade_keeps_the_most_advanced_measure_and_cancels_the_others(self):
        # A database from before the index: drop it in this transaction only.
        self.env.cr.execute("DROP INDEX siao_avdl_measure_one_open_per_person")
        self.company.siao_avdl_max_active = 2
        waiting_older = self.refer()
        active = self.refer()
        waiting_older.write({"referral_date": self.today - timedelta(days=30)})
        other = self.create_person(last_name="Seul")
        alone = self.Measure.create(
            {"detainee_id": other.id, "user_id": self.worker.id}
        )
        self.assertEqual(
            (waiting_older.state, active.state, alone.state),
            ("pre_entry", "pre_entry", "waiting"),
        )
        active.housing_entry_date = self.today
        active.action_enter_housing()
        self.env.flush_all()
        contact = self.person.last_contact_date
        cancelled = self.Measure.browse(self.Measure._cancel_extra_open_measures())
        self.assertEqual(cancelled, waiting_older)
        self.assertEqual(
            (waiting_older.state, waiting_older.file_until, active.state, alone.state),
            ("cancelled", self.today, "active", "waiting"),
        )
        self.assertEqual(
            self.Measure._active_file_counts({(self.worker.id, self.company.id)}),
            {(self.worker.id, self.company.id): 1},
        )
        cancelled._note_cancelled_as_extra()
        # In its worker's language.
        expected = waiting_older.with_context(lang=self.worker.lang).env._(
            "Cancelled at the upgrade: this person held another open AVDL "
            "measure, which is kept. A person holds one measure at a time."
        )
        self.assertIn(expected, waiting_older.message_ids[0].body)
        # A note of the upgrade, not a contact with the person.
        self.assertEqual(self.person.last_contact_date, contact)
        self.Measure.init()  # the index can now be created
        self.assertSecondRefused()


@tagged("post_install", "-at_install", "siao_avdl")
class TestAvdlEntryAfterRelease(SiaoCase):
    def test_the_entry_into_housing_comes_after_the_release(self):
        today = self.today
        person = self.create_person(
            last_name="Encore", expected_release_date=today + timedelta(days=90)
        )
        measure = (
            self.env["siao.avdl.measure"]
            .with_user(self.worker)
            .create({"detainee_id": person.id, "user_id": self.worker.id})
        )
        with self.assertRaises(ValidationError):
            measure.housing_entry_date = today
        self.assertFalse(measure.housing_entry_date)
        measure.housing_entry_date = today + timedelta(days=90)  # the day of release
        person.action_record_release(today - timedelta(days=2), "family")
        with self.assertRaises(ValidationError):
            measure.housing_entry_date = today - timedelta(days=3)
        measure.housing_entry_date = today
        measure.action_enter_housing()
        self.assertEqual(measure.state, "active")

    def test_a_measure_is_cancelled_through_a_dialog_that_says_what_it_does(self):
        person = self.create_person(last_name="Annulée")
        measure = (
            self.env["siao.avdl.measure"]
            .with_user(self.worker)
            .create({"detainee_id": person.id, "user_id": self.worker.id})
        )
        action = measure.action_open_cancel_wizard()
        self.assertEqual(action["name"], "Cancel the measure")
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.worker)
            .with_context(**action["context"])
        ).save()
        self.assertEqual(measure.state, "pre_entry")  # nothing until confirmed
        wizard.action_confirm()
        self.assertEqual(measure.state, "cancelled")
        with self.assertRaises(UserError):
            measure.action_open_cancel_wizard()
