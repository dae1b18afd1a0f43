import base64
import io
from datetime import timedelta

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.siao_rules import SMALL_COUNT
from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_stays")
class TestReleaseIntoSupervision(SiaoCase):
    """A release on an adjustment puts the file under court supervision, the
    stay that ended kept; its end is announced, then closes or keeps the file."""

    def test_a_release_on_parole_puts_the_file_under_supervision(self):
        person = self.create_person(
            last_name="Conditionnel",
            adjustment_type="lc",
            expected_release_date=self.today,
        )
        stay = person.current_stay_id
        end = self.today + timedelta(days=300)
        # The way out is the adjustment planned; its end is asked.
        with self.assertRaises(UserError):
            person.with_user(self.worker).action_record_release(
                release_date=self.today, outcome="housing", way="lc"
            )
        with self.assertRaises(UserError):
            person.with_user(self.worker).action_record_release(
                release_date=self.today, outcome="housing", supervision_end=self.today
            )
        self.assertEqual(person.state, "detained")
        person.with_user(self.worker).action_record_release(
            release_date=self.today, outcome="housing", supervision_end=end
        )
        self.assertEqual(
            (
                person.state,
                person.release_way,
                person.supervision_type,
                person.supervision_start_date,
                person.supervision_end_date,
            ),
            ("supervised", "lc", "lc", self.today, end),
        )
        # The stay that ended is kept, with how it ended.
        self.assertEqual(
            (stay.actual_release_date, stay.release_way), (self.today, "lc")
        )
        self.assertEqual(person.current_stay_id, stay)

    def test_the_end_of_sentence_is_a_plain_release(self):
        person = self.create_person(expected_release_date=self.today)
        person.action_record_release(release_date=self.today, outcome="family")
        self.assertEqual(
            (person.state, person.release_way), ("released", "end_of_sentence")
        )
        self.assertFalse(person.supervision_type)
        other = self.create_person(
            last_name="Bracelet", expected_release_date=self.today
        )
        other.action_record_release(
            release_date=self.today,
            outcome="housing",
            way="ddse",
            supervision_end=self.today + timedelta(days=90),
        )
        self.assertEqual((other.state, other.supervision_type), ("supervised", "ddse"))
        with self.assertRaises(UserError):
            self.create_person(last_name="Inconnu").action_record_release(
                release_date=self.today, outcome="housing", way="escape"
            )

    def test_the_release_wizard_proposes_the_way_and_asks_the_end(self):
        person = self.create_person(adjustment_type="lsc_automatic")
        wizard = (
            self.env["siao.release.wizard"]
            .with_user(self.worker)
            .create({"detainee_id": person.id, "outcome": "shelter"})
        )
        self.assertEqual((wizard.release_way, wizard.supervised), ("lsc", True))
        wizard.supervision_end_date = self.today + timedelta(days=60)
        wizard.action_confirm()
        self.assertEqual((person.state, person.supervision_type), ("supervised", "lsc"))

    def test_the_end_of_the_supervision_is_announced_then_ends(self):
        person = self.create_person(expected_release_date=self.today)
        end = self.today + timedelta(weeks=10)
        person.action_record_release(
            release_date=self.today, outcome="housing", way="pe", supervision_end=end
        )
        Alert = self.env["siao.deadline.alert"]
        Alert._schedule(person)
        self.assertFalse(self.activities(person, "mail_activity_type_supervision_end"))
        notice = self.company.siao_supervision_notice_weeks
        with freeze_time(end - timedelta(weeks=notice)):
            Alert._schedule(person)
            Alert._schedule(person)
        activity = self.activities(person, "mail_activity_type_supervision_end")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.worker)
        self.assertEqual(activity.date_deadline, end - timedelta(days=14))
        # Ended early: followed on as released, the end the day it ended.
        person.with_user(self.worker).action_end_supervision()
        self.assertEqual(
            (person.state, person.supervision_end_date), ("released", self.today)
        )
        self.assertFalse(self.activities(person, "mail_activity_type_supervision_end"))
        with self.assertRaises(UserError):
            person.action_end_supervision()

    def test_the_end_moved_by_the_court_moves_its_activity(self):
        person = self.create_person(expected_release_date=self.today)
        person.action_record_release(
            release_date=self.today,
            outcome="housing",
            way="pe",
            supervision_end=self.today + timedelta(days=20),
        )
        self.env["siao.deadline.alert"]._schedule(person)
        activity = self.activities(person, "mail_activity_type_supervision_end")
        self.assertEqual(activity.date_deadline, self.today + timedelta(days=6))
        person.supervision_end_date = self.today + timedelta(days=30)
        self.assertEqual(activity.date_deadline, self.today + timedelta(days=16))
        # Extended far away: the activity asks nothing any more.
        person.supervision_end_date = self.today + timedelta(days=300)
        self.assertFalse(activity.exists())

    def test_a_release_recorded_as_before_stays_a_plain_release(self):
        person = self.create_person(
            adjustment_type="lc", expected_release_date=self.today
        )
        person.action_record_release(release_date=self.today, outcome="housing")
        self.assertEqual(person.state, "released")
        self.assertFalse(person.release_way)

    def test_a_supervision_that_ends_may_close_the_file(self):
        person = self.create_person(expected_release_date=self.today)
        person.action_record_release(
            release_date=self.today,
            outcome="housing",
            way="sl",
            supervision_end=self.today + timedelta(days=30),
        )
        person.with_user(self.worker).action_end_supervision_close()
        self.assertEqual(
            (person.state, person.closing_reason), ("closed", "supervision_ended")
        )

    def test_a_new_stay_forgets_the_supervision(self):
        person = self.create_person(expected_release_date=self.today)
        person.action_record_release(
            release_date=self.today,
            outcome="housing",
            way="lc",
            supervision_end=self.today + timedelta(days=200),
        )
        first = person.current_stay_id
        person.action_new_stay(self.prison.id, self.today + timedelta(days=1))
        self.assertEqual(person.state, "detained")
        self.assertFalse(
            person.supervision_type or person.release_way or person.supervision_end_date
        )
        self.assertEqual(first.release_way, "lc")


@tagged("post_install", "-at_install", "siao_cpom")
class TestReleasesByEstablishment(SiaoCase):
    """The State's yearly figures: releases by establishment and way out, the
    solutions found and the dry exits, no row of fewer than SMALL_COUNT."""

    def release(self, prison, way, outcome, index):
        person = self.create_person(
            last_name=f"Sortant{index}",
            prison_id=prison.id,
            expected_release_date=self.today,
        )
        end = self.today + timedelta(days=90) if way != "end_of_sentence" else None
        person.action_record_release(
            release_date=self.today,
            outcome=outcome,
            reason="no_place" if outcome == "dry_exit" else None,
            way=way,
            supervision_end=end,
        )

    def test_the_yearly_sheet_against_hand_counts(self):
        big = self.env["res.partner"].create(
            {"name": "Centre de détention d'Ensisheim", "siao_partner_type": "prison"}
        )
        small = self.env["res.partner"].create(
            {"name": "Maison d'arrêt de Colmar", "siao_partner_type": "prison"}
        )
        middle = self.env["res.partner"].create(
            {"name": "Maison d'arrêt de Mulhouse", "siao_partner_type": "prison"}
        )
        plan = [
            (big, "end_of_sentence", "housing"),
            (big, "end_of_sentence", "dry_exit"),
            (big, "lc", "adapted_housing"),
            (big, "lsc", "shelter"),
            (big, "ddse", "family"),
            (big, "end_of_sentence", "dry_exit"),
            (small, "end_of_sentence", "dry_exit"),
            (small, "pe", "housing"),
        ] + [(middle, "end_of_sentence", "housing")] * SMALL_COUNT
        for index, (prison, way, outcome) in enumerate(plan):
            self.release(prison, way, outcome, index)
        Workbook = self.env["report.siao_justice.cpom_workbook"].with_user(
            self.accountant
        )
        ways, rows = Workbook._releases_by_establishment(
            self.today - timedelta(days=365), self.today, self.company.ids
        )
        by_name = {row[0]: row for row in rows}
        name, total, by_way, solutions, dry = by_name[big.name]
        self.assertEqual(
            (
                total,
                by_way["end_of_sentence"],
                by_way["lc"],
                by_way["lsc"],
                solutions,
                dry,
            ),
            (6, 3, 1, 1, 4, 2),
        )
        # Colmar's two releases are not a row of their own: they are counted
        # with another establishment's, so that the row holds enough releases
        # of two establishments at least.
        self.assertNotIn(small.name, by_name)
        others = [row for row in rows if row[0].startswith("Other establishments")]
        self.assertEqual(len(others), 1)
        for row in rows:
            self.assertGreaterEqual(row[1], SMALL_COUNT)
        # The sheet of the workbook says the same, in French.
        self.speak_french(self.accountant)
        wizard = (
            self.env["siao.cpom.report.wizard"]
            .with_user(self.accountant)
            .with_context(lang="fr_FR")
            .create(
                {
                    "date_from": self.today - timedelta(days=365),
                    "date_to": self.today,
                }
            )
        )
        wizard.action_export()

        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        sheet = [
            row for row in book["Sorties par établissement"].iter_rows(values_only=True)
        ]
        self.assertEqual(sheet[0][:3], ("Établissement", "Sorties", "Fin de peine"))
        row = next(r for r in sheet if r[0] == big.name)
        self.assertEqual(row[1:3], (6, 3))
        self.assertEqual(row[-2:], (4, 2))
        for row in sheet[1:]:
            self.assertNotIn("Sortant", " ".join(str(v) for v in row))
