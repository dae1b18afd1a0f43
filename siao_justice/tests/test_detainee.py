from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from ..models.siao_rules import (
    ESTIMATED_RELEASE_SOURCES,
    estimated_release_sql,
    sentence_end_from,
)
from .common import SiaoCase

TODAY = date(2026, 3, 10)


@tagged("post_install", "-at_install", "siao_file")
class TestReleaseHorizon(SiaoCase):
    def _horizon(self, expected, **values):
        with freeze_time(TODAY):
            return self.create_person(
                expected_release_date=expected, **values
            ).release_horizon

    def test_horizon_buckets_at_their_boundaries(self):
        one, three, six = (TODAY + relativedelta(months=m) for m in (1, 3, 6))
        cases = [
            (TODAY - timedelta(days=1), "past"),
            (TODAY, "m1"),
            (one, "m1"),
            (one + timedelta(days=1), "m3"),
            (three, "m3"),
            (three + timedelta(days=1), "m6"),
            (six, "m6"),
            (six + timedelta(days=1), "later"),
        ]
        for expected, horizon in cases:
            with self.subTest(expected=expected):
                self.assertEqual(self._horizon(expected), horizon)

    def test_remand_or_no_date_is_unknown(self):
        self.assertEqual(self._horizon(False), "unknown")
        self.assertEqual(
            self._horizon(TODAY + timedelta(days=10), legal_status="remand"), "unknown"
        )

    def test_released_person_is_past(self):
        with freeze_time(TODAY):
            person = self.create_person(
                expected_release_date=TODAY + timedelta(days=200)
            )
            person.action_record_release(TODAY, "family")
            self.assertEqual(person.release_horizon, "past")

    def test_horizon_follows_a_changed_expected_date(self):
        with freeze_time(TODAY):
            person = self.create_person(
                expected_release_date=TODAY + relativedelta(months=8)
            )
            self.assertEqual(person.release_horizon, "later")
            person.expected_release_date = TODAY + timedelta(days=10)
            self.assertEqual(person.release_horizon, "m1")

    def test_cron_moves_persons_to_their_new_horizon_on_a_later_day(self):
        with freeze_time(TODAY):
            soon = self.create_person(expected_release_date=TODAY + timedelta(days=40))
            later = self.create_person(
                last_name="Later",
                expected_release_date=TODAY + relativedelta(months=6, days=5),
            )
            remand = self.create_person(last_name="Remand", legal_status="remand")
        self.assertEqual((soon.release_horizon, later.release_horizon), ("m3", "later"))
        with freeze_time(TODAY + timedelta(days=15)):
            changed = self.Person._cron_update_release_horizon()
            self.assertEqual(
                (soon.release_horizon, later.release_horizon), ("m1", "m6")
            )
            self.assertEqual(remand.release_horizon, "unknown")
            self.assertIn(soon.id, changed)
            # A second run the same day changes nothing.
            self.assertEqual(self.Person._cron_update_release_horizon(), [])
        with freeze_time(TODAY + timedelta(days=41)):
            self.Person._cron_update_release_horizon()
            self.assertEqual(soon.release_horizon, "past")

    def test_cron_agrees_with_the_computed_horizon(self):
        with freeze_time(TODAY):
            persons = self.Person
            for days in (-3, 0, 20, 31, 45, 92, 150, 184, 400):
                persons |= self.create_person(
                    last_name=f"P{days}",
                    expected_release_date=TODAY + timedelta(days=days),
                )
        with freeze_time(TODAY + timedelta(days=30)):
            self.Person._cron_update_release_horizon()
            for person in persons:
                expected = person._release_horizons(TODAY + timedelta(days=30))[person]
                self.assertEqual(person.release_horizon, expected)

    def test_without_expected_date_the_lsc_deadline_or_the_end_of_sentence_counts(
        self,
    ):
        """The estimated release date is the first known of its sources, in their
        order; the horizon (computed and nightly), the dry-exit risk and the
        commission's agenda read it."""
        end = TODAY + relativedelta(months=3, days=20)  # LSC deadline in 20 days
        cases = {
            "all": {"expected_release_date": TODAY + timedelta(days=10)},
            "lsc": {},
            "end": {"lsc_excluded": True},
            "long": {"sentence_months": 30},  # beyond the LSC de plein droit
            "nothing": {"sentence_end_date": False},
        }
        with freeze_time(TODAY):
            persons = {
                key: self.create_person(
                    **{
                        "last_name": f"Estimated {key}",
                        "incarceration_date": TODAY - relativedelta(months=10),
                        "sentence_months": 12,
                        "sentence_end_date": end,
                        **values,
                    }
                )
                for key, values in cases.items()
            }
            for key, person in persons.items():
                with self.subTest(key=key):
                    first = next(
                        (
                            person[name]
                            for name in ESTIMATED_RELEASE_SOURCES
                            if person[name]
                        ),
                        False,
                    )
                    self.assertEqual(person.estimated_release_date, first)
                    self.env.flush_all()
                    self.env.cr.execute(
                        SQL(
                            "SELECT %s FROM siao_detainee d WHERE d.id = %s",
                            estimated_release_sql("d"),
                            person.id,
                        )
                    )
                    self.assertEqual(self.env.cr.fetchone()[0] or False, first)
            self.assertEqual(
                persons["lsc"].estimated_release_date, end - relativedelta(months=3)
            )
            self.assertEqual(persons["end"].estimated_release_date, end)
            self.assertEqual(persons["long"].estimated_release_date, end)
            self.assertEqual(
                {key: person.release_horizon for key, person in persons.items()},
                {
                    "all": "m1",
                    "lsc": "m1",
                    "end": "m6",
                    "long": "m6",
                    "nothing": "unknown",
                },
            )
            self.assertTrue(persons["lsc"].dry_exit_risk)
            self.assertEqual(
                self.Person.search(
                    [
                        ("id", "in", [p.id for p in persons.values()]),
                        ("dry_exit_risk", "=", True),
                    ]
                ),
                persons["all"] | persons["lsc"],
            )
        later = TODAY + relativedelta(months=1)
        with freeze_time(later):
            self.Person._cron_update_release_horizon()
            for person in persons.values():
                self.assertEqual(
                    person.release_horizon,
                    person._release_horizons(later)[person],
                )
            self.assertEqual(persons["end"].release_horizon, "m3")
            self.assertEqual(persons["lsc"].release_horizon, "past")

    def test_cron_runs_a_constant_number_of_queries(self):
        """The same queries whether 10 or 40 files (and their requests) change
        horizon: one UPDATE of the files, then their requests through the ORM."""

        def files(count):
            with freeze_time(TODAY):
                for days in range(0, 400, 400 // count):
                    person = self.create_person(
                        last_name=f"Q{days}",
                        expected_release_date=TODAY + timedelta(days=days),
                    )
                    self.env["siao.request"].create({"detainee_id": person.id})
            self.env.flush_all()

        counts = []
        for count, shift in ((10, 20), (40, 60)):
            files(count)
            with freeze_time(TODAY + timedelta(days=shift)):
                start = self.env.cr.sql_log_count
                changed = self.Person._cron_update_release_horizon()
                counts.append(self.env.cr.sql_log_count - start)
            self.assertGreaterEqual(len(changed), count // 10)
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[1], 6)
        requests = self.env["siao.request"].search([("detainee_id", "in", changed)])
        for request in requests:
            self.assertEqual(
                request.release_horizon, request.detainee_id.release_horizon
            )

    def test_board_shows_the_release_passed_column_only_when_it_holds_files(self):
        domain = [("company_id", "=", self.company_b.id)]

        def columns():
            groups = self.Person.web_read_group(
                domain, ["release_horizon"], ["release_horizon"]
            )["groups"]
            return [group["release_horizon"] for group in groups]

        self.assertEqual(columns(), ["m1", "m3", "m6", "later", "unknown"])
        self.create_person(
            company_id=self.company_b.id,
            user_id=self.worker_b.id,
            prison_id=False,
            expected_release_date=self.today - timedelta(days=1),
        )
        self.assertEqual(columns(), ["past", "m1", "m3", "m6", "later", "unknown"])
        # The commission's board, alike.
        cases = self.env["siao.commission.line"].web_read_group(
            [("meeting_id", "=", False)], ["release_horizon"], ["release_horizon"]
        )["groups"]
        self.assertEqual(
            [group["release_horizon"] for group in cases],
            ["m1", "m3", "m6", "later", "unknown"],
        )

    def test_board_shows_every_horizon_column(self):
        self.create_person(expected_release_date=self.today + timedelta(days=5))
        groups = self.Person.read_group(
            [("state", "=", "detained")], ["release_horizon"], ["release_horizon"]
        )
        self.assertEqual(
            [g["release_horizon"] for g in groups if g["release_horizon"] != "past"],
            ["m1", "m3", "m6", "later", "unknown"],
        )


@tagged("post_install", "-at_install", "siao_file")
class TestLscAutomatic(SiaoCase):
    def test_lsc_automatic_date_for_two_year_sentence(self):
        person = self.create_person(
            sentence_months=24, sentence_end_date=date(2027, 5, 31)
        )
        self.assertEqual(person.lsc_automatic_date, date(2027, 2, 28))

    def test_no_lsc_automatic_date_for_25_month_sentence(self):
        person = self.create_person(
            sentence_months=25, sentence_end_date=date(2027, 5, 31)
        )
        self.assertFalse(person.lsc_automatic_date)

    def test_no_lsc_automatic_date_on_remand(self):
        person = self.create_person(
            legal_status="remand",
            sentence_months=12,
            sentence_end_date=date(2027, 5, 31),
        )
        self.assertFalse(person.lsc_automatic_date)

    def test_lsc_date_follows_a_new_end_of_sentence(self):
        person = self.create_person(
            sentence_months=10, sentence_end_date=date(2027, 5, 31)
        )
        person.sentence_end_date = date(2027, 4, 15)
        self.assertEqual(person.lsc_automatic_date, date(2027, 1, 15))

    def test_a_new_file_s_form_proposes_the_end_of_sentence_and_shows_the_lsc(self):
        """The end of sentence runs month for month from the incarceration day
        to the eve of the same day; the LSC deadline shows before saving; a
        date the worker typed is kept when the length changes."""
        with Form(self.env["siao.detainee"]) as form:
            form.last_name = "FORMULE"
            form.first_name = "Paul"
            form.prison_id = self.prison
            form.incarceration_date = date(2026, 10, 15)
            form.sentence_months = 6
            self.assertEqual(form.sentence_end_date, date(2027, 4, 14))
            self.assertEqual(form.lsc_automatic_date, date(2027, 1, 14))
        person = form.record
        with Form(person) as form:
            form.sentence_months = 8
            self.assertEqual(form.sentence_end_date, date(2027, 6, 14))
            form.sentence_end_date = date(2027, 5, 20)
        with Form(person) as form:
            form.sentence_months = 9
            self.assertEqual(
                fields.Date.to_date(form.sentence_end_date), date(2027, 5, 20)
            )
        self.assertEqual(
            (person.sentence_end_date, person.lsc_automatic_date),
            (date(2027, 5, 20), date(2027, 2, 20)),
        )

    def test_the_end_of_sentence_is_computed_to_the_eve_of_the_same_day(self):
        for start, months, end in [
            (date(2026, 1, 15), 6, date(2026, 7, 14)),
            (date(2026, 1, 31), 1, date(2026, 2, 27)),
            (date(2024, 2, 29), 12, date(2025, 2, 27)),
            (date(2026, 3, 1), 24, date(2028, 2, 29)),
        ]:
            with self.subTest(start=start, months=months):
                self.assertEqual(sentence_end_from(start, months), end)
        self.assertFalse(sentence_end_from(date(2026, 1, 1), 0))
        self.assertFalse(sentence_end_from(False, 6))


@tagged("post_install", "-at_install", "siao_file")
class TestDryExitRisk(SiaoCase):
    def test_release_within_alert_days_without_solution_is_at_risk(self):
        self.company.siao_dry_exit_alert_days = 30
        today = self.today
        near = self.create_person(expected_release_date=today + timedelta(days=29))
        far = self.create_person(
            last_name="Far", expected_release_date=today + timedelta(days=31)
        )
        solved = self.create_person(
            last_name="Solved",
            expected_release_date=today + timedelta(days=10),
            release_outcome="family",
        )
        remand = self.create_person(last_name="Remand", legal_status="remand")
        self.assertTrue(near.dry_exit_risk)
        self.assertFalse(far.dry_exit_risk)
        self.assertFalse(solved.dry_exit_risk)
        self.assertFalse(remand.dry_exit_risk)
        at_risk = self.Person.search([("dry_exit_risk", "=", True)])
        self.assertIn(near, at_risk)
        self.assertNotIn(far | solved | remand, at_risk)
        not_at_risk = self.Person.search([("dry_exit_risk", "=", False)])
        self.assertIn(far, not_at_risk)
        self.assertNotIn(near, not_at_risk)

    def test_alert_days_is_a_company_setting(self):
        person = self.create_person(
            expected_release_date=self.today + timedelta(days=45)
        )
        self.assertFalse(person.dry_exit_risk)
        self.company.siao_dry_exit_alert_days = 60
        person.invalidate_recordset(["dry_exit_risk"])
        self.assertTrue(person.dry_exit_risk)
        self.assertIn(person, self.Person.search([("dry_exit_risk", "=", True)]))


@tagged("post_install", "-at_install", "siao_file")
class TestPersonRecord(SiaoCase):
    def test_name_is_last_name_in_capitals_then_first_name(self):
        person = self.create_person(last_name=" Lefèvre ", first_name="Anne")
        self.assertEqual(person.name, "LEFÈVRE Anne")
        self.assertEqual(self.Person.name_search("lefèvre")[0][0], person.id)

    def test_search_by_prison_number(self):
        person = self.create_person(prison_number="68L12345")
        self.assertEqual(self.Person.name_search("68L123")[0][0], person.id)

    def test_expected_release_date_changes_are_kept_in_the_chatter(self):
        person = self.create_person(expected_release_date=date(2027, 1, 10))
        self.env.flush_all()
        self.env.cr.flush()  # creation is not tracked: end its precommit phase first
        person.expected_release_date = date(2026, 12, 1)
        self.env.flush_all()
        self.env.cr.flush()
        values = person.message_ids.sudo().tracking_value_ids.filtered(
            lambda v: v.field_id.name == "expected_release_date"
        )
        self.assertEqual(len(values), 1)
        self.assertEqual(values.old_value_datetime.date(), date(2027, 1, 10))
        self.assertEqual(values.new_value_datetime.date(), date(2026, 12, 1))


@tagged("post_install", "-at_install", "siao_file")
class TestFileStaysInItsCompany(SiaoCase):
    def test_a_prison_of_another_company_is_refused(self):
        prison_b = self.env["res.partner"].create(
            {
                "name": "Centre de détention B",
                "siao_partner_type": "prison",
                "prison_type": "cd",
                "company_id": self.company_b.id,
            }
        )
        with self.assertRaises(UserError):
            self.create_person(prison_id=prison_b.id)
        person = self.create_person()
        with self.assertRaises(UserError):
            person.write({"prison_id": prison_b.id})
        self.assertEqual(person.prison_id, self.prison)

    def test_a_file_with_records_cannot_move_to_another_company(self):
        person = self.create_person(
            prison_id=False, user_id=False, consent_date=self.today
        )
        person.write({"company_id": self.company_b.id})  # nothing of its own yet
        person.write({"company_id": self.company.id})
        self.env["siao.request"].create({"detainee_id": person.id})
        with self.assertRaises(ValidationError):
            person.write({"company_id": self.company_b.id})
        self.assertEqual(person.company_id, self.company)
        self.assertEqual(person.request_ids.company_id, self.company)

    def test_deadlines_are_checked_only_on_files_one_may_change(self):
        secret = self.create_person(
            last_name="Secret",
            confidential=True,
            expected_release_date=self.today + timedelta(days=10),
        )
        foreign = self.create_person(
            last_name="Ailleurs",
            company_id=self.company_b.id,
            user_id=self.worker_b.id,
            prison_id=False,
            expected_release_date=self.today + timedelta(days=10),
        )
        for user, person in (
            (self.worker_2, secret),
            (self.worker, foreign),
            (self.reader, self.create_person(last_name="Lu")),
        ):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Person.with_user(user).browse(person.ids).action_check_deadlines()
        self.assertFalse(secret.activity_ids | foreign.activity_ids)
        self.assertTrue(secret.with_user(self.worker).action_check_deadlines())
        self.assertTrue(secret.activity_ids)
