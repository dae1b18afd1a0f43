from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SiaoCase

# The codes of the figures a file's past feeds (its releases, its requests, its
# persons): each company's must be the same before and after a handover.
PAST_CODES = (
    "persons_followed",
    "releases_total",
    "releases_with_solution",
    "requests_filed",
    "persons_in_requests_filed",
    "requests_filed_in_time",
    "hearings_decided",
    "supervised_followed",
)


@tagged("post_install", "-at_install", "siao_file")
class TestHandover(SiaoCase):
    """A file handed over to another département of the database: proposed by a
    coordinator of its company, with the person's consent, accepted by a
    coordinator of the other; it moves with its records, and each company's
    figures over past periods stay as they were."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_b = cls._user(
            "siao_manager_b", "siao_justice.group_siao_manager", company=cls.company_b
        )
        cls.prison_b = cls.env["res.partner"].create(
            {
                "name": "Centre de détention du Bas-Rhin",
                "is_company": True,
                "siao_partner_type": "prison",
                "prison_type": "cd",
                "company_id": cls.company_b.id,
            }
        )
        cls.prison_a = cls.env["res.partner"].create(
            {
                "name": "Maison d'arrêt du Haut-Rhin",
                "is_company": True,
                "siao_partner_type": "prison",
                "prison_type": "ma",
                "company_id": cls.company.id,
            }
        )

    def figures(self, company, date_from, date_to):
        rows = self.env["siao.cpom.indicators"].compute(date_from, date_to, company.ids)
        return {row["code"]: row["value"] for row in rows if row["code"] in PAST_CODES}

    def a_path(self, last_name):
        """A person with a past in company A: a first stay released last spring
        into supervision (ended), a request filed then, a hearing decided, and
        a new stay since the summer."""
        person = self.create_person(
            last_name=last_name,
            incarceration_date=date(2025, 1, 10),
            expected_release_date=date(2026, 3, 1),
            consent_date=date(2025, 2, 1),
            consent_scope="siao_spip",
        )
        with self.freeze("2025-12-01 10:00:00"):
            request = self.env["siao.request"].create(
                {"detainee_id": person.id, "user_id": self.worker.id}
            )
            request.action_submit()
        hearing = self.env["siao.hearing"].create(
            {
                "detainee_id": person.id,
                "date": date(2026, 2, 1),
                "kind": "lc",
            }
        )
        hearing.write({"outcome": "refused_housing"})
        with self.freeze("2026-03-01 10:00:00"):
            person.action_record_release(
                release_date=date(2026, 3, 1),
                outcome="family",
                way="lc",
                supervision_end=date(2026, 5, 31),
            )
            self.assertEqual(person.state, "supervised")
        person.action_new_stay(self.prison.id, date(2026, 7, 1), prison_number="A7")
        return person

    def freeze(self, instant):
        from freezegun import freeze_time

        return freeze_time(instant)

    def test_a_file_handed_over_keeps_each_company_s_past_figures(self):
        periods = [
            (date(2025, 1, 1), date(2025, 12, 31)),
            (date(2026, 1, 1), date(2026, 11, 30)),
        ]

        def all_figures():
            return {
                (company.id, period): self.figures(company, *period)
                for company in (self.company, self.company_b)
                for period in periods
            }

        empty = all_figures()
        person = self.a_path("Passage")
        request = person.request_ids
        before = all_figures()
        # The path counted in A: a release and a supervision in 2026, a request
        # in 2025.
        this_year, last_year = (
            (self.company.id, periods[1]),
            (
                self.company.id,
                periods[0],
            ),
        )
        for key, code in (
            (this_year, "releases_total"),
            (this_year, "supervised_followed"),
            (this_year, "hearings_decided"),
            (last_year, "requests_filed"),
        ):
            self.assertEqual(before[key][code], empty[key][code] + 1, code)
        # A coordinator of A proposes, with the consent; B's coordinators accept.
        with self.assertRaises(AccessError):
            self.env["siao.file.handover"].with_user(self.worker).create(
                {"detainee_id": person.id, "to_company_id": self.company_b.id}
            )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["siao.file.handover"].with_user(self.manager).create(
                {"detainee_id": person.id, "to_company_id": self.company_b.id}
            )
        handover = (
            self.env["siao.file.handover"]
            .with_user(self.manager)
            .create(
                {
                    "detainee_id": person.id,
                    "to_company_choice": str(self.company_b.id),
                    "consent_date": self.today,
                    "reason": "Rapprochement familial",
                }
            )
        )
        self.assertEqual(
            (handover.from_company_id, handover.to_company_id, handover.state),
            (self.company, self.company_b, "proposed"),
        )
        # B's coordinators are told, and read who it is before accepting (the
        # file is not theirs yet).
        self.assertIn(self.manager_b, handover.sudo().activity_ids.user_id)
        seen = handover.with_user(self.manager_b)
        self.assertEqual(seen.person_name, "PASSAGE Paul")
        with self.assertRaises(AccessError):
            person.with_user(self.manager_b).check_access("read")
        # Only B's coordinators decide.
        for user in (self.manager, self.worker_b):
            with self.assertRaises(AccessError):
                handover.with_user(user).action_accept()
        handover.with_user(self.manager_b).action_accept()
        self.assertEqual(handover.state, "accepted")
        self.assertEqual(handover.moved_on, self.today)
        # The file moved with its records; B's coordinator is its referent.
        self.assertEqual(person.company_id, self.company_b)
        self.assertEqual(set(person.stay_ids.company_id), {self.company_b})
        self.assertEqual(request.company_id, self.company_b)
        self.assertEqual(person.hearing_ids.company_id, self.company_b)
        self.assertEqual(person.user_id, self.manager_b)
        person.with_user(self.manager_b).check_access("read")
        for user in (self.manager, self.worker):
            with self.assertRaises(AccessError):
                person.with_user(user).check_access("read")
        # Each company's figures over the past periods: as they were.
        for (company_id, period), figures in before.items():
            company = self.env["res.company"].browse(company_id)
            with self.subTest(company=company.name, period=period):
                self.assertEqual(self.figures(company, *period), figures)
        # What happens after counts for B.
        december_a = self.figures(self.company, date(2026, 12, 1), date(2026, 12, 31))[
            "releases_total"
        ]
        person.write({"expected_release_date": self.today})
        person.action_record_release(release_date=self.today, outcome="housing")
        december = (date(2026, 12, 1), date(2026, 12, 31))
        self.assertEqual(self.figures(self.company_b, *december)["releases_total"], 1)
        self.assertEqual(
            self.figures(self.company, *december)["releases_total"],
            december_a,
        )

    def test_the_rules_of_a_handover(self):
        person = self.create_person(last_name="Regle")
        Handover = self.env["siao.file.handover"].with_user(self.manager)
        # To another département only.
        with self.assertRaises(ValidationError):
            Handover.create(
                {
                    "detainee_id": person.id,
                    "to_company_id": self.company.id,
                    "consent_date": self.today,
                }
            )
        # A consent in the future is not one.
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Handover.create(
                {
                    "detainee_id": person.id,
                    "to_company_id": self.company_b.id,
                    "consent_date": self.today + timedelta(days=1),
                }
            )
        # Without the consent when the département's rules do not ask for it.
        self.company.siao_handover_consent = False
        handover = Handover.create(
            {"detainee_id": person.id, "to_company_id": self.company_b.id}
        )
        # One under way per file.
        with self.assertRaises(UserError):
            Handover.create(
                {"detainee_id": person.id, "to_company_id": self.company_b.id}
            )
        # Refused with the reason; the proposer is told.
        with self.assertRaises(UserError):
            handover.with_user(self.manager_b).action_refuse()
        handover.with_user(self.manager_b).decision_note = "Pas de place"
        handover.with_user(self.manager_b).action_refuse()
        self.assertEqual(handover.state, "refused")
        self.assertEqual(person.company_id, self.company)
        with self.assertRaises(UserError):
            handover.with_user(self.manager_b).action_accept()
        # Cancelled by the sender only.
        again = Handover.create(
            {"detainee_id": person.id, "to_company_id": self.company_b.id}
        )
        with self.assertRaises(AccessError):
            again.with_user(self.manager_b).action_cancel()
        again.with_user(self.manager).action_cancel()
        self.assertEqual(again.state, "cancelled")
        # A third département's coordinator sees none of it.
        company_c = self.env["res.company"].create({"name": "SIAO de la Moselle"})
        manager_c = self._user(
            "siao_manager_c", "siao_justice.group_siao_manager", company=company_c
        )
        self.assertFalse(
            self.env["siao.file.handover"]
            .with_user(manager_c)
            .search([("detainee_id", "=", person.id)])
        )
        # Support under way in the département keeps the file there.
        complete = self.create_person(
            last_name="Accompagne",
            consent_date=self.today,
            consent_scope="siao_spip",
            expected_release_date=self.today + timedelta(days=20),
        )
        self.create_complete_file(complete)
        complete.handover_ids.sudo().write({"state": "cancelled"})
        with self.assertRaises(UserError):
            Handover.create(
                {"detainee_id": complete.id, "to_company_id": self.company_b.id}
            )

    def test_a_confidential_or_limited_file(self):
        secret = self.create_person(last_name="Secret", confidential=True)
        handover = (
            self.env["siao.file.handover"]
            .with_user(self.manager)
            .create(
                {
                    "detainee_id": secret.id,
                    "to_company_id": self.company_b.id,
                    "consent_date": self.today,
                }
            )
        )
        # The receiving coordinators accept a confidential file without its name,
        # and no activity, notification or display name carries it.
        seen = handover.with_user(self.manager_b)
        self.assertEqual(seen.person_name, "Confidential file")
        self.assertFalse(seen.person_birthdate or seen.person_prison)
        self.assertNotIn("SECRET", seen.display_name.upper())
        for activity in handover.sudo().activity_ids:
            self.assertNotIn("SECRET", (activity.res_name or "").upper())
            self.assertNotIn("SECRET", (activity.summary or "").upper())
        self.assertEqual(handover.with_user(self.manager).person_name, "SECRET Paul")
        # What the rules set is never given by the caller.
        other = self.create_person(last_name="Forge")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["siao.file.handover"].with_user(self.manager).create(
                {
                    "detainee_id": other.id,
                    "to_company_id": self.company_b.id,
                    "consent_date": self.today,
                    "state": "accepted",
                    "moved_on": date(2020, 1, 1),
                }
            )
        # A file whose processing is limited is not handed over.
        other.sudo().frozen = True
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.env["siao.file.handover"].with_user(self.manager).create(
                {
                    "detainee_id": other.id,
                    "to_company_id": self.company_b.id,
                    "consent_date": self.today,
                }
            )

    def test_a_released_person_s_last_prison_stays_in_their_stay(self):
        person = self.create_person(
            last_name="Sorti",
            prison_id=self.prison_a.id,
            expected_release_date=self.today,
        )
        person.action_record_release(release_date=self.today, outcome="family")
        handover = (
            self.env["siao.file.handover"]
            .with_user(self.manager)
            .create(
                {
                    "detainee_id": person.id,
                    "to_company_id": self.company_b.id,
                    "consent_date": self.today,
                }
            )
        )
        handover.with_user(self.manager_b).action_accept()
        self.assertEqual(person.company_id, self.company_b)
        self.assertFalse(person.prison_id)
        self.assertEqual(person.stay_ids.prison_id, self.prison_a)

    def test_a_transfer_to_a_prison_of_another_departement_proposes_it(self):
        person = self.create_person(
            last_name="Transfere",
            prison_id=self.prison_a.id,
            prison_number="A1",
            consent_date=self.today,
            consent_scope="siao_spip",
        )
        stay = person.current_stay_id
        # A worker cannot: a coordinator hands the file over.
        with self.assertRaises(AccessError):
            person.with_user(self.worker).action_transfer(
                self.prison_b.id, "B1", self.today
            )
        action = person.with_user(self.manager).action_transfer(
            self.prison_b.id, "B1", self.today
        )
        # The handover's form, filled in; the coordinator records the consent.
        self.assertEqual(action["res_model"], "siao.file.handover")
        self.assertFalse(person.handover_ids)
        Handover = (
            self.env["siao.file.handover"]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Handover.create({})
        handover = Handover.create({"consent_date": self.today})
        self.assertEqual(
            (handover.to_company_id, handover.to_prison_id, handover.to_prison_number),
            (self.company_b, self.prison_b, "B1"),
        )
        self.assertEqual(person.prison_id, self.prison_a)
        handover.with_user(self.manager_b).action_accept()
        self.assertEqual(
            (person.company_id, person.prison_id, person.prison_number),
            (self.company_b, self.prison_b, "B1"),
        )
        self.assertEqual(person.current_stay_id, stay)
        self.assertEqual(
            (
                stay.transfer_ids.from_prison_id,
                stay.transfer_ids.to_prison_id,
                stay.transfer_ids.to_prison_number,
            ),
            (self.prison_a, self.prison_b, "B1"),
        )
        # A file in a prison of its département without a transfer: refused.
        other = self.create_person(last_name="Reste", prison_id=self.prison_a.id)
        stuck = (
            self.env["siao.file.handover"]
            .with_user(self.manager)
            .create(
                {
                    "detainee_id": other.id,
                    "to_company_id": self.company_b.id,
                    "consent_date": self.today,
                }
            )
        )
        with self.assertRaises(UserError), self.env.cr.savepoint():
            stuck.with_user(self.manager_b).action_accept()
        self.assertEqual(other.company_id, self.company)
