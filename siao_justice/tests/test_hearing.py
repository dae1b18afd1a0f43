from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_deadlines")
class TestHearings(SiaoCase):
    """The hearing on an adjustment is the officer's deadline: its date brings
    the alert before the release, its outcome moves the release or is counted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.create_person(
            last_name="Audience",
            expected_release_date=cls.today + timedelta(days=300),
        )
        cls.Hearing = cls.env["siao.hearing"].with_user(cls.worker)

    def test_the_next_hearing_is_the_earliest_to_come(self):
        late, early = self.Hearing.create(
            [
                {
                    "detainee_id": self.person.id,
                    "date": self.today + timedelta(days=60),
                },
                {
                    "detainee_id": self.person.id,
                    "date": self.today + timedelta(days=20),
                },
            ]
        )
        self.assertEqual(self.person.next_hearing_date, early.date)
        early.outcome = "postponed"
        self.assertEqual(self.person.next_hearing_date, late.date)

    def test_a_granted_adjustment_moves_the_release_and_needs_its_date(self):
        hearing = self.Hearing.create(
            {"detainee_id": self.person.id, "date": self.today, "kind": "ddse"}
        )
        with self.assertRaises(ValidationError):
            hearing.outcome = "granted"
        day = self.today + timedelta(days=10)
        hearing.write({"outcome": "granted", "new_release_date": day})
        self.assertEqual(self.person.expected_release_date, day)
        self.assertFalse(self.person.next_hearing_date)

    def test_a_hearing_before_the_release_brings_the_alert_first(self):
        Alert = self.env["siao.deadline.alert"]
        Alert._schedule(self.person)
        self.assertFalse(self.activities(self.person, "mail_activity_type_hearing"))
        hearing_day = self.today + timedelta(days=40)
        self.Hearing.create({"detainee_id": self.person.id, "date": hearing_day})
        Alert._schedule(self.person)
        activity = self.activities(self.person, "mail_activity_type_hearing")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, hearing_day - timedelta(days=7))
        self.assertEqual(activity.user_id, self.worker)
        Alert._schedule(self.person)  # once, not twice
        self.assertEqual(
            len(self.activities(self.person, "mail_activity_type_hearing")), 1
        )

    def figures(self):
        rows = (
            self.env["siao.cpom.indicators"]
            .with_user(self.accountant)
            .compute(self.today - timedelta(days=30), self.today, self.company.ids)
        )
        return {row["code"]: row for row in rows}

    def test_the_cpom_counts_the_adjustments_refused_for_lack_of_housing(self):
        before = self.figures()
        self.Hearing.create(
            [
                {
                    "detainee_id": self.person.id,
                    "date": self.today - timedelta(days=3),
                    "outcome": "refused_housing",
                },
                {
                    "detainee_id": self.person.id,
                    "date": self.today - timedelta(days=2),
                    "outcome": "refused_other",
                },
                {"detainee_id": self.person.id, "date": self.today + timedelta(days=9)},
            ]
        )
        after = self.figures()
        self.assertEqual(
            after["hearings_decided"]["value"] - before["hearings_decided"]["value"], 2
        )
        refused = [
            figures["hearings_refused_for_housing"] for figures in (before, after)
        ]
        self.assertEqual(
            (
                refused[1]["numerator"] - refused[0]["numerator"],
                refused[1]["denominator"] - refused[0]["denominator"],
            ),
            (1, 2),
        )

    def test_a_past_hearing_left_to_come_does_not_hide_the_next_one(self):
        self.Hearing.create(
            {"detainee_id": self.person.id, "date": self.today - timedelta(days=5)}
        )
        hearing_day = self.today + timedelta(days=30)
        self.Hearing.create({"detainee_id": self.person.id, "date": hearing_day})
        self.env["siao.deadline.alert"]._schedule(self.person)
        activity = self.activities(self.person, "mail_activity_type_hearing")
        self.assertEqual(activity.date_deadline, hearing_day - timedelta(days=7))

    def test_a_hearing_of_a_past_stay_moves_no_release(self):
        hearing = self.Hearing.create(
            {
                "detainee_id": self.person.id,
                "date": self.person.incarceration_date - timedelta(days=40),
            }
        )
        release = self.person.expected_release_date
        hearing.write(
            {"outcome": "granted", "new_release_date": self.today + timedelta(days=3)}
        )
        self.assertEqual(self.person.expected_release_date, release)

    def test_the_request_to_file_counts_back_from_a_hearing_before_the_release(self):
        Person = self.env["siao.detainee"]
        due = Person._request_due_domain()
        self.assertNotIn(self.person, Person.search(due))
        self.Hearing.create(
            {"detainee_id": self.person.id, "date": self.today + timedelta(days=40)}
        )
        self.assertIn(self.person, Person.search(due))
        self.assertTrue(
            self.activities(self.person, "mail_activity_type_file_request"),
            "the hearing set brings the alert at once",
        )

    def test_a_hearing_moved_moves_its_activity(self):
        hearing = self.Hearing.create(
            {"detainee_id": self.person.id, "date": self.today + timedelta(days=40)}
        )
        activity = self.activities(self.person, "mail_activity_type_hearing")
        self.assertEqual(activity.date_deadline, self.today + timedelta(days=33))
        hearing.date = self.today + timedelta(days=50)
        self.assertEqual(activity.date_deadline, self.today + timedelta(days=43))
