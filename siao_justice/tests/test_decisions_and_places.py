from datetime import datetime, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TODAY, SiaoCase

D = TODAY


@tagged("post_install", "-at_install", "siao_commission")
class TestDecisionsThatAct(SiaoCase):
    def setUp(self):
        super().setUp()
        # PostgreSQL refuses the bookings these tests try on purpose (and logs it).
        self.enterContext(mute_logger("odoo.sql_db"))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        chrs = cls.chrs
        cls.place = cls.create_place(chrs, "Studio 4", D - timedelta(days=365))
        cls.meeting = cls.env["siao.commission.meeting"].create(
            {"date": datetime.now() + timedelta(days=1)}
        )
        cls.alice = cls.create_person(
            last_name="Alice", expected_release_date=D + timedelta(days=30)
        )
        cls.bob = cls.create_person(
            last_name="Bob", expected_release_date=D + timedelta(days=60)
        )
        Line = cls.env["siao.commission.line"]
        cls.line_alice = Line.create(
            {"meeting_id": cls.meeting.id, "detainee_id": cls.alice.id}
        )
        cls.line_bob = Line.create(
            {"meeting_id": cls.meeting.id, "detainee_id": cls.bob.id}
        )
        cls.meeting.action_start()  # decisions are taken in session
        cls.Reservation = cls.env["siao.housing.reservation"]

    def test_reserve_a_place_reserves_it_at_closing(self):
        self.line_alice.write(
            {
                "decision": "reserve_place",
                "place_id": self.place.id,
                "reservation_date_from": D + timedelta(days=30),
                "reservation_date_to": D + timedelta(days=60),
            }
        )
        self.line_bob.decision = "maintain"
        self.meeting.with_user(self.manager).action_close()
        reservation = self.line_alice.reservation_id
        self.assertEqual(
            (
                reservation.place_id,
                reservation.detainee_id,
                reservation.kind,
                reservation.state,
                reservation.date_from,
                reservation.date_to,
            ),
            (
                self.place,
                self.alice,
                "reservation",
                "confirmed",
                D + timedelta(days=30),
                D + timedelta(days=60),
            ),
        )
        # The release day is covered: the person has a solution.
        self.assertTrue(self.alice.has_housing_solution)

    def test_reserve_a_place_needs_its_place_and_dates(self):
        self.line_alice.decision = "reserve_place"
        self.line_bob.decision = "maintain"
        with self.assertRaises(ValidationError) as refused:
            self.meeting.with_user(self.manager).action_close()
        self.assertEqual(self.meeting.state, "in_session")
        self.assertFalse(self.Reservation.search([("detainee_id", "=", self.alice.id)]))
        # The message names the case, as its reader sees it.
        number = list(self.meeting.line_ids).index(self.line_alice) + 1
        self.assertIn(f"Case no. {number} ({self.alice.name})", str(refused.exception))

    def test_an_overlap_is_refused_at_closing_naming_no_one(self):
        hidden = self.create_person(
            last_name="Cachée", confidential=True, user_id=self.worker_2.id
        )
        self.Reservation.create(
            {
                "place_id": self.place.id,
                "detainee_id": hidden.id,
                "date_from": D + timedelta(days=40),
                "date_to": D + timedelta(days=50),
            }
        )
        self.line_alice.write(
            {
                "decision": "reserve_place",
                "place_id": self.place.id,
                "reservation_date_from": D + timedelta(days=30),
            }
        )
        self.line_bob.decision = "maintain"
        with self.assertRaises(ValidationError) as caught:
            self.meeting.with_user(self.worker).action_close()
        self.assertNotIn("CACHÉE", str(caught.exception).upper())
        self.assertNotIn("Cachée", str(caught.exception))
        self.assertEqual(self.meeting.state, "in_session")
        self.assertFalse(self.line_alice.reservation_id)

    def test_close_the_follow_up_closes_the_file(self):
        self.line_alice.write(
            {"decision": "close", "decision_note": "Parti du département"}
        )
        self.line_bob.decision = "maintain"
        self.meeting.action_close()
        self.assertEqual(self.alice.state, "closed")
        self.assertEqual(self.alice.closing_reason, "commission")
        self.assertTrue(
            any(
                "Parti du département" in body
                for body in self.alice.message_ids.mapped("body")
            )
        )
        self.assertEqual(self.bob.state, "detained")


@tagged("post_install", "-at_install", "siao_commission")
class TestPlacesBookedForReal(SiaoCase):
    def setUp(self):
        super().setUp()
        # PostgreSQL refuses the bookings these tests try on purpose (and logs it).
        self.enterContext(mute_logger("odoo.sql_db"))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.place = cls.create_place(cls.chrs, "Chambre 9", D - timedelta(days=365))
        cls.person = cls.create_person(
            consent_date=D - timedelta(days=10),
            expected_release_date=D + timedelta(days=15),
        )
        cls.other = cls.create_person(
            last_name="Autre", consent_date=D - timedelta(days=10)
        )

    def admitted_request(self, person, day):
        request = self.env["siao.request"].create(
            {"detainee_id": person.id, "user_id": self.worker.id, "orientation": "chrs"}
        )
        request.action_submit()
        request.action_orient()
        request.write({"place_id": self.place.id, "structure_id": self.chrs.id})
        request.action_propose()
        request.admission_date = day
        request.action_admit()
        return request

    def test_an_admission_occupies_its_place(self):
        self.assertEqual(self.place.state, "free")
        self.admitted_request(self.person, D)
        occupation = self.env["siao.housing.reservation"].search(
            [("detainee_id", "=", self.person.id), ("place_id", "=", self.place.id)]
        )
        self.assertEqual(
            (
                occupation.kind,
                occupation.state,
                occupation.date_from,
                occupation.date_to,
            ),
            ("occupation", "confirmed", D, False),
        )
        # The Places board shows it.
        self.assertEqual(self.place.state, "occupied")
        self.assertEqual(self.place.current_reservation_id, occupation)
        # The same place for another person at the same time: refused.
        with self.assertRaises(ValidationError):
            self.admitted_request(self.other, D + timedelta(days=30))
        self.assertFalse(
            self.env["siao.housing.reservation"].search(
                [("detainee_id", "=", self.other.id)]
            )
        )

    def test_an_admission_turns_the_persons_reservation_into_the_occupation(self):
        reservation = self.env["siao.housing.reservation"].create(
            {
                "place_id": self.place.id,
                "detainee_id": self.person.id,
                "date_from": D + timedelta(days=5),
                "date_to": D + timedelta(days=40),
            }
        )
        self.admitted_request(self.person, D + timedelta(days=15))
        self.assertEqual(reservation.date_to, D + timedelta(days=14))
        occupations = self.env["siao.housing.reservation"].search(
            [("detainee_id", "=", self.person.id), ("kind", "=", "occupation")]
        )
        self.assertEqual(len(occupations), 1)

    def test_a_measures_place_is_occupied_from_the_entry(self):
        self.person.action_record_release(release_date=D, outcome="shelter")
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": self.person.id, "user_id": self.worker.id}
        )
        if measure.state == "waiting":
            measure.action_start()
        measure.write({"place_id": self.place.id, "housing_entry_date": D})
        measure.action_enter_housing()
        occupation = self.env["siao.housing.reservation"].search(
            [("detainee_id", "=", self.person.id), ("place_id", "=", self.place.id)]
        )
        self.assertEqual((occupation.kind, occupation.date_from), ("occupation", D))


@tagged("post_install", "-at_install", "siao_commission")
class TestConsentLimitsSharing(SiaoCase):
    """consent_scope says with whom a file is shared: the readers, the minutes and
    the followers from outside follow it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.spip = Partner.create(
            {"name": "SPIP test", "is_company": True, "siao_partner_type": "spip"}
        )
        cls.cpip = Partner.create({"name": "CPIP test", "parent_id": cls.spip.id})
        cls.cousin = Partner.create({"name": "Un cousin"})
        cls.by_scope = {
            scope: cls.create_person(
                last_name=f"Scope {scope}",
                consent_date=D - timedelta(days=1) if scope else False,
                consent_scope=scope,
            )
            for scope in (False, "siao", "siao_spip", "partners")
        }

    def test_who_each_consent_covers(self):
        expected = {
            # scope: (social worker, reader, CPIP, host structure, other contact)
            False: (True, False, False, False, False),
            "siao": (True, False, False, False, False),
            "siao_spip": (True, True, True, False, False),
            "partners": (True, True, True, True, False),
        }
        partners = (
            self.worker.partner_id,
            self.reader.partner_id,
            self.cpip,
            self.chrs,
            self.cousin,
        )
        for scope, covered in expected.items():
            person = self.by_scope[scope]
            with self.subTest(scope=scope):
                self.assertEqual(
                    tuple(person._consent_covers(partner) for partner in partners),
                    covered,
                )
                self.assertEqual(
                    person.with_user(self.reader).has_access("read"), covered[1]
                )

    def test_minutes_name_only_whom_the_consent_covers(self):
        meeting = self.env["siao.commission.meeting"].create(
            {
                "date": datetime.now() + timedelta(days=1),
                "participant_ids": [(6, 0, self.reader.partner_id.ids)],
            }
        )
        lines = self.env["siao.commission.line"].create(
            [
                {"meeting_id": meeting.id, "detainee_id": person.id, "sequence": index}
                for index, person in enumerate(self.by_scope.values())
            ]
        )
        shown = [line._minutes_person()["name"] for line in lines]
        self.assertEqual(shown[2:], ["SCOPE SIAO_SPIP Paul", "SCOPE PARTNERS Paul"])
        self.assertEqual(shown[:2], ["Case no. 1", "Case no. 2"])
        # A host structure among the participants: only the "partners" consent
        # covers it.
        meeting.participant_ids |= self.chrs
        shown = [line._minutes_person()["name"] for line in lines]
        self.assertEqual(shown[3], "SCOPE PARTNERS Paul")
        self.assertEqual(shown[2], "Case no. 3")

    def test_followers_from_outside_follow_the_consent(self):
        person = self.by_scope["siao_spip"]
        person.message_subscribe(partner_ids=(self.cpip | self.chrs | self.cousin).ids)
        self.assertIn(self.cpip, person.message_partner_ids)
        self.assertNotIn(self.chrs, person.message_partner_ids)
        self.assertNotIn(self.cousin, person.message_partner_ids)
        # Consent withdrawn: the SPIP stops following the file.
        person.consent_scope = "siao"
        self.assertNotIn(self.cpip, person.message_partner_ids)
        message = person.message_post(
            body="Point de situation", partner_ids=self.cpip.ids, message_type="comment"
        )
        self.assertNotIn(self.cpip, message.partner_ids)
