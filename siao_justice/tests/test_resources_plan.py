from datetime import date, timedelta

from odoo.tests import tagged

from ..models.siao_resource_right import BLOCKING_RIGHTS, CHECKLISTS
from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_deadlines")
class TestResourcesPlan(SiaoCase):
    """The resources checklist as a plan: the postal address first, the body,
    the contact, the appointment as an activity, the dates the detention sets by
    a fixed rule, the lines by kind of person, what still blocks on the board."""

    def types(self, person):
        return person.resource_right_ids.sorted("sequence").mapped("right_type")

    def test_the_lines_depend_on_the_kind_of_person(self):
        remand = self.create_person(last_name="Prevenu", legal_status="remand")
        self.assertEqual(self.types(remand), list(CHECKLISTS["remand"]))
        short = self.create_person(
            last_name="Court",
            incarceration_date=self.today - timedelta(days=10),
            expected_release_date=self.today + timedelta(days=40),
        )
        self.assertEqual(self.types(short), list(CHECKLISTS["short"]))
        long = self.create_person(
            last_name="Long",
            incarceration_date=self.today - timedelta(days=400),
            expected_release_date=self.today + timedelta(days=40),
        )
        self.assertEqual(self.types(long), list(CHECKLISTS["long"]))
        # The postal address comes first: no claim reopens without it.
        for person in (remand, short, long):
            self.assertEqual(self.types(person)[0], "domiciliation")
        supervised = self.env["siao.detainee"].create(
            {
                "last_name": "Dehors",
                "state": "supervised",
                "supervision_type": "ddse",
                "supervision_end_date": self.today + timedelta(days=100),
                "user_id": self.worker.id,
            }
        )
        self.assertEqual(self.types(supervised), list(CHECKLISTS["supervised"]))
        # A short stay that becomes a long one gets the lines it lacks.
        short.expected_release_date = self.today + timedelta(days=200)
        self.assertEqual(set(self.types(short)), set(CHECKLISTS["long"]))
        # A remand convicted gets the lines it lacks, none twice.
        remand.legal_status = "convicted"
        types = self.types(remand)
        self.assertEqual(len(types), len(set(types)))
        self.assertEqual(set(types), set(CHECKLISTS["long"]))

    def test_each_line_names_its_body_and_the_rule_of_the_detention(self):
        person = self.create_person(incarceration_date=date(2026, 3, 10))
        rights = {r.right_type: r for r in person.resource_right_ids}
        self.assertEqual(
            (rights["domiciliation"].body, rights["rsa"].body, rights["css"].body),
            ("ccas", "caf", "cpam"),
        )
        self.assertEqual(rights["are_ass"].body, "france_travail")
        # The CAF's 60 days (10 March to 8 May): RSA stops and AAH is cut from
        # the first of the next month.
        self.assertEqual(rights["rsa"].rule_date, date(2026, 6, 1))
        self.assertIn("60", rights["rsa"].rule)
        self.assertEqual(rights["aah"].rule_date, date(2026, 6, 1))
        # Incarcerated on 2 March: the 60th day is 30 April, the first of May.
        person.incarceration_date = date(2026, 3, 2)
        person.resource_right_ids.invalidate_recordset(["rule_date"])
        self.assertEqual(rights["aah"].rule_date, date(2026, 5, 1))
        person.incarceration_date = date(2026, 3, 10)
        self.assertFalse(rights["css"].rule_date)
        # A département that applies it differently says so once.
        self.company.siao_caf_detention_days = 90
        person.resource_right_ids.invalidate_recordset(["rule_date", "rule"])
        self.assertEqual(rights["rsa"].rule_date, date(2026, 7, 1))
        self.assertIn("90", rights["rsa"].rule)
        # The worker may name another body.
        rights["rsa"].with_user(self.worker).body = "other"
        self.assertEqual(rights["rsa"].body, "other")

    def test_an_appointment_is_an_activity_moved_with_it(self):
        person = self.create_person()
        right = person.resource_right_ids.filtered(
            lambda r: r.right_type == "domiciliation"
        ).with_user(self.worker)
        day = self.today + timedelta(days=9)
        right.write({"appointment_date": day, "contact": "Mme Roth, 03 89 00 00 00"})
        activity = right.appointment_activity_id
        self.assertEqual(
            (activity.res_id, activity.user_id, activity.date_deadline),
            (person.id, self.worker, day),
        )
        self.assertIn("CCAS", activity.summary)
        right.appointment_date = day + timedelta(days=3)
        self.assertEqual(activity.date_deadline, day + timedelta(days=3))
        self.assertEqual(len(right.appointment_activity_id), 1)
        right.appointment_date = False
        self.assertFalse(activity.exists())
        # A line done asks nothing more of its appointment.
        right.appointment_date = day
        activity = right.appointment_activity_id
        right.status = "reopened"
        self.assertFalse(activity.exists())
        # Nor a line deleted.
        right.write({"status": "todo", "appointment_date": day})
        activity = right.appointment_activity_id
        right.unlink()
        self.assertFalse(activity.exists())

    def test_the_board_card_shows_what_still_blocks(self):
        person = self.create_person()
        self.assertEqual(
            set(person.resource_blocking.split(", ")),
            {
                dict(self.env["siao.resource.right"]._fields["right_type"].selection)[
                    code
                ]
                for code in BLOCKING_RIGHTS
                if code in CHECKLISTS["long"]
            },
        )
        person.resource_right_ids.filtered(
            lambda r: r.right_type in BLOCKING_RIGHTS
        ).write({"status": "prepared"})
        self.assertFalse(person.resource_blocking)
