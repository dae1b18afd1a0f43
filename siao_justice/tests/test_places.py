from datetime import date, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SiaoCase

D = date(2026, 6, 1)


@tagged("post_install", "-at_install", "siao_places")
class TestPlaces(SiaoCase):
    def setUp(self):
        super().setUp()
        # PostgreSQL refuses the bookings these tests try on purpose (and logs it).
        self.enterContext(mute_logger("odoo.sql_db"))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.place = cls.create_place(
            cls.chrs, "Chambre 1", date(2026, 1, 1), justice_reserved=True
        )
        cls.person = cls.create_person(expected_release_date=D + timedelta(days=5))
        cls.other = cls.create_person(last_name="Other")
        cls.Reservation = cls.env["siao.housing.reservation"]

    def book(self, person=None, days=(0, 10), **values):
        return self.Reservation.create(
            dict(
                {
                    "place_id": self.place.id,
                    "detainee_id": (person or self.person).id,
                    "date_from": D + timedelta(days=days[0]),
                    "date_to": days[1] is not None and D + timedelta(days=days[1]),
                },
                **values,
            )
        )

    def test_overlapping_reservations_are_refused_without_naming_anyone(self):
        first = self.book()
        for days in ((5, 15), (-5, 0), (10, 20), (2, 3), (-10, None)):
            with self.subTest(days=days), self.assertRaises(ValidationError) as caught:
                self.book(self.other, days=days)
            self.assertIn("already taken", str(caught.exception))
            self.assertNotIn(first.detainee_id.last_name, str(caught.exception))
        self.assertEqual(
            self.Reservation.search_count([("place_id", "=", self.place.id)]), 1
        )

    def test_a_place_is_booked_within_its_availability(self):
        """Before its first day (or after its last), a booking is refused with the
        place's dates: it would not count in the place's occupancy."""
        with self.assertRaises(ValidationError) as caught:
            self.Reservation.create(
                {
                    "place_id": self.place.id,
                    "detainee_id": self.person.id,
                    "kind": "occupation",
                    "date_from": date(2025, 12, 20),
                }
            )
        self.assertIn("Chambre 1", str(caught.exception))
        self.place.available_until = D + timedelta(days=30)
        with self.assertRaises(ValidationError):
            self.book(days=(25, 40))
        with self.assertRaises(ValidationError):
            self.book(days=(25, None))
        self.assertTrue(self.book(days=(0, 30)))

    def test_reversed_dates_are_a_clear_error_and_nothing_is_saved(self):
        for values in (
            {"date_from": D, "date_to": D - timedelta(days=1)},
            {"date_from": "2026-06-10", "date_to": "2026-06-01", "state": "draft"},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.Reservation.with_user(self.worker).create(
                    dict(values, place_id=self.place.id, detainee_id=self.person.id)
                )
        reservation = self.book()
        with self.assertRaises(ValidationError):
            reservation.with_user(self.worker).write({"date_to": D - timedelta(days=3)})
        self.assertEqual(reservation.date_to, D + timedelta(days=10))
        self.assertEqual(
            self.Reservation.search_count([("place_id", "=", self.place.id)]), 1
        )

    def test_back_to_back_and_cancelled_reservations_do_not_conflict(self):
        first = self.book(days=(0, 10))
        self.book(self.other, days=(11, 20))
        first.action_cancel()
        self.book(self.other, days=(0, 10), kind="occupation")

    def test_open_ended_occupation_blocks_everything_after(self):
        self.book(days=(0, None), kind="occupation")
        with self.assertRaises(ValidationError):
            self.book(self.other, days=(400, 405))

    def test_moving_a_reservation_onto_another_is_refused(self):
        self.book(days=(0, 10))
        second = self.book(self.other, days=(20, 30))
        with self.assertRaises(ValidationError):
            second.write({"date_from": D + timedelta(days=8)})
        self.assertEqual(second.date_from, D + timedelta(days=20))

    def test_immersion_is_confirmed_with_the_jap_agreement(self):
        immersion = self.book(days=(0, 4), kind="immersion")
        self.assertEqual(immersion.state, "draft")
        with self.assertRaises(ValidationError):
            immersion.action_confirm()
        immersion.jap_agreement_date = D - timedelta(days=20)
        immersion.action_confirm()
        self.assertEqual(immersion.state, "confirmed")
        with self.assertRaises(ValidationError):
            self.book(self.other, days=(3, 6))
        self.assertIn(immersion, self.person.reservation_ids)

    def test_reservation_covering_the_release_is_a_housing_solution(self):
        self.assertFalse(self.person.has_housing_solution)
        reservation = self.book(days=(0, 4))
        self.assertFalse(self.person.has_housing_solution, "ends before the release")
        reservation.date_to = D + timedelta(days=30)
        self.assertTrue(self.person.has_housing_solution)
        reservation.action_cancel()
        self.assertFalse(self.person.has_housing_solution)

    def test_state_of_the_day(self):
        today = self.today
        self.assertEqual(self.place.state, "free")
        reservation = self.Reservation.create(
            {
                "place_id": self.place.id,
                "detainee_id": self.person.id,
                "date_from": today - timedelta(days=1),
                "date_to": today + timedelta(days=1),
            }
        )
        self.assertEqual(self.place.state, "reserved")
        reservation.kind = "occupation"
        self.assertEqual(self.place.state, "occupied")
        groups = self.env["siao.housing.place"].read_group([], ["state"], ["state"])
        self.assertEqual([g["state"] for g in groups], ["free", "reserved", "occupied"])

    def test_occupancy_rate_counts_occupied_days_only(self):
        self.book(days=(0, 9), kind="occupation")  # 10 days
        self.book(self.other, days=(20, 29))  # a reservation: not occupied
        rate = self.place.occupancy_rate(D, D + timedelta(days=19))
        self.assertAlmostEqual(rate, 10 / 20)
        closed_place = self.env["siao.housing.place"].create(
            {
                "name": "Future",
                "structure_id": self.chrs.id,
                "available_from": date(2030, 1, 1),
            }
        )
        self.assertIsNone(closed_place.occupancy_rate(D, D + timedelta(days=19)))

    def test_confirmed_reservations_are_not_deleted(self):
        reservation = self.book()
        with self.assertRaises(UserError):
            reservation.unlink()

    def test_several_bookings_in_one_call_never_overlap(self):
        with self.assertRaises(ValidationError):
            self.Reservation.create(
                [
                    {
                        "place_id": self.place.id,
                        "detainee_id": person.id,
                        "date_from": D,
                        "date_to": D + timedelta(days=10),
                    }
                    for person in (self.person, self.other)
                ]
            )
        first = self.book(days=(0, 5))
        second = self.book(self.other, days=(10, 15))
        with self.assertRaises(ValidationError):
            (first | second).write(
                {"date_from": D + timedelta(days=20), "date_to": False}
            )
        self.assertEqual(
            (first.date_from, second.date_from), (D, D + timedelta(days=10))
        )


@tagged("post_install", "-at_install", "siao_places")
class TestReserveFromThePersonsFile(SiaoCase):
    def test_a_worker_reserves_a_place_from_the_persons_places_tab(self):
        place = self.create_place(
            self.create_host_structure(), "Studio 1", self.today - timedelta(days=30)
        )
        person = self.create_person(
            last_name="Réserve", expected_release_date=self.today + timedelta(days=40)
        )
        with Form(person.with_user(self.worker)) as form:
            with form.reservation_ids.new() as line:
                line.place_id = place
                line.date_from = self.today + timedelta(days=40)
                # A reservation made by hand is to confirm, not confirmed.
                self.assertEqual(line.state, "draft")
        reservation = person.reservation_ids
        self.assertEqual((reservation.place_id, reservation.state), (place, "draft"))
        reservation.with_user(self.worker).action_confirm()
        self.assertEqual(reservation.state, "confirmed")
