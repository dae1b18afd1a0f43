from datetime import date, datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_boundary")
class TestNoDataLost(SiaoCase):
    """Nobody but a coordinator deletes, and then only what has no history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.create_person(consent_date=date(2025, 1, 1))

    def assertOnlyManagerDeletesWithoutHistory(self, fresh, with_history):
        for user in (self.reader, self.worker):
            with self.assertRaises(AccessError):
                fresh.with_user(user).unlink()
        with self.assertRaises(UserError):
            with_history.with_user(self.manager).unlink()
        self.assertTrue(with_history.exists())
        fresh.with_user(self.manager).unlink()
        self.assertFalse(fresh.exists())

    def test_person(self):
        with_history = self.create_person(last_name="History")
        self.env["siao.request"].create({"detainee_id": with_history.id})
        self.assertOnlyManagerDeletesWithoutHistory(
            self.create_person(last_name="Fresh"), with_history
        )

    def test_request(self):
        submitted = self.env["siao.request"].create({"detainee_id": self.person.id})
        submitted.action_submit()
        submitted.action_cancel("test")
        fresh = self.env["siao.request"].create({"detainee_id": self.person.id})
        self.assertOnlyManagerDeletesWithoutHistory(fresh, submitted)

    def test_commission(self):
        Meeting = self.env["siao.commission.meeting"]
        with_cases = Meeting.create({"date": datetime(2031, 1, 14, 13, 0)})
        self.env["siao.commission.line"].create(
            {"meeting_id": with_cases.id, "detainee_id": self.person.id}
        )
        self.assertOnlyManagerDeletesWithoutHistory(
            Meeting.create({"date": datetime(2031, 2, 11, 13, 0)}), with_cases
        )

    def test_place(self):
        Place = self.env["siao.housing.place"]
        booked = Place.create({"name": "Booked", "structure_id": self.chrs.id})
        self.env["siao.housing.reservation"].create(
            {
                "place_id": booked.id,
                "detainee_id": self.person.id,
                "date_from": date(2031, 1, 1),
            }
        )
        self.assertOnlyManagerDeletesWithoutHistory(
            Place.create({"name": "Fresh", "structure_id": self.chrs.id}), booked
        )

    def test_measures_are_never_deleted(self):
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": self.person.id, "user_id": self.worker.id}
        )
        with self.assertRaises(UserError):
            measure.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            measure.with_user(self.worker).unlink()

    def test_everyone_archives(self):
        person = self.create_person(last_name="Archive")
        person.with_user(self.worker).action_archive()
        self.assertFalse(person.active)
        request = self.env["siao.request"].create({"detainee_id": self.person.id})
        request.with_user(self.worker).action_archive()
        self.assertFalse(request.active)
