from datetime import date, timedelta

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models.siao_rules import NO_SOLUTION_OUTCOMES
from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_request")
class TestRequestPipeline(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.create_person(
            consent_date=date(2025, 6, 1),
            expected_release_date=cls.today + timedelta(days=100),
        )

    def new_request(self, person=None, user=None, **values):
        Request = self.env["siao.request"].with_user(user or self.worker)
        return Request.create(
            dict({"detainee_id": (person or self.person).id}, **values)
        )

    def test_a_new_request_is_numbered_before_its_first_message(self):
        request = self.new_request(user_id=self.worker_2.id)
        self.assertTrue(request.name.startswith("DS/"))
        assigned = self.env["mail.message"].search(
            [
                ("model", "=", "siao.request"),
                ("res_id", "=", request.id),
                ("partner_ids", "in", self.worker_2.partner_id.ids),
            ]
        )
        self.assertTrue(assigned)
        self.assertIn(request.name, assigned[0].subject)
        self.assertNotIn(" / ", assigned[0].subject)

    def test_the_happy_path_from_draft_to_admitted(self):
        request = self.new_request()
        self.assertEqual(request.state, "draft")
        self.assertTrue(request.name.startswith("DS/"))
        request.action_submit()
        self.assertEqual(
            (request.state, request.request_date), ("submitted", self.today)
        )
        request.orientation = "chrs"
        request.action_orient()
        request.structure_id = self.chrs
        request.action_propose()
        self.assertEqual(request.state, "proposed")
        request.admission_date = self.today + timedelta(days=90)
        request.action_admit()
        self.assertEqual(request.state, "admitted")
        self.assertEqual(
            request.history_ids.mapped("event"),
            ["submit", "orient", "propose", "admit"],
        )
        self.assertEqual(self.person.request_state, "admitted")

    def test_each_step_needs_its_field(self):
        request = self.new_request()
        request.action_submit()
        with self.assertRaises(UserError):
            request.action_orient()
        request.orientation = "chu"
        request.action_orient()
        with self.assertRaises(UserError):
            request.action_propose()
        self.assertEqual(request.state, "oriented")
        request.place_id = self.env["siao.housing.place"].create(
            {"name": "Place 1", "structure_id": self.chrs.id, "place_type": "chu"}
        )
        request.action_propose()
        with self.assertRaises(UserError):
            request.action_admit()
        self.assertEqual(request.state, "proposed")

    def test_impossible_transitions_are_refused(self):
        request = self.new_request()
        impossible_from_draft = [
            request.action_orient,
            request.action_propose,
            request.action_admit,
            request.action_mark_to_update,
            request.action_reactivate,
            lambda: request.action_refuse("person", "location"),
        ]
        request.write(
            {
                "orientation": "chrs",
                "structure_id": self.chrs.id,
                "admission_date": self.today,
            }
        )
        for action in impossible_from_draft:
            with self.subTest(action=action), self.assertRaises(UserError):
                action()
            self.assertEqual(request.state, "draft")
        request.action_submit()
        with self.assertRaises(UserError):
            request.action_submit()
        with self.assertRaises(UserError):
            request.action_propose()
        request.action_cancel("Doublon")
        for action in (
            request.action_submit,
            request.action_orient,
            request.action_mark_to_update,
        ):
            with self.subTest(action=action), self.assertRaises(UserError):
                action()
        with self.assertRaises(UserError):
            request.action_cancel("again")
        self.assertEqual(request.state, "cancelled")

    def test_impossible_transition_error_is_in_french(self):
        self.speak_french()
        request = self.new_request().with_context(lang="fr_FR")
        with self.assertRaises(UserError) as caught:
            request.action_admit()
        self.assertIn("n'est pas possible", str(caught.exception))

    def test_refusal_by_the_person_closes_the_request(self):
        request = self.new_request()
        request.action_submit()
        with self.assertRaises(UserError):
            request.action_refuse("person", None)
        with self.assertRaises(UserError):
            request.action_refuse("nobody", "location")
        request.action_refuse("person", "location")
        self.assertEqual(
            (request.state, request.refusal_by, request.refusal_reason),
            ("refused", "person", "location"),
        )
        # A closed request lets the person have a new one.
        self.new_request()

    def test_refusal_by_the_structure_sends_the_request_back_to_update(self):
        request = self.new_request(orientation="chrs", structure_id=self.chrs.id)
        request.action_submit()
        request.action_orient()
        request.action_propose()
        request.action_refuse("structure", "judicial_constraints")
        self.assertEqual(request.state, "to_update")
        self.assertEqual(request.history_ids[-1].refusal_by, "structure")
        request.action_submit()
        self.assertEqual(request.state, "submitted")
        self.assertEqual(
            request.request_date, self.today, "the first submission date is kept"
        )

    def test_the_first_orientation_and_admission_days_are_kept(self):
        request = self.new_request(orientation="chrs", structure_id=self.chrs.id)
        with freeze_time(date(2025, 2, 1)):
            request.action_submit()
        self.assertFalse(request.oriented_date)
        first = date(2025, 3, 2)
        with freeze_time(first):
            request.action_orient()
        request.action_propose()
        request.action_refuse("structure", "no_place")
        request.action_submit()
        request.action_orient()
        request.action_propose()
        today = self.today  # the association's day
        request.admission_date = today
        request.action_admit()
        self.assertEqual(request.oriented_date, first, "the first orientation")
        self.assertEqual(request.admitted_date, today)
        row = self.env["siao.report.request"].search(
            [("request_date", "=", date(2025, 2, 1)), ("oriented_date", "=", first)]
        )
        self.assertEqual(
            (row.oriented_date, row.days_to_orientation, row.days_to_admission),
            (first, 29, (today - date(2025, 2, 1)).days),
        )

    def test_mark_to_update_then_submit_again(self):
        request = self.new_request()
        request.action_submit()
        request.action_mark_to_update()
        self.assertEqual(request.state, "to_update")
        request.action_submit()
        self.assertEqual(request.state, "submitted")

    def test_cancel_needs_a_reason_and_reactivate_returns_to_draft(self):
        request = self.new_request()
        with self.assertRaises(UserError):
            request.action_cancel("  ")
        self.assertEqual(request.state, "draft")
        request.action_cancel("The person was transferred to another département")
        self.assertEqual(request.state, "cancelled")
        request.action_reactivate()
        self.assertEqual((request.state, request.cancel_reason), ("draft", False))

    def test_age_counts_days_since_the_first_submission(self):
        request = self.new_request()
        self.assertEqual(request.age_days, 0)
        request.action_submit()
        request.sudo().request_date = self.today - timedelta(days=45)
        self.assertEqual(request.age_days, 45)

    def test_release_horizon_is_stored_from_the_person(self):
        request = self.new_request()
        self.assertEqual(request.release_horizon, "m6")
        self.person.expected_release_date = self.today + timedelta(days=10)
        self.assertEqual(request.release_horizon, "m1")
        self.assertEqual(
            self.env["siao.request"].search(
                [("release_horizon", "=", "m1"), ("id", "=", request.id)]
            ),
            request,
        )

    def test_sisiao_reference_is_unique_per_company(self):
        self.new_request(sisiao_reference="SIAO68-1")
        other = self.create_person(last_name="Other", consent_date=date(2025, 1, 1))
        self.assertRefusedByDatabase(
            lambda: self.new_request(person=other, sisiao_reference=" SIAO68-1 "),
            "Cette référence SI-SIAO est déjà utilisée",
            other.name,
        )
        # empty references never collide
        self.new_request(person=other, sisiao_reference="")
        third = self.create_person(last_name="Third")
        self.new_request(person=third, sisiao_reference=False)

    def test_a_step_s_button_asks_for_what_the_step_needs(self):
        """From the form, a step that lacks its fields opens a dialog asking for
        them (prefilled with what the request holds), then takes the step; through
        the API, the same call is refused with a clear message."""
        request = self.new_request()
        request.action_submit()
        with self.assertRaises(UserError):
            request.with_user(self.worker).action_orient()
        steps = [
            ("action_orient", {"orientation": "chrs"}, "oriented"),
            ("action_propose", {"structure_id": self.chrs.id}, "proposed"),
            ("action_admit", {"admission_date": self.today}, "admitted"),
        ]
        for method, values, state in steps:
            action = getattr(
                request.with_user(self.worker).with_context(siao_step_from_button=True),
                method,
            )()
            self.assertEqual(action["res_model"], "siao.request.step.wizard")
            wizard = (
                self.env["siao.request.step.wizard"]
                .with_user(self.worker)
                .with_context(**action["context"])
                .create(values)
            )
            wizard.action_confirm()
            self.assertEqual(request.state, state)
        self.assertEqual(request.orientation, "chrs")
        self.assertEqual(request.admission_date, self.today)
        # What the request already holds prefills the dialog.
        other = self.new_request(
            person=self.create_person(last_name="Autre", consent_date=self.today),
            orientation="chu",
        )
        other.action_submit()
        defaults = (
            self.env["siao.request.step.wizard"]
            .with_context(default_request_ids=other.ids, default_step="orient")
            .default_get(["orientation", "step"])
        )
        self.assertEqual(defaults["orientation"], "chu")

    def test_a_place_taken_then_is_not_proposed(self):
        """A place held from the person's release day on (by another file) is
        refused at the proposal, saying from when to when and for which file as
        the user may read it; a booking starts by default on the release day."""
        release = self.person.estimated_release_date
        place = self.create_place(self.chrs, "Prise", release - timedelta(days=30))
        hidden = self.create_person(
            last_name="Occupante", confidential=True, user_id=self.worker_2.id
        )
        self.env["siao.housing.reservation"].create(
            {
                "place_id": place.id,
                "detainee_id": hidden.id,
                "date_from": release - timedelta(days=5),
                "date_to": release + timedelta(days=10),
            }
        )
        request = self.new_request(orientation="chrs", place_id=place.id)
        request.action_submit()
        request.action_orient()
        with self.assertRaises(ValidationError) as refused:
            request.with_user(self.worker).action_propose()
        message = str(refused.exception)
        self.assertIn("Prise", message)
        self.assertNotIn("OCCUPANTE", message.upper())
        self.assertEqual(request.state, "oriented")
        with self.assertRaises(ValidationError) as refused:
            request.with_user(self.manager).action_propose()
        self.assertIn("OCCUPANTE", str(refused.exception).upper())
        # Its own booking does not stop it.
        free = self.create_place(self.chrs, "Libre", release - timedelta(days=30))
        self.env["siao.housing.reservation"].create(
            {"place_id": free.id, "detainee_id": self.person.id, "date_from": release}
        )
        request.place_id = free
        request.with_user(self.worker).action_propose()
        self.assertEqual(request.state, "proposed")
        defaults = (
            self.env["siao.housing.reservation"]
            .with_context(default_detainee_id=self.person.id)
            .default_get(["date_from", "detainee_id"])
        )
        self.assertEqual(defaults["date_from"], release)

    def test_the_steps_and_the_request_s_date_are_one_source(self):
        """Steps brought from elsewhere are dated from their submission day: the
        request's date is its first step's, the portal's steps read the same."""
        request = self.new_request(orientation="chrs", structure_id=self.chrs.id)
        request.action_submit()
        request.action_orient()
        request.action_propose()
        day = self.today - timedelta(days=75)
        request._date_steps_from(day)
        steps = request.history_ids.sorted(lambda step: (step.date, step.id))
        self.assertEqual(request.request_date, day)
        self.assertEqual(
            steps.mapped("date"), [day, day + timedelta(10), day + timedelta(20)]
        )
        self.assertEqual(request.age_days, 75)
        summary = self.person._portal_summaries()[self.person]
        self.assertEqual(summary["steps"].mapped("date"), steps.mapped("date"))


@tagged("post_install", "-at_install", "siao_request")
class TestRequestRules(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.with_consent = cls.create_person(consent_date=date(2025, 6, 1))
        cls.without_consent = cls.create_person(last_name="Sans accord")

    def test_one_open_request_per_person(self):
        Request = self.env["siao.request"].with_user(self.worker)
        first = Request.create({"detainee_id": self.with_consent.id})
        self.assertRefusedByDatabase(
            lambda: Request.create({"detainee_id": self.with_consent.id}),
            "Cette personne a déjà une demande SIAO en cours",
            self.with_consent.name,
        )
        self.assertEqual(self.with_consent.request_count, 1)
        first.action_cancel("mistake")
        second = Request.create({"detainee_id": self.with_consent.id})
        self.assertRefusedByDatabase(
            first.action_reactivate, "déjà une demande SIAO en cours"
        )
        self.assertEqual(first.state, "cancelled")
        second.action_submit()

    def test_the_database_refuses_two_open_requests_too(self):
        Request = self.env["siao.request"]
        Request.create({"detainee_id": self.with_consent.id})
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "INSERT INTO siao_request (name, detainee_id, company_id, state, "
                "active, prescriber_type, request_kind)"
                " VALUES ('x', %s, %s, 'submitted', true, 'spip', 'insertion')",
                (self.with_consent.id, self.company.id),
            )

    def test_worker_cannot_submit_without_consent(self):
        request = (
            self.env["siao.request"]
            .with_user(self.worker)
            .create({"detainee_id": self.without_consent.id})
        )
        with self.assertRaises(UserError):
            request.action_submit()
        with self.assertRaises(UserError):
            request.action_submit(override_reason="urgent")
        self.assertEqual(request.state, "draft")

    def test_manager_submits_without_consent_with_a_reason_in_the_chatter(self):
        request = (
            self.env["siao.request"]
            .with_user(self.manager)
            .create({"detainee_id": self.without_consent.id})
        )
        with self.assertRaises(UserError):
            request.action_submit()
        action = request.action_submit_button()
        self.assertEqual(action["res_model"], "siao.request.submit.wizard")
        wizard = (
            self.env["siao.request.submit.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "request_ids": [(6, 0, request.ids)],
                    "reason": "Release brought forward by the JAP",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(request.state, "submitted")
        self.assertIn("Release brought forward by the JAP", request.message_ids[0].body)

    def test_reader_cannot_create_or_move_a_request(self):
        request = self.env["siao.request"].create({"detainee_id": self.with_consent.id})
        with self.assertRaises(AccessError):
            self.env["siao.request"].with_user(self.reader).create(
                {"detainee_id": self.without_consent.id}
            )
        with self.assertRaises(AccessError):
            request.with_user(self.reader).action_submit()
        self.assertEqual(request.state, "draft")

    def test_worker_cannot_delete_and_manager_deletes_only_drafts(self):
        request = self.env["siao.request"].create({"detainee_id": self.with_consent.id})
        with self.assertRaises(AccessError):
            request.with_user(self.worker).unlink()
        request.action_submit()
        with self.assertRaises(UserError):
            request.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            self.with_consent.with_user(self.manager).unlink()
        self.assertTrue(request.exists())

    def test_request_kanban_shows_every_state_and_folds_closed_ones(self):
        groups = self.env["siao.request"].read_group([], ["state"], ["state"])
        self.assertEqual(
            [g["state"] for g in groups],
            [
                "draft",
                "submitted",
                "to_update",
                "oriented",
                "proposed",
                "admitted",
                "refused",
                "cancelled",
            ],
        )
        self.assertEqual(
            [g["state"] for g in groups if g["__fold"]],
            ["admitted", "refused", "cancelled"],
        )


@tagged("post_install", "-at_install", "siao_request")
class TestRequestAtRelease(SiaoCase):
    """A release says what becomes of the open SIAO request: without a solution it
    goes back to "to update" with an activity for its worker; the worker may
    cancel it or leave it as it is instead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.create_person(
            consent_date=date(2025, 6, 1),
            expected_release_date=cls.today + timedelta(days=10),
        )
        cls.request = (
            cls.env["siao.request"]
            .with_user(cls.worker)
            .create({"detainee_id": cls.person.id})
        )
        cls.request.action_submit()

    def release(self, outcome, **values):
        action = self.person.with_user(self.worker).action_open_release_wizard()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.worker)
            .with_context(**action["context"])
        )
        wizard.outcome = outcome
        if outcome == "dry_exit":
            wizard.dry_exit_reason = "no_place"
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard

    def test_a_dry_exit_sends_the_request_back_to_update_with_an_activity(self):
        for outcome in NO_SOLUTION_OUTCOMES:
            with self.subTest(outcome=outcome), self.env.cr.savepoint() as sp:
                wizard = self.release(outcome)
                self.assertTrue(wizard.has_open_request)
                self.assertEqual(wizard.request_action, "update")
                wizard.save().action_confirm()
                self.assertEqual(self.request.state, "to_update")
                activity = self.request.activity_ids
                self.assertEqual(activity.user_id, self.worker)
                self.assertIn(self.today.strftime("%d/%m/%Y"), activity.summary)
                sp.rollback()
                self.env.invalidate_all()

    def test_the_worker_may_cancel_the_request_or_leave_it(self):
        with self.env.cr.savepoint() as sp:
            self.release("family", request_action="cancel").save().action_confirm()
            self.assertEqual(self.request.state, "cancelled")
            self.assertIn("no longer needed", self.request.cancel_reason)
            sp.rollback()
            self.env.invalidate_all()
        wizard = self.release("shelter")
        self.assertEqual(wizard.request_action, "keep")
        wizard.save().action_confirm()
        self.assertEqual(
            (self.person.state, self.request.state), ("released", "submitted")
        )
        self.assertFalse(self.request.activity_ids)

    def test_an_unknown_choice_changes_nothing(self):
        with self.assertRaises(UserError):
            self.person.with_user(self.worker).action_record_release(
                self.today, "dry_exit", "no_place", request_action="forget"
            )
        self.assertEqual(
            (self.person.state, self.request.state), ("detained", "submitted")
        )
