"""The association's day (``res.company.siao_today``), walked across the instants
where a day read in UTC, in the user's time zone or by a month's arithmetic goes
wrong: every date rule reads that one day."""

from contextlib import contextmanager
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from ..models.res_company import DEFAULT_TIMEZONE
from .common import SiaoCase

# (the instant, in UTC; the association's day in France; what the instant is)
INSTANTS = [
    ("2027-12-31 23:30:00", date(2028, 1, 1), "00:30 on New Year's Day"),
    ("2027-03-28 00:30:00", date(2027, 3, 28), "01:30, the night clocks go forward"),
    ("2027-03-28 01:30:00", date(2027, 3, 28), "03:30, just after they went forward"),
    ("2027-10-30 22:30:00", date(2027, 10, 31), "00:30, the night clocks go back"),
    ("2027-10-31 00:30:00", date(2027, 10, 31), "02:30, the hour lived twice"),
    ("2028-02-28 23:30:00", date(2028, 2, 29), "00:30 on 29 February"),
    ("2028-02-29 09:00:00", date(2028, 2, 29), "10:00 on 29 February"),
    ("2027-08-30 22:30:00", date(2027, 8, 31), "00:30 on the 31st (summer)"),
    ("2027-01-31 22:59:59", date(2027, 1, 31), "23:59:59 on the 31st"),
    ("2027-01-31 23:00:00", date(2027, 2, 1), "midnight after the 31st"),
]
# Users whose own time zone is far from France's, on either side.
OTHER_ZONES = ("Pacific/Noumea", "America/Cayenne", "Pacific/Honolulu")


@tagged("siao_clock")
class TestBusinessDay(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.far_users = [
            new_test_user(
                cls.env,
                login=f"siao_far_{index}",
                groups="base.group_user,siao_justice.group_siao_user",
                tz=zone,
            )
            for index, zone in enumerate(OTHER_ZONES)
        ]
        cls.manager_b = cls._user(
            "siao_manager_clock_b",
            "siao_justice.group_siao_manager",
            company=cls.company_b,
        )

    @contextmanager
    def at(self, instant, what):
        """The test's checks at ``instant``, frozen, each instant on its own."""
        with self.subTest(instant=instant, what=what), freeze_time(instant):
            yield

    def test_today_is_the_company_day_for_every_user(self):
        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                self.assertEqual(self.company.siao_today(), day)
                for user in self.far_users:
                    self.assertEqual(self.company.with_user(user).siao_today(), day)
                    # A form's "today" is the association's too.
                    wizard = self.env["siao.release.wizard"].with_user(user)
                    self.assertEqual(
                        wizard.default_get(["release_date"])["release_date"], day
                    )
                self.assertEqual(
                    self.env["siao.detainee"]
                    .with_user(self.far_users[0])
                    .default_get(["last_contact_date"])["last_contact_date"],
                    day,
                )

    def test_a_company_without_the_setting_is_on_the_default_zone(self):
        """A company another module creates before the addon is loaded has no
        zone: its day is the default zone's, in Python and in SQL alike."""
        bare = self.env["res.company"].create({"name": "Sans fuseau"})
        self.env.cr.execute(
            "UPDATE res_company SET siao_timezone = NULL WHERE id = %s", [bare.id]
        )
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                self.assertEqual(bare.siao_today(), day)
        # PostgreSQL's clock is not frozen: the same day as a company on the
        # default zone, at its instant.
        self.company.siao_timezone = DEFAULT_TIMEZONE
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT siao_today(%s), siao_today(%s)", [bare.id, self.company.id]
        )
        bare_day, company_day = self.env.cr.fetchone()
        self.assertEqual(bare_day, company_day)

    def test_release_horizon_turns_on_the_company_day(self):
        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                cases = {
                    day - timedelta(days=1): "past",
                    day: "m1",
                    day + relativedelta(months=1): "m1",
                    day + relativedelta(months=1, days=1): "m3",
                    day + relativedelta(months=6): "m6",
                    day + relativedelta(months=6, days=1): "later",
                }
                persons = {
                    release: self.create_person(
                        last_name="Horizon", expected_release_date=release
                    )
                    for release in cases
                }
                for release, horizon in cases.items():
                    self.assertEqual(persons[release].release_horizon, horizon, release)
                # The nightly pass gives the same, on the same day.
                self.Person._cron_update_release_horizon()
                for release, horizon in cases.items():
                    self.assertEqual(persons[release].release_horizon, horizon, release)

    def test_today_is_never_in_the_future(self):
        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                person = self.create_person(
                    last_name="Aujourdhui",
                    consent_date=day,
                    consent_scope="siao_spip",
                    expected_release_date=day,
                )
                for field in ("birthdate", "consent_date"):
                    with (
                        self.assertRaisesRegex(ValidationError, "future"),
                        self.env.cr.savepoint(),
                    ):
                        person.write({field: day + timedelta(days=1)})
                # Released today: recorded, and the person is out.
                person.action_record_release(day, "family")
                self.assertEqual(
                    (person.state, person.actual_release_date), ("released", day)
                )

    def test_a_request_is_due_within_the_lead_time_of_the_company_day(self):
        lead = relativedelta(months=self.company.siao_request_lead_months)
        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                due = self.create_person(
                    last_name="Due", expected_release_date=day + lead
                )
                early = self.create_person(
                    last_name="Early", expected_release_date=day + lead + timedelta(1)
                )
                found = self.Person.search(self.Person._request_due_domain())
                self.assertIn(due, found)
                self.assertNotIn(early, found)
                self.env["siao.deadline.alert"]._schedule(due | early)
                activity = self.activities(due, "mail_activity_type_file_request")
                self.assertEqual(activity.date_deadline, day + timedelta(days=7))
                self.assertFalse(
                    self.activities(early, "mail_activity_type_file_request")
                )

    def test_lsc_deadline_and_its_alert_from_the_company_day(self):
        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                # Sentences whose LSC date falls today or just after, and the
                # day before (calendar months: 31 August less 3 months is the
                # 31st of May, 30 November less 3 months the 30th of August).
                soon, past = (
                    self.create_person(
                        last_name="Lsc",
                        sentence_months=24,
                        sentence_end_date=end + relativedelta(months=3),
                    )
                    for end in (day + timedelta(days=1), day - timedelta(days=1))
                )
                self.assertGreaterEqual(soon.lsc_automatic_date, day)
                self.assertLess(past.lsc_automatic_date, day)
                self.assertEqual((soon.lsc_soon, past.lsc_soon), (True, False))
                found = self.Person.search([("lsc_soon", "=", True)])
                self.assertIn(soon, found)
                self.assertNotIn(past, found)
                # Both are alerted; the one already past is due today.
                self.env["siao.deadline.alert"]._schedule(soon | past)
                self.assertEqual(
                    self.activities(past, "mail_activity_type_lsc").date_deadline, day
                )
                self.assertEqual(
                    self.activities(soon, "mail_activity_type_lsc").date_deadline,
                    soon.lsc_automatic_date,
                )

    def test_lsc_date_counts_back_calendar_months(self):
        for end, lsc in (
            (date(2028, 5, 31), date(2028, 2, 29)),
            (date(2027, 5, 31), date(2027, 2, 28)),
            (date(2027, 12, 31), date(2027, 9, 30)),
            (date(2028, 3, 1), date(2027, 12, 1)),
        ):
            person = self.create_person(
                last_name="Calendrier", sentence_months=12, sentence_end_date=end
            )
            self.assertEqual(person.lsc_automatic_date, lsc)

    def test_avdl_measure_ends_by_calendar_months(self):
        for entry, end in (
            (date(2027, 12, 31), date(2028, 2, 29)),
            (date(2026, 12, 31), date(2027, 2, 28)),
            (date(2027, 8, 31), date(2027, 10, 31)),
            (date(2028, 2, 29), date(2028, 4, 29)),
        ):
            person = self.create_person(last_name="Mesure")
            measure = self.env["siao.avdl.measure"].create(
                {"detainee_id": person.id, "user_id": self.worker.id}
            )
            measure.housing_entry_date = entry
            self.assertEqual(measure.end_date, end)
            measure.action_cancel()

    def test_measures_ending_soon_from_the_company_day(self):
        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                measures = self.env["siao.avdl.measure"]
                for shift in range(12, 19):
                    measure = measures.create(
                        {
                            "detainee_id": self.create_person(last_name="Fin").id,
                            "user_id": self.worker.id,
                            "housing_entry_date": day
                            - relativedelta(months=2)
                            + timedelta(days=shift),
                        }
                    )
                    measure.action_enter_housing()
                    measures |= measure
                # Ending within 15 days of today, the association's day.
                for measure in measures:
                    self.assertEqual(
                        measure.ending_soon,
                        measure.end_date <= day + timedelta(days=15),
                        measure.end_date,
                    )
                self.assertEqual(
                    set(measures.mapped("ending_soon")), {True, False}, measures
                )
                soon = measures.search([("ending_soon", "=", True)])
                self.assertEqual(soon & measures, measures.filtered("ending_soon"))
                measures.action_close(day, "housing_kept")

    def test_retention_runs_out_the_day_after_its_months(self):
        months = relativedelta(months=self.company.siao_retention_months)
        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                kept, due = (
                    self.create_person(last_name=name, expected_release_date=day)
                    for name in ("Garde", "Echue")
                )
                (kept | due).action_record_release(day, "family")
                kept.sudo().last_contact_date = day - months
                due.sudo().last_contact_date = day - months - timedelta(days=1)
                found = self.Person.with_context(active_test=False).search(
                    self.Person._retention_domain()
                )
                self.assertIn(due, found)
                self.assertNotIn(kept, found)

    def test_a_meeting_counts_in_the_period_of_its_company_day(self):
        Indicators = self.env["siao.cpom.indicators"]

        def held_on(*days):
            return [Indicators._meetings_held(d, d, self.company.ids) for d in days]

        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                before = held_on(day, day - timedelta(days=1))
                meeting = self.env["siao.commission.meeting"].create(
                    {"date": fields.Datetime.now()}
                )
                self.env["siao.commission.line"].create(
                    {
                        "meeting_id": meeting.id,
                        "detainee_id": self.create_person(last_name="Cas").id,
                    }
                )
                meeting.action_start()
                meeting.line_ids.decision = "maintain"
                meeting.with_context(siao_minutes_when_opened=True).action_close()
                self.assertIn(f"{day:%d/%m/%Y}", meeting.name)
                self.assertEqual(meeting.line_ids.due_date, day + timedelta(days=7))
                # Counted on its day, not on the UTC date before it.
                self.assertEqual(
                    held_on(day, day - timedelta(days=1)),
                    [before[0] + 1, before[1]],
                )
                case = self.env["siao.report.commission"].search(
                    [("meeting_id", "=", meeting.id)]
                )
                self.assertEqual(case.meeting_date, day)

    def test_next_commission_is_running_or_today_or_later(self):
        Meeting = self.env["siao.commission.meeting"].with_user(self.manager_b)
        Meeting = Meeting.with_context(allowed_company_ids=self.company_b.ids)
        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                Meeting.sudo().search(
                    [("company_id", "=", self.company_b.id), ("state", "!=", "closed")]
                ).write({"state": "closed"})
                at = self.company_b.siao_day_start
                yesterday = Meeting.create({"date": at(day - timedelta(1), 14.0)})
                early_today = Meeting.create({"date": at(day, 0.0)})
                tomorrow = Meeting.create({"date": at(day + timedelta(1), 14.0)})
                self.assertEqual(
                    (yesterday | early_today | tomorrow).mapped("not_held"),
                    [True, False, False],
                )
                self.assertEqual(Meeting.search([("not_held", "=", True)]), yesterday)
                self.assertEqual(Meeting._next_meeting(), early_today)
                # The coordinators are asked about the meeting not held, once.
                notified = Meeting.sudo()._notify_not_held()
                self.assertEqual(
                    notified.filtered(lambda m: m.company_id == self.company_b),
                    yesterday,
                )
                self.assertFalse(Meeting.sudo()._notify_not_held())
                self.assertEqual(
                    yesterday.activity_ids.user_id, self.manager_b, yesterday.name
                )
                # Once in session, a meeting is the next one whatever its day.
                yesterday.action_start()
                self.assertEqual(Meeting._next_meeting(), yesterday)
                (yesterday | early_today | tomorrow).sudo().write({"state": "closed"})

    def test_schedule_places_the_commission_on_its_local_day_and_hour(self):
        company = self.company_b
        company.write(
            {
                "siao_commission_week": "2",
                "siao_commission_weekday": "1",
                "siao_commission_hour": 14.0,
            }
        )
        Meeting = self.env["siao.commission.meeting"]
        for today, local_day, utc_hour in (
            # Winter: 14:00 in France is 13:00 UTC; summer: 12:00 UTC.
            (date(2028, 1, 1), date(2028, 1, 11), 13),
            (date(2027, 3, 28), date(2027, 4, 13), 12),
            (date(2027, 10, 31), date(2027, 11, 9), 13),
            (date(2028, 2, 29), date(2028, 3, 14), 13),
            (date(2027, 3, 9), date(2027, 3, 9), 13),
        ):
            with self.subTest(today=today):
                when = Meeting._next_meeting_datetime(company, today)
                self.assertEqual(
                    (company.siao_day_of(when), when.hour), (local_day, utc_hour)
                )

    def test_places_are_free_on_the_company_day(self):
        structure = self.create_host_structure("CHRS de l'horloge")
        for instant, day, what in INSTANTS:
            with self.at(instant, what):
                place = self.create_place(structure, "Chambre", day)
                self.assertTrue(place.free_today)
                self.env["siao.housing.reservation"].create(
                    {
                        "place_id": place.id,
                        "detainee_id": self.create_person(last_name="Occupe").id,
                        "kind": "occupation",
                        "date_from": day,
                    }
                )
                self.assertEqual(place.state, "occupied")
                self.assertNotIn(
                    place,
                    self.env["siao.housing.place"].search([("free_today", "=", True)]),
                )
                place.active = False
