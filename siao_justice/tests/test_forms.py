from datetime import date, timedelta

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tools.discuss import Store

from .common import SiaoCase

# What a view may say of "required" without depending on the record's state.
CONSTANT = {"1", "True", "true", "0", "False", "false"}


@tagged("post_install", "-at_install", "siao_boundary")
class TestFormsNeverLock(SiaoCase):
    """A field a step needs is required by that step's button, not by the form:
    whatever the state, every other field of the form can be corrected and saved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.create_person(
            consent_date=date(2025, 6, 1),
            expected_release_date=cls.today + timedelta(days=100),
        )

    def test_no_form_of_the_addon_requires_a_field_by_state(self):
        """The rule, swept: every form view of every model of the addon, as the
        client receives it (inherited views applied)."""
        models = {
            view.model
            for view in self.env["ir.ui.view"].search([("type", "=", "form")])
            if view.model and view.model.startswith("siao.")
        }
        self.assertGreater(len(models), 10)
        locks = []
        for model in sorted(models):
            arch = etree.fromstring(
                self.env[model].get_views([(False, "form")])["views"]["form"]["arch"]
            )
            for node in arch.iter("field"):
                required = node.get("required")
                if required and required not in CONSTANT and "state" in required:
                    locks.append(f"{model}.{node.get('name')}: {required}")
        self.assertEqual(locks, [])

    def test_a_submitted_request_is_corrected_without_its_orientation(self):
        request = (
            self.env["siao.request"]
            .with_user(self.worker)
            .create({"detainee_id": self.person.id})
        )
        request.action_submit()
        with Form(request) as form:
            form.sisiao_reference = "SI-2026-0042"
        self.assertEqual(
            (request.state, request.sisiao_reference), ("submitted", "SI-2026-0042")
        )
        # The step itself still asks for what it needs.
        with self.assertRaisesRegex(UserError, "orientation"):
            request.action_orient()
        self.assertEqual(request.state, "submitted")

    def test_a_proposed_request_is_corrected_without_its_admission_date(self):
        request = (
            self.env["siao.request"]
            .with_user(self.worker)
            .create({"detainee_id": self.person.id})
        )
        request.action_submit()
        request.orientation = "chrs"
        request.action_orient()
        request.structure_id = self.chrs
        request.action_propose()
        with Form(request) as form:
            form.sisiao_reference = "SI-2026-0043"
        self.assertEqual(request.sisiao_reference, "SI-2026-0043")
        with self.assertRaisesRegex(UserError, "admission date"):
            request.action_admit()
        self.assertEqual(request.state, "proposed")

    def test_a_measure_before_entry_is_corrected_without_its_entry_date(self):
        measure = (
            self.env["siao.avdl.measure"]
            .with_user(self.worker)
            .create({"detainee_id": self.person.id, "user_id": self.worker.id})
        )
        self.assertEqual(measure.state, "pre_entry")
        with Form(measure) as form:
            form.period_months = 3
        self.assertEqual(measure.period_months, 3)
        with self.assertRaises(UserError):
            measure.action_enter_housing()
        self.assertEqual(measure.state, "pre_entry")


@tagged("post_install", "-at_install", "siao_boundary")
class TestObligationsAndNotesTracked(SiaoCase):
    """Changes to the obligations and the notes are in the chatter, for those who
    may read those fields only."""

    def tracked_fields(self, person, user):
        """The tracked fields of the file's messages as ``user``'s client gets
        them (Odoo's message store, as /mail/thread/messages fills it)."""
        store = Store()
        person.with_user(user).message_ids._to_store(store, for_current_user=True)
        result = store.get_result()
        return {
            value["fieldName"]
            for message in result.get("mail.message", [])
            for value in message.get("trackingValues", [])
        }

    def test_obligations_and_notes_are_tracked_for_their_readers_only(self):
        person = self.create_person()
        self.env.flush_all()
        self.env.cr.flush()  # creation is not tracked: end its precommit phase first
        person.with_user(self.worker).write(
            {
                "restrictions": "Interdiction de paraître à Mulhouse",
                "notes": "Préfère un hébergement hors agglomération",
                "consent_scope": "siao_spip",
            }
        )
        self.env.flush_all()
        self.env.cr.flush()  # Odoo writes the tracking at the end of the transaction
        person.invalidate_recordset(["message_ids"])
        self.assertLessEqual(
            {"restrictions", "notes"}, self.tracked_fields(person, self.worker)
        )
        # The SPIP reader reads the file, not those fields: nor their tracking.
        seen_by_reader = self.tracked_fields(person, self.reader)
        self.assertIn("consent_scope", seen_by_reader)
        self.assertFalse({"restrictions", "notes"} & seen_by_reader)
