from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SiaoCase

DAY_ONE = date(2026, 1, 5)


@tagged("post_install", "-at_install", "siao_request")
class TestDeadlineActivities(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["siao.deadline.alert"]

    def test_an_activity_speaks_the_language_of_whom_it_is_for(self):
        """The nightly job runs in no language: the activity's summary is in its
        user's (French for the association's workers), not the job's English."""
        self.speak_french(self.worker)
        with freeze_time(DAY_ONE):
            person = self.create_person(
                expected_release_date=DAY_ONE + relativedelta(months=5)
            )
        self.run_cron_on(DAY_ONE)
        activity = self.activities(person, "mail_activity_type_file_request")
        field = self.Alert._fields["reason"]
        french = dict(field._description_selection(self.env(context={"lang": "fr_FR"})))
        self.assertEqual(activity.summary, french["file_request"])
        self.assertNotEqual(activity.summary, dict(field.selection)["file_request"])

    def test_file_request_alert_once_over_many_days(self):
        with freeze_time(DAY_ONE):
            due = self.create_person(
                expected_release_date=DAY_ONE + relativedelta(months=5)
            )
            not_yet = self.create_person(
                last_name="Later",
                expected_release_date=DAY_ONE + relativedelta(months=7),
            )
            remand = self.create_person(last_name="Remand", legal_status="remand")
        for offset in range(0, 40, 3):
            self.run_cron_on(DAY_ONE + timedelta(days=offset))
        self.assertEqual(
            len(self.activities(due, "mail_activity_type_file_request")), 1
        )
        self.assertEqual(
            self.activities(due, "mail_activity_type_file_request").user_id, self.worker
        )
        # Seven months out on day one: due once the lead time is reached, and only once.
        self.assertEqual(
            len(self.activities(not_yet, "mail_activity_type_file_request")), 1
        )
        self.assertFalse(self.activities(remand, "mail_activity_type_file_request"))

    def test_no_file_request_alert_with_an_open_or_admitted_request(self):
        with freeze_time(DAY_ONE):
            person = self.create_person(
                expected_release_date=DAY_ONE + relativedelta(months=2),
                consent_date=DAY_ONE,
            )
            self.env["siao.request"].create({"detainee_id": person.id})
        self.run_cron_on(DAY_ONE)
        self.assertFalse(self.activities(person, "mail_activity_type_file_request"))

    def test_alert_done_is_not_created_again(self):
        with freeze_time(DAY_ONE):
            person = self.create_person(
                expected_release_date=DAY_ONE + relativedelta(months=3)
            )
        self.run_cron_on(DAY_ONE)
        self.activities(person, "mail_activity_type_file_request").action_feedback(
            "noted"
        )
        self.run_cron_on(DAY_ONE + timedelta(days=1))
        self.assertFalse(self.activities(person, "mail_activity_type_file_request"))
        self.assertEqual(
            self.Alert.search_count(
                [("detainee_id", "=", person.id), ("reason", "=", "file_request")]
            ),
            1,
        )

    def test_lsc_alert_one_month_before_the_deadline_without_housing(self):
        with freeze_time(DAY_ONE):
            person = self.create_person(
                sentence_months=18,
                sentence_end_date=DAY_ONE + relativedelta(months=5),
                expected_release_date=DAY_ONE + relativedelta(months=5),
            )
            housed = self.create_person(
                last_name="Housed",
                sentence_months=18,
                sentence_end_date=DAY_ONE + relativedelta(months=5),
                release_outcome="family",
            )
        lsc_date = person.lsc_automatic_date
        self.assertEqual(lsc_date, DAY_ONE + relativedelta(months=2))
        self.run_cron_on(lsc_date - relativedelta(months=1) - timedelta(days=1))
        self.assertFalse(self.activities(person, "mail_activity_type_lsc"))
        for offset in range(0, 20, 2):
            self.run_cron_on(
                lsc_date - relativedelta(months=1) + timedelta(days=offset)
            )
        activity = self.activities(person, "mail_activity_type_lsc")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, lsc_date)
        self.assertFalse(self.activities(housed, "mail_activity_type_lsc"))

    def test_dry_exit_alert_when_the_risk_appears(self):
        self.company.siao_dry_exit_alert_days = 30
        with freeze_time(DAY_ONE):
            person = self.create_person(
                expected_release_date=DAY_ONE + timedelta(days=45)
            )
        self.run_cron_on(DAY_ONE)
        self.assertFalse(self.activities(person, "mail_activity_type_dry_exit"))
        for offset in range(15, 45):
            self.run_cron_on(DAY_ONE + timedelta(days=offset))
        self.assertEqual(len(self.activities(person, "mail_activity_type_dry_exit")), 1)

    def test_resources_alert_two_months_before_release_for_open_items(self):
        with freeze_time(DAY_ONE):
            person = self.create_person(
                expected_release_date=DAY_ONE + relativedelta(months=3)
            )
            ready = self.create_person(
                last_name="Ready",
                expected_release_date=DAY_ONE + relativedelta(months=3),
            )
        self.assertEqual(len(person.resource_right_ids), 8)
        ready.resource_right_ids.write({"status": "na"})
        self.run_cron_on(DAY_ONE)
        self.assertFalse(self.activities(person, "mail_activity_type_resources"))
        for offset in range(25, 60, 5):
            self.run_cron_on(DAY_ONE + timedelta(days=offset))
        self.assertEqual(
            len(self.activities(person, "mail_activity_type_resources")), 1
        )
        self.assertFalse(self.activities(ready, "mail_activity_type_resources"))

    def test_exact_number_of_activities_over_a_simulated_quarter(self):
        with freeze_time(DAY_ONE):
            persons = self.Person
            for index in range(6):
                persons |= self.create_person(
                    last_name=f"P{index}",
                    expected_release_date=DAY_ONE + relativedelta(months=index + 1),
                    sentence_months=12,
                    sentence_end_date=DAY_ONE + relativedelta(months=index + 1),
                )
        for offset in range(0, 90):
            self.run_cron_on(DAY_ONE + timedelta(days=offset))
        every_alert = self.Alert.with_context(active_test=False).search(
            [("detainee_id", "in", persons.ids)]
        )
        # The release-day plan's alerts ask for something of their day only:
        # their activities close when they stop holding (the release passed).
        plan_reasons = ("release_plan", "first_night")
        alerts = every_alert.filtered(lambda a: a.reason not in plan_reasons)
        plan_types = [
            self.env.ref(f"siao_justice.mail_activity_type_{xmlid}").id
            for xmlid in ("release_plan", "first_night_alert")
        ]
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "siao.detainee"),
                ("res_id", "in", persons.ids),
                ("activity_type_id", "not in", plan_types),
            ]
        )
        # The releases whose week or eve came within the quarter had that alert,
        # once.
        for reason, notice in zip(plan_reasons, (7, 1), strict=True):
            self.assertEqual(
                every_alert.filtered(lambda a, r=reason: a.reason == r).detainee_id,
                persons.filtered(
                    lambda p, n=notice: p.estimated_release_date - timedelta(days=n)
                    <= DAY_ONE + timedelta(days=89)
                ),
            )
        # Each alert, held or since archived (its reason stopped holding), scheduled
        # one activity.
        self.assertEqual(len(activities), len(alerts))
        self.assertEqual(set(activities.ids), set(alerts.activity_id.ids))
        # One alert per reason and person at most while it holds, and none came
        # back: nothing here stopped holding then held again.
        self.assertEqual(
            len(every_alert), len({(a.detainee_id, a.reason) for a in every_alert})
        )
        # Everyone is within the 6-month lead time: one file_request each.
        self.assertEqual(len(alerts.filtered(lambda a: a.reason == "file_request")), 6)

    def test_check_deadlines_button_acts_on_one_person(self):
        with freeze_time(DAY_ONE):
            person = self.create_person(
                expected_release_date=DAY_ONE + relativedelta(months=2)
            )
            other = self.create_person(
                last_name="Other",
                expected_release_date=DAY_ONE + relativedelta(months=2),
            )
            first = person.with_user(self.worker).action_check_deadlines()
            second = person.with_user(self.worker).action_check_deadlines()
        # The worker is told what the check did.
        self.assertEqual(first["tag"], "display_notification")
        self.assertRegex(first["params"]["message"], r"new deadline activit")
        self.assertEqual(first["params"]["type"], "success")
        self.assertIn("Nothing new", second["params"]["message"])
        open_count = len(
            self.env["mail.activity"].search(
                [("res_model", "=", "siao.detainee"), ("res_id", "=", person.id)]
            )
        )
        self.assertIn(f"({open_count} open)", second["params"]["message"])
        self.assertEqual(
            len(self.activities(person, "mail_activity_type_file_request")), 1
        )
        self.assertFalse(self.activities(other, "mail_activity_type_file_request"))


@tagged("post_install", "-at_install", "siao_request")
class TestHousingSolutionAndRelease(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.create_person(
            consent_date=date(2025, 1, 1),
            expected_release_date=cls.today + timedelta(days=20),
        )

    def test_no_solution_by_default(self):
        self.assertFalse(self.person.has_housing_solution)
        self.assertTrue(self.person.dry_exit_risk)

    def test_admitted_request_is_a_solution(self):
        request = self.env["siao.request"].create(
            {
                "detainee_id": self.person.id,
                "orientation": "chrs",
                "structure_id": self.chrs.id,
                "admission_date": self.today + timedelta(days=20),
            }
        )
        request.action_submit()
        request.action_orient()
        self.assertFalse(self.person.has_housing_solution)
        request.action_propose()
        self.assertTrue(self.person.has_housing_solution)
        self.assertFalse(self.person.dry_exit_risk)
        request.action_admit()
        self.assertTrue(self.person.has_housing_solution)
        self.assertNotIn(
            self.person, self.Person.search([("dry_exit_risk", "=", True)])
        )

    def test_proposed_request_with_a_place_is_a_solution(self):
        place = self.env["siao.housing.place"].create(
            {"name": "Studio", "structure_id": self.chrs.id, "place_type": "iml"}
        )
        request = self.env["siao.request"].create(
            {"detainee_id": self.person.id, "orientation": "iml", "place_id": place.id}
        )
        request.action_submit()
        request.action_orient()
        request.action_propose()
        self.assertTrue(self.person.has_housing_solution)
        request.action_refuse("structure", "no_place")
        self.assertFalse(self.person.has_housing_solution)

    def test_recorded_outcome_is_a_solution_unless_dry_exit_or_unknown(self):
        for outcome, solved in (
            ("housing", True),
            ("adapted_housing", True),
            ("shelter", True),
            ("family", True),
            ("dry_exit", False),
            ("unknown", False),
        ):
            with self.subTest(outcome=outcome):
                self.person.release_outcome = outcome
                self.assertEqual(self.person.has_housing_solution, solved)

    def test_release_wizard_records_the_release_and_closes_activities(self):
        self.env["siao.deadline.alert"]._schedule(self.person)
        self.assertTrue(self.person.activity_ids)
        wizard = (
            self.env["siao.release.wizard"]
            .with_user(self.worker)
            .create({"detainee_id": self.person.id, "outcome": "shelter"})
        )
        wizard.action_confirm()
        self.assertEqual(
            (
                self.person.state,
                self.person.actual_release_date,
                self.person.release_outcome,
            ),
            ("released", self.today, "shelter"),
        )
        self.assertEqual(self.person.release_horizon, "past")
        self.assertFalse(self.person.activity_ids)
        self.assertFalse(self.person.dry_exit_risk)

    def test_release_needs_an_outcome_and_a_dry_exit_needs_a_reason(self):
        with self.assertRaises(UserError):
            self.person.action_record_release(release_date=self.today, outcome=None)
        with self.assertRaises(UserError):
            self.person.action_record_release(
                release_date=self.today, outcome="dry_exit"
            )
        self.assertEqual(self.person.state, "detained")
        self.person.action_record_release(
            release_date=self.today, outcome="dry_exit", reason="no_place"
        )
        self.assertEqual(
            (self.person.state, self.person.dry_exit_reason), ("released", "no_place")
        )
        with self.assertRaises(UserError):
            self.person.action_record_release(
                release_date=self.today, outcome="housing"
            )

    def test_default_resources_checklist_by_kind_of_person(self):
        self.assertEqual(
            set(self.person.resource_right_ids.mapped("right_type")),
            {
                "domiciliation",
                "rsa",
                "aah",
                "are_ass",
                "css",
                "caf_housing",
                "id_document",
                "bank_account",
            },
        )
        self.assertEqual(self.person.resource_progress, "0/8")
        self.person.resource_right_ids[:3].write({"status": "reopened"})
        self.assertEqual(self.person.resource_progress, "3/8")
        remand = self.create_person(last_name="Remand", legal_status="remand")
        self.assertEqual(len(remand.resource_right_ids), 4)
        remand.legal_status = "convicted"
        self.assertEqual(len(remand.resource_right_ids), 8)
