import base64
import io
import re
from datetime import date, timedelta

import openpyxl
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.siao_rules import SMALL_COUNT
from .common import SiaoCase
from .test_portal import SpipPortalCase


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


@tagged("post_install", "-at_install", "siao_stays")
class TestSupervisionPath(SiaoCase):
    """The supervision outside prison along the path: a milieu-ouvert list, the
    board of supervised persons, the figures over its dates, retention, the
    way out set by the release only, the merge of a plan's lines, the request's
    deadline at a hearing."""

    def released(self, last_name, **values):
        person = self.create_person(
            last_name=last_name,
            birthdate=date(1980, 1, 1),
            expected_release_date=self.today,
            **values,
        )
        person.action_record_release(release_date=self.today, outcome="family")
        return person

    def test_a_milieu_ouvert_list_puts_persons_under_supervision(self):
        known = self.released("Connu")
        detained = self.create_person(last_name="Dedans", birthdate=date(1979, 1, 1))
        end = (self.today + timedelta(days=200)).isoformat()
        fields = [
            "last_name",
            "first_name",
            "birthdate",
            "supervision_type",
            "supervision_end_date",
        ]
        Person = self.Person.with_user(self.worker)
        result = Person.load(
            fields,
            [
                ["Nouvelle", "Ines", "1990-02-03", "sursis_probatoire", end],
                ["Connu", "Paul", "1980-01-01", "lc", end],
            ],
        )
        self.assertFalse(
            [m for m in result["messages"] if m["type"] == "error"], result
        )
        new = self.Person.browse(result["ids"]) - known
        self.assertEqual(
            (new.state, new.supervision_type, new.supervision_start_date),
            ("supervised", "sursis_probatoire", self.today),
        )
        self.assertFalse(new.stay_ids)
        self.assertIn(known, self.Person.browse(result["ids"]))
        self.assertEqual(
            (known.state, known.supervision_type, str(known.supervision_end_date)),
            ("supervised", "lc", end),
        )
        self.assertEqual(known.current_stay_id.supervision_type, "lc")
        # A list sent again with the end moved: the file follows it, not a second.
        later = (self.today + timedelta(days=260)).isoformat()
        Person.load(fields, [["Connu", "Paul", "1980-01-01", "lc", later]])
        self.assertEqual(str(known.supervision_end_date), later)
        self.assertEqual(self.Person.search_count([("last_name", "=", "Connu")]), 1)
        # A detained person: the release is recorded first, with its way out.
        result = Person.load(fields, [["Dedans", "Paul", "1979-01-01", "lc", end]])
        self.assertFalse(result["ids"])
        self.assertEqual(detained.state, "detained")

    def test_the_board_of_supervised_persons(self):
        action = self.env.ref("siao_justice.siao_detainee_action_supervised")
        self.assertEqual(action.view_ids[:1].view_mode, "kanban")
        self.assertEqual(
            action.view_ids[:1].view_id,
            self.env.ref("siao_justice.siao_detainee_view_kanban_supervised"),
        )
        notice = self.company.siao_supervision_notice_weeks
        soon = self.released("Bientot")
        soon._put_under_supervision(
            "ddse", end=self.today + timedelta(weeks=notice - 1)
        )
        later = self.released("Plustard")
        later._put_under_supervision("lc", end=self.today + timedelta(weeks=notice + 1))
        ending = self.Person.with_user(self.worker).search(
            [("supervision_ending", "=", True)]
        )
        self.assertIn(soon, ending)
        self.assertNotIn(later, ending)
        self.assertTrue(soon.supervision_ending)
        self.assertFalse(later.supervision_ending)
        groups = self.Person.with_user(self.worker).read_group(
            [("state", "=", "supervised")], ["supervision_type"], ["supervision_type"]
        )
        self.assertEqual(
            {g["supervision_type"]: g["supervision_type_count"] for g in groups},
            {"ddse": 1, "lc": 1},
        )

    def followed(self, date_from, date_to):
        """The CPOM's persons under supervision outside prison in a period."""
        rows = self.env["siao.cpom.indicators"].compute(
            date_from, date_to, self.company.ids
        )
        return next(r["value"] for r in rows if r["code"] == "supervised_followed")

    def parole_ended(self):
        """A person released on parole on 1 February 2026, ended on 30 April."""
        person = self.create_person(expected_release_date=date(2026, 2, 1))
        with freeze_time("2026-02-01 10:00:00"):
            person.action_record_release(
                release_date=date(2026, 2, 1),
                outcome="housing",
                way="lc",
                supervision_end=date(2026, 4, 30),
            )
        with freeze_time("2026-04-30 10:00:00"):
            person.action_end_supervision()
        return person

    def test_the_figures_count_a_supervision_over_its_dates(self):
        person = self.parole_ended()
        self.assertEqual(person.state, "released")
        q1, q3 = (
            (date(2026, 1, 1), date(2026, 3, 31)),
            (date(2026, 7, 1), date(2026, 9, 30)),
        )
        self.assertEqual((self.followed(*q1), self.followed(*q3)), (1, 0))
        # A new stay in prison does not erase it.
        person.action_new_stay(self.prison.id, date(2026, 8, 1))
        self.assertEqual((self.followed(*q1), self.followed(*q3)), (1, 0))

    def test_a_new_supervision_keeps_the_one_before(self):
        person = self.parole_ended()
        q1 = (date(2026, 1, 1), date(2026, 3, 31))
        august = (date(2026, 8, 1), date(2026, 8, 31))
        base = (self.followed(*q1), self.followed(*august))
        # A probation later, from a milieu-ouvert list: the parole stays counted.
        with freeze_time("2026-06-01 10:00:00"):
            person._put_under_supervision("sursis_probatoire", end=date(2027, 6, 1))
        self.assertEqual(person.current_stay_id.supervision_type, "lc")
        self.assertEqual(person.supervision_type, "sursis_probatoire")
        self.assertEqual(
            (self.followed(*q1), self.followed(*august)), (base[0], base[1] + 1)
        )
        # Back in prison in September: the probation ends the day before and
        # stays on the path, counted over its dates.
        person.action_new_stay(self.prison.id, date(2026, 9, 15))
        probation = person.stay_ids.filtered(
            lambda s: s.supervision_type == "sursis_probatoire"
        )
        self.assertEqual(
            (probation.supervision_start_date, probation.supervision_end_date),
            (date(2026, 6, 1), date(2026, 9, 14)),
        )
        self.assertEqual(
            (self.followed(*q1), self.followed(*august)), (base[0], base[1] + 1)
        )
        self.assertEqual(self.followed(date(2026, 10, 1), date(2026, 10, 31)), 0)

    def test_closing_a_supervised_file_ends_its_supervision(self):
        person = self.released("Clos")
        person._put_under_supervision("ddse", end=self.today + timedelta(days=300))
        person.action_close_file("other")
        self.assertEqual(person.supervision_end_date, self.today)

    def test_a_supervised_file_is_kept_until_the_supervision_ends(self):
        person = self.released("Garde")
        person._put_under_supervision("pe", end=self.today + timedelta(days=100))
        months = self.company.siao_retention_months
        person.sudo().last_contact_date = self.today - relativedelta(months=months + 1)
        due = self.Person.sudo().with_context(active_test=False)
        self.assertNotIn(person, due.search(due._retention_domain()))
        with freeze_time(self.today + timedelta(days=101)):
            self.assertIn(person, due.search(due._retention_domain()))

    def test_the_way_out_is_the_release_s_only(self):
        person = self.released("Voie")
        with self.assertRaises(ValidationError):
            person.with_user(self.worker).write({"release_way": "lc"})
        self.assertEqual(person.release_way, "end_of_sentence")

    def test_a_merge_brings_whom_to_call_and_when(self):
        kept = self.create_person(last_name="Fusion", birthdate=date(1970, 1, 1))
        other = self.create_person(last_name="Fusion", birthdate=date(1970, 1, 1))
        line = other.resource_right_ids.filtered(lambda r: r.right_type == "rsa")
        line.write(
            {
                "status": "prepared",
                "body": "caf",
                "contact": "Mme Bernard, CAF de Mulhouse",
                "appointment_date": self.today + timedelta(days=5),
            }
        )
        self.env["siao.detainee.merge"].with_user(self.manager).with_context(
            active_model="siao.detainee", active_ids=(kept | other).ids
        ).create({"target_id": kept.id}).action_merge()
        mine = kept.resource_right_ids.filtered(lambda r: r.right_type == "rsa")
        self.assertEqual(
            (mine.status, mine.body, mine.contact, mine.appointment_date),
            ("prepared", "caf", "Mme Bernard, CAF de Mulhouse", line.appointment_date),
        )
        # The appointment is asked on the file kept, once.
        self.assertEqual(mine.appointment_activity_id.res_id, kept.id)
        self.assertFalse(line.appointment_activity_id.exists())

    def test_a_hearing_within_the_lead_time_is_the_request_s_deadline(self):
        lead = self.company.siao_request_lead_months
        person = self.create_person(
            last_name="Audience",
            expected_release_date=self.today + relativedelta(months=lead + 4),
            consent_date=self.today,
            consent_scope="siao_spip",
        )
        self.assertFalse(person.within_request_lead)
        self.env["siao.hearing"].create(
            {"detainee_id": person.id, "date": self.today + timedelta(days=60)}
        )
        self.assertTrue(person.within_request_lead)
        self.assertIn(person, self.Person.search([("within_request_lead", "=", True)]))
        request = self.env["siao.request"].create(
            {"detainee_id": person.id, "user_id": self.worker.id}
        )
        request.action_submit()
        # Less than the lead time before the hearing: not filed in time.
        self.assertFalse(request.filed_in_time)
        early = self.create_person(
            last_name="Tot",
            expected_release_date=self.today + relativedelta(months=lead + 4),
            consent_date=self.today,
            consent_scope="siao_spip",
        )
        other = self.env["siao.request"].create(
            {"detainee_id": early.id, "user_id": self.worker.id}
        )
        other.action_submit()
        self.assertTrue(other.filed_in_time)


@tagged("post_install", "-at_install", "siao_portal")
class TestSupervisionFromTheSpip(SpipPortalCase):
    """A person supervised outside prison, sent by the SPIP: a referral without
    an establishment, a milieu-ouvert list; proposals the coordinators accept."""

    def proposals(self):
        return self.env["siao.spip.proposal"].search([], order="id")

    def test_a_referral_under_supervision_needs_no_establishment(self):
        before = self.proposals()
        end = self.today + timedelta(days=300)
        response = self.refer(
            last_name="Probatoire",
            prison_id="",
            prison_number="",
            incarceration_date="",
            expected_release_date="",
            sentence_months="",
            supervision_type="sursis_probatoire",
            supervision_end_date=end.isoformat(),
        )
        self.assertIn(response.status_code, (302, 303))
        proposal = self.proposals() - before
        self.assertEqual(
            (proposal.supervision_type, proposal.supervision_end_date),
            ("sursis_probatoire", end),
        )
        proposal.write({"user_id": self.worker.id})
        proposal.with_user(self.manager).action_accept()
        person = proposal.detainee_id
        self.assertEqual(
            (
                person.state,
                person.supervision_type,
                person.supervision_start_date,
                person.supervision_end_date,
            ),
            ("supervised", "sursis_probatoire", self.today, end),
        )
        self.assertFalse(person.stay_ids)
        # Without a measure, the establishment is asked for.
        before = self.proposals()
        response = self.refer(last_name="Sansetablissement", prison_id="")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_siao_portal_error", response.text)
        self.assertEqual(self.proposals(), before)

    def test_a_milieu_ouvert_list_is_proposed_then_accepted(self):
        known = self.create_person(
            last_name="Dehors",
            birthdate=date(1980, 1, 1),
            expected_release_date=self.today,
            consent_date=self.today,
            consent_scope="siao_spip",
        )
        known.action_record_release(release_date=self.today, outcome="family")
        end = self.today + timedelta(days=200)
        content = (
            "Nom;Prénom;Date de naissance;Mesure;Date de fin de mesure\n"
            f"Dehors;Paul;01/01/1980;LC;{end.strftime('%d/%m/%Y')}\n"
        ).encode()
        before = self.proposals()
        self.authenticate("cpip_muller", "cpip_muller")
        form = self.url_open("/my/siao/release-list", allow_redirects=False)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        response = self.url_open(
            "/my/siao/release-list",
            data={"csrf_token": token},
            files={"upload": ("mesures.csv", content, "text/csv")},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 200)
        proposal = self.proposals() - before
        self.assertEqual(len(proposal), 1)
        # Nothing of the file changes until a coordinator accepts.
        self.assertEqual(known.state, "released")
        self.assertEqual(proposal.detainee_id, known)
        proposal.with_user(self.manager).action_accept()
        self.assertEqual(
            (known.state, known.supervision_type, known.supervision_end_date),
            ("supervised", "lc", end),
        )
