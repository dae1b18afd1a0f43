from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_deadlines")
class TestReleasePlan(SiaoCase):
    """The first night outside: a plan a week before, the coordinators alerted
    the day before without one, a place held for the night, the arrival
    recorded the morning after, the SAS apartments and floating places kept for
    those nights and counted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["siao.release.plan"]
        since = cls.today - timedelta(days=400)
        relais = cls.create_host_structure(
            "Le Relais",
            street="2 rue du Rhin",
            zip="68100",
            city="Mulhouse",
            country_id=cls.env.ref("base.fr").id,
        )
        cls.sas = cls.create_place(
            relais, "Appartement SAS", since, place_type="sas_apartment"
        )
        cls.floating = cls.create_place(
            relais, "Place volante", since, place_type="floating_place"
        )
        cls.room = cls.create_place(cls.chrs, "Chambre 3", since)
        # The held places of the test only (the demo's are put aside).
        cls.env["siao.housing.place"].search(
            [
                ("place_type", "in", ("sas_apartment", "floating_place")),
                ("id", "not in", (cls.sas | cls.floating).ids),
            ]
        ).active = False

    def person_released_in(self, days, **values):
        return self.create_person(
            last_name=values.pop("last_name", "Sortie"),
            expected_release_date=self.today + timedelta(days=days),
            **values,
        )

    def ready_values(self):
        return {
            "first_night": "housing",
            "place_name": "CHRS du test",
            "address": "3 rue de la Gare, Mulhouse",
            "opening_hours": "De 17 h à 21 h",
            "route": "Bus 10 devant la prison, arrêt Gare",
            "person_told_on": self.today,
        }

    def test_a_week_before_the_referent_prepares_the_plan(self):
        far, near = self.person_released_in(12), self.person_released_in(6)
        self.env["siao.deadline.alert"]._schedule(far | near)
        self.assertFalse(self.activities(far, "mail_activity_type_release_plan"))
        activity = self.activities(near, "mail_activity_type_release_plan")
        self.assertEqual(activity.user_id, self.worker)
        self.assertEqual(activity.date_deadline, self.today + timedelta(days=5))
        # Not yet the coordinators': the release is not tomorrow.
        self.assertFalse(self.activities(near, "mail_activity_type_first_night_alert"))

    def test_the_day_before_without_a_plan_alerts_every_coordinator(self):
        other = self._user("siao_manager_2", "siao_justice.group_siao_manager")
        person = self.person_released_in(1)
        self.env["siao.deadline.alert"]._schedule(person)
        alerts = self.activities(person, "mail_activity_type_first_night_alert")
        self.assertEqual(
            alerts.user_id,
            self.env["siao.detainee"]._coordinators(self.company),
        )
        self.assertLessEqual(self.manager | other, alerts.user_id)
        self.assertNotIn(self.worker, alerts.user_id)
        # Once, not twice.
        self.env["siao.deadline.alert"]._schedule(person)
        self.assertEqual(
            self.activities(person, "mail_activity_type_first_night_alert"), alerts
        )
        # A plan ready ends the alerts, the referent's and the coordinators'.
        plan = self.Plan.with_user(self.worker)._of_current_stay(person)
        plan.write(self.ready_values())
        self.assertTrue(plan.ready)
        self.assertFalse(
            self.activities(person, "mail_activity_type_first_night_alert")
        )
        self.assertFalse(self.activities(person, "mail_activity_type_release_plan"))
        self.env["siao.deadline.alert"]._schedule(person)
        self.assertFalse(
            self.activities(person, "mail_activity_type_first_night_alert")
        )

    def test_a_plan_is_ready_when_the_person_knows_where_and_how(self):
        person = self.person_released_in(5)
        plan = self.Plan.with_user(self.worker)._of_current_stay(person)
        self.assertFalse(plan.ready)
        self.assertIn("The first night", plan.missing)
        values = self.ready_values()
        for name in ("place_name", "address", "opening_hours", "route"):
            plan.write(dict(values, **{name: False}))
            self.assertFalse(plan.ready, name)
            self.assertIn(plan._fields[name].string, plan.missing)
        plan.write(dict(values, person_told_on=False))
        self.assertFalse(plan.ready)
        plan.write(values)
        self.assertTrue(plan.ready)
        self.assertFalse(plan.missing)
        # With family: no opening hours asked.
        plan.write(
            {
                "first_night": "family",
                "opening_hours": False,
                "person_told_on": self.today,
            }
        )
        self.assertTrue(plan.ready)
        # No place: the 115 told is what is asked, and the person told.
        plan.write({"first_night": "emergency"})
        self.assertFalse(plan.ready)
        plan.action_emergency_told()
        self.assertEqual(plan.emergency_told_on, self.today)
        self.assertEqual(plan.missing, plan._fields["person_told_on"].string)
        plan.action_person_told()
        self.assertTrue(plan.ready)
        # One plan per stay, found again.
        self.assertEqual(self.Plan._of_current_stay(person), plan)
        self.assertEqual(person.release_plan_id, plan)
        self.assertTrue(person.release_plan_ready)

    def test_a_plan_starts_from_the_solution_found(self):
        person = self.person_released_in(5)
        self.env["siao.housing.reservation"].create(
            {
                "place_id": self.room.id,
                "detainee_id": person.id,
                "date_from": person.estimated_release_date,
                "date_to": person.estimated_release_date + timedelta(days=60),
            }
        )
        plan = self.Plan.with_user(self.worker)._of_current_stay(person)
        self.assertEqual(plan.first_night, "housing")
        self.assertIn("Chambre 3", plan.place_name)

    def test_the_coordinator_holds_a_place_for_the_night_from_the_alert(self):
        person = self.person_released_in(1)
        self.assertTrue(person.dry_exit_risk)
        action = person.with_user(self.manager).action_hold_first_night_place()
        plan = person.release_plan_id
        self.assertEqual(action["res_id"], plan.id)
        held = plan.reservation_id
        self.assertIn(held.place_id, self.sas | self.floating)
        day = person.estimated_release_date
        longest = self.company.siao_held_place_max_days
        self.assertEqual(
            (held.date_from, held.date_to, held.kind, held.state),
            (day, day + timedelta(days=longest - 1), "reservation", "confirmed"),
        )
        # The coordinators' alert is answered; the referent's stays until the
        # plan is complete (hours, route, the person told).
        self.env["siao.deadline.alert"]._schedule(person)
        self.assertFalse(
            self.activities(person, "mail_activity_type_first_night_alert")
        )
        self.assertFalse(plan.ready)
        self.assertIn(plan._fields["route"].string, plan.missing)
        self.assertEqual(plan.first_night, "held_place")
        self.assertIn(held.place_id.name, plan.place_name)
        self.assertEqual(
            plan.address.splitlines()[:2], ["2 rue du Rhin", "68100 Mulhouse"]
        )
        self.assertNotIn("\n\n", plan.address)
        person.invalidate_recordset()
        self.assertFalse(person.dry_exit_risk)
        with self.assertRaises(UserError):
            plan.with_user(self.manager).action_hold_place()
        # A second person the same night gets the other held place, a third
        # none: the 115 is to be told.
        second = self.person_released_in(1, last_name="Deuxième")
        second.with_user(self.manager).action_hold_first_night_place()
        self.assertEqual(
            second.release_plan_id.reservation_id.place_id | held.place_id,
            self.sas | self.floating,
        )
        third = self.person_released_in(1, last_name="Troisième")
        with self.assertRaisesRegex(UserError, "115"):
            third.with_user(self.manager).action_hold_first_night_place()

    def release(self, person, days_after_today):
        day = self.today + timedelta(days=days_after_today)
        with freeze_time(day):
            person.action_record_release(release_date=day, outcome="shelter")

    def test_the_arrival_is_recorded_once_the_release_is(self):
        person = self.person_released_in(1)
        person.action_hold_first_night_place()
        plan = person.release_plan_id
        held = plan.reservation_id
        with freeze_time(self.today + timedelta(days=2)):
            # Still in prison (the release not recorded): nothing to record.
            with self.assertRaises(UserError):
                plan.with_user(self.worker).action_arrived()
        self.release(person, 1)
        with freeze_time(self.today + timedelta(days=2)):
            plan.with_user(self.worker).action_arrived()
            # Recorded once.
            with self.assertRaises(UserError):
                plan.with_user(self.worker).action_not_arrived()
        self.assertEqual(plan.arrival, "arrived")
        self.assertEqual(plan.arrival_recorded_by_id, self.worker)
        # The night held becomes the stay, as long as it was held.
        self.assertEqual(
            (held.kind, held.state, held.date_to),
            (
                "occupation",
                "confirmed",
                held.date_from
                + timedelta(days=self.company.siao_held_place_max_days - 1),
            ),
        )

    def test_only_a_coordinator_holds_and_from_a_week_before(self):
        person = self.person_released_in(1)
        with self.assertRaises(UserError):
            person.with_user(self.worker).action_hold_first_night_place()
        later = self.person_released_in(10, last_name="Plustard")
        with self.assertRaises(UserError):
            later.with_user(self.manager).action_hold_first_night_place()
        self.assertFalse(
            self.env["siao.housing.reservation"].search(
                [("detainee_id", "in", (person | later).ids)]
            )
        )

    def test_a_release_moved_lets_the_place_held_go(self):
        person = self.person_released_in(1)
        person.action_hold_first_night_place()
        plan = person.release_plan_id
        held = plan.reservation_id
        person.expected_release_date = self.today + timedelta(days=20)
        self.assertEqual(held.state, "cancelled")
        self.assertFalse(plan.reservation_id)
        self.assertFalse(plan.first_night)
        self.assertTrue(person.dry_exit_risk)

    def test_a_release_a_day_early_moves_the_night_held(self):
        person = self.person_released_in(2)
        person.action_hold_first_night_place()
        held = person.release_plan_id.reservation_id
        self.release(person, 1)
        self.assertEqual(
            (held.state, held.date_from), ("confirmed", self.today + timedelta(days=1))
        )

    def test_another_first_night_lets_the_place_held_go(self):
        person = self.person_released_in(1)
        person.action_hold_first_night_place()
        plan = person.release_plan_id
        held = plan.reservation_id
        plan.with_user(self.worker).write(
            dict(self.ready_values(), first_night="family")
        )
        self.assertEqual(held.state, "cancelled")
        self.assertFalse(plan.reservation_id)

    def test_the_person_told_of_another_plan_is_told_again(self):
        person = self.person_released_in(3)
        plan = self.Plan.with_user(self.worker)._of_current_stay(person)
        plan.write(self.ready_values())
        self.assertTrue(plan.ready)
        plan.route = "Tram 2 jusqu'à Gare"
        self.assertFalse(plan.person_told_on)
        self.assertFalse(plan.ready)

    def test_a_past_plan_is_not_rewritten(self):
        person = self.person_released_in(0)
        plan = self.Plan._of_current_stay(person)
        plan.write(self.ready_values())
        person.action_record_release(release_date=self.today, outcome="family")
        with self.assertRaises(UserError):
            plan.with_user(self.worker).write({"route": "Autre chemin"})
        self.assertEqual(plan.route, self.ready_values()["route"])

    def test_a_person_who_did_not_arrive_frees_the_place(self):
        person = self.person_released_in(1)
        person.action_hold_first_night_place()
        plan = person.release_plan_id
        held = plan.reservation_id
        self.release(person, 1)
        with freeze_time(self.today + timedelta(days=2)):
            plan.with_user(self.worker).action_not_arrived()
        self.assertEqual(plan.arrival, "not_arrived")
        # Held for the night of the release only: free from today.
        self.assertEqual(
            (held.kind, held.state, held.date_to),
            ("reservation", "confirmed", self.today + timedelta(days=1)),
        )

    def test_the_morning_after_the_referent_is_asked(self):
        person = self.person_released_in(1)
        plan = self.Plan._of_current_stay(person)
        plan.write(self.ready_values())
        first_night = self.env.ref("siao_justice.mail_activity_type_first_night")
        self.release(person, 1)
        with freeze_time(self.today + timedelta(days=1)):
            self.Plan._cron_first_night()
        self.assertFalse(plan.activity_ids)  # the day of release: not yet
        with freeze_time(self.today + timedelta(days=2)):
            self.Plan._cron_first_night()
            self.Plan._cron_first_night()
        self.assertEqual(plan.activity_ids.activity_type_id, first_night)
        self.assertEqual(plan.activity_ids.user_id, self.worker)
        self.assertEqual(len(plan.activity_ids), 1)
        with freeze_time(self.today + timedelta(days=2)):
            plan.with_user(self.worker).action_arrival_unknown()
        self.assertFalse(plan.activity_ids)
        self.assertEqual(plan.arrival, "unknown")

    def test_a_stay_in_a_held_place_is_limited(self):
        person = self.person_released_in(-1, last_name="Logé")
        Reservation = self.env["siao.housing.reservation"].with_user(self.worker)
        longest = self.company.siao_held_place_max_days
        values = {
            "place_id": self.sas.id,
            "detainee_id": person.id,
            "kind": "occupation",
            "state": "confirmed",
            "date_from": self.today,
        }
        with self.assertRaises(ValidationError):
            Reservation.create(values)  # open-ended
        with self.assertRaises(ValidationError):
            Reservation.create(
                dict(values, date_to=self.today + timedelta(days=longest))
            )
        stay = Reservation.create(
            dict(values, date_to=self.today + timedelta(days=longest - 1))
        )
        # A worker does not extend it, nor makes it longer; a coordinator does.
        with self.assertRaises(UserError):
            stay.write({"next_step": "extended"})
        with self.assertRaises(UserError):
            Reservation.create(dict(values, next_step="extended", date_to=False))
        with self.assertRaises(ValidationError):
            stay.write({"date_to": self.today + timedelta(days=longest + 5)})
        stay.with_user(self.manager).write(
            {"next_step": "extended", "date_to": self.today + timedelta(days=90)}
        )
        self.assertEqual(stay.date_to, self.today + timedelta(days=90))
        # Once extended, a worker does not make it longer still.
        with self.assertRaises(ValidationError):
            stay.write({"date_to": self.today + timedelta(days=120)})
        # Ending it always works, whatever the rule says by then.
        self.company.siao_held_place_max_days = 10
        stay.write({"next_step": "housing"})
        stay._end_before(self.today + timedelta(days=40))
        self.assertEqual(stay.date_to, self.today + timedelta(days=39))

    def test_the_end_of_a_held_stay_is_announced_without_a_next_step(self):
        person = self.person_released_in(-1, last_name="Logé")
        stay = self.env["siao.housing.reservation"].create(
            {
                "place_id": self.floating.id,
                "detainee_id": person.id,
                "kind": "occupation",
                "date_from": self.today - timedelta(days=20),
                "date_to": self.today + timedelta(days=9),
            }
        )
        with_step = self.create_person(last_name="Suite")
        self.env["siao.housing.reservation"].create(
            {
                "place_id": self.sas.id,
                "detainee_id": with_step.id,
                "kind": "occupation",
                "date_from": self.today - timedelta(days=20),
                "date_to": self.today + timedelta(days=5),
                "next_step": "adapted_housing",
            }
        )
        self.Plan._cron_first_night()
        self.assertFalse(self.activities(person, "mail_activity_type_held_stay_end"))
        with freeze_time(self.today + timedelta(days=2)):
            self.Plan._cron_first_night()
            self.Plan._cron_first_night()
        activity = self.activities(person, "mail_activity_type_held_stay_end")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, stay.date_to)
        self.assertIn(self.floating.name, activity.summary)
        self.assertFalse(self.activities(with_step, "mail_activity_type_held_stay_end"))
        # The next step recorded: the activity is done.
        stay.with_user(self.worker).next_step = "housing"
        self.assertFalse(self.activities(person, "mail_activity_type_held_stay_end"))

    def test_held_places_come_first_for_a_person_at_risk_only(self):
        places = self.sas | self.floating | self.room
        at_risk = self.person_released_in(10)
        self.assertTrue(at_risk.dry_exit_risk)
        ranked = [row[0] for row in places._ranked_for(at_risk, self.today)]
        self.assertEqual(set(ranked[:2]), set(self.sas | self.floating))
        not_at_risk = self.person_released_in(200, last_name="Loin")
        ranked = [row[0] for row in places._ranked_for(not_at_risk, self.today)]
        self.assertEqual(ranked[0], self.room)

    def test_the_letter_of_the_plan_tells_the_person(self):
        person = self.person_released_in(5)
        plan = self.Plan.with_user(self.worker)._of_current_stay(person)
        values = dict(self.ready_values(), person_told_on=False)
        plan.write(values)
        self.assertFalse(plan.ready)
        action = plan.action_write_letter()
        letter = self.env["siao.letter"].browse(action["res_id"])
        self.assertEqual(
            (letter.kind, letter.plan_place, letter.plan_hours, letter.plan_route),
            (
                "release_plan",
                values["place_name"],
                values["opening_hours"],
                values["route"],
            ),
        )
        letter.with_user(self.worker).action_send()
        self.assertEqual(plan.person_told_on, self.today)
        self.assertTrue(plan.ready)

    def test_a_plan_of_a_past_release_is_history(self):
        person = self.person_released_in(0)
        plan = self.Plan._of_current_stay(person)
        person.action_record_release(release_date=self.today, outcome="family")
        self.assertFalse(plan.is_open)
        self.assertEqual(plan.release_date, self.today)
        with self.assertRaises(UserError):
            plan.action_person_told()
        with self.assertRaises(UserError):
            self.Plan._of_current_stay(person)

    def figures(self):
        rows = (
            self.env["siao.cpom.indicators"]
            .with_user(self.accountant)
            .compute(self.today - timedelta(days=30), self.today, self.company.ids)
        )
        return {row["code"]: row for row in rows}

    def test_the_workbook_counts_the_first_nights(self):
        before = self.figures()
        caught = self.person_released_in(0, last_name="Rattrapé")
        caught.action_hold_first_night_place()
        caught.action_record_release(release_date=self.today, outcome="shelter")
        caught.release_plan_id.action_arrived()
        # Arrived, but with no place: not a first night covered.
        told = self.person_released_in(0, last_name="Appelé")
        self.Plan._of_current_stay(told).action_emergency_told()
        told.action_record_release(
            release_date=self.today, outcome="dry_exit", reason="no_place"
        )
        told.release_plan_id.action_arrived()
        dry = self.person_released_in(0, last_name="Dehors")
        dry.action_record_release(
            release_date=self.today, outcome="dry_exit", reason="no_place"
        )
        after = self.figures()

        def delta(code, part="value"):
            return (after[code][part] or 0) - (before[code][part] or 0)

        self.assertEqual(delta("first_night_covered_rate", "numerator"), 1)
        self.assertEqual(delta("first_night_covered_rate", "denominator"), 3)
        self.assertTrue(after["first_night_covered_rate"]["is_rate"])
        self.assertEqual(delta("dry_exits_avoided"), 1)
        # The night of the release, in the period.
        self.assertEqual(delta("held_place_nights"), 1)
        rows = (
            self.env["siao.report.release"]
            .with_user(self.accountant)
            .search([("release_date", "=", self.today)])
        )
        self.assertEqual(
            sorted(rows.mapped("first_night")), ["arrived", "arrived", "unrecorded"]
        )
