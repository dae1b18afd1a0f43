from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.siao_detainee_merge import MERGED_APART
from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_file")
class TestDuplicateWarning(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.existing = cls.create_person(
            last_name="Lefèvre",
            first_name="Élodie",
            birthdate=date(1990, 5, 4),
            prison_number="68T100",
        )

    def draft(self, **values):
        vals = {"last_name": "Autre", "prison_id": self.prison.id}
        vals.update(values)
        return self.Person.with_user(self.worker).new(vals)

    def test_same_name_and_birth_date_ignoring_case_and_accents(self):
        draft = self.draft(
            last_name="LEFEVRE", first_name="elodie", birthdate=date(1990, 5, 4)
        )
        self.assertEqual(draft.duplicate_ids._origin, self.existing)

    def test_same_prison_number_in_the_same_prison(self):
        draft = self.draft(prison_number=" 68T100 ")
        self.assertEqual(draft.duplicate_ids._origin, self.existing)

    def test_other_birth_date_or_other_prison_is_not_a_duplicate(self):
        other_prison = self.env["res.partner"].create(
            {"name": "Maison centrale", "siao_partner_type": "prison"}
        )
        self.assertFalse(
            self.draft(
                last_name="Lefèvre", first_name="Élodie", birthdate=date(1990, 5, 5)
            ).duplicate_ids
        )
        self.assertFalse(
            self.draft(prison_id=other_prison.id, prison_number="68T100").duplicate_ids
        )

    def test_a_saved_file_is_not_its_own_duplicate(self):
        self.assertFalse(self.existing.duplicate_ids)
        twin = self.create_person(
            last_name="lefevre", first_name="Elodie", birthdate=date(1990, 5, 4)
        )
        self.assertEqual(self.existing.duplicate_ids, twin)
        self.assertEqual(twin.duplicate_ids, self.existing)

    def test_a_confidential_file_of_another_worker_stays_hidden(self):
        self.existing.write({"confidential": True, "user_id": self.worker_2.id})
        draft = self.draft(
            last_name="Lefèvre", first_name="Élodie", birthdate=date(1990, 5, 4)
        )
        self.assertFalse(draft.duplicate_ids)

    @mute_logger("odoo.sql_db")
    def test_two_active_files_cannot_share_a_prison_number(self):
        with self.assertRaises(IntegrityError):
            self.create_person(last_name="Copie", prison_number="68T100")

    def test_an_archived_file_leaves_its_prison_number_free(self):
        self.existing.action_archive()
        self.existing.flush_recordset()
        person = self.create_person(last_name="Nouveau", prison_number="68T100")
        self.assertEqual(person.prison_number, "68T100")


@tagged("post_install", "-at_install", "siao_file")
class TestMergeFiles(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kept = cls.create_person(last_name="Meyer", first_name="Jean")
        cls.other = cls.create_person(
            last_name="MEYER",
            first_name="Jean",
            birthdate=date(1980, 2, 1),
            prison_number="68T200",
            expected_release_date=date(2027, 3, 1),
            notes="Suivi par l'ancienne référente",
        )

    def merge(self, user=None, kept=None, files=None):
        wizard = (
            self.env["siao.detainee.merge"]
            .with_user(user or self.manager)
            .with_context(
                active_model="siao.detainee",
                active_ids=(files or self.kept | self.other).ids,
            )
            .create({})
        )
        if kept:
            wizard.target_id = kept
        return wizard.action_merge()

    def test_merge_moves_the_history_and_archives_the_other_file(self):
        request = self.env["siao.request"].create({"detainee_id": self.other.id})
        meeting = self.env["siao.commission.meeting"].create(
            {"date": "2027-01-12 13:00:00"}
        )
        line = self.env["siao.commission.line"].create(
            {"meeting_id": meeting.id, "detainee_id": self.other.id}
        )
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": self.other.id, "user_id": self.worker.id}
        )
        place = self.create_place(
            self.create_host_structure(), "Chambre 1", date(2026, 1, 1)
        )
        reservation = self.env["siao.housing.reservation"].create(
            {
                "place_id": place.id,
                "detainee_id": self.other.id,
                "date_from": date(2027, 3, 1),
            }
        )
        self.other.message_post(body="Entretien au parloir le 3 mars")
        attachment = self.env["ir.attachment"].create(
            {
                "name": "attestation.pdf",
                "raw": b"%PDF-1.4",
                "res_model": "siao.detainee",
                "res_id": self.other.id,
            }
        )
        activity = self.other.activity_schedule(
            "mail.mail_activity_data_todo", summary="Appeler le SPIP"
        )
        self.other.message_subscribe(partner_ids=self.worker_2.partner_id.ids)
        self.other.resource_right_ids.filtered(
            lambda r: r.right_type == "id_document"
        ).write({"status": "prepared", "prepared_date": date(2026, 11, 2)})

        action = self.merge()

        self.assertEqual(action["res_id"], self.kept.id)
        self.assertFalse(self.other.active)
        self.assertTrue(self.kept.active)
        self.assertEqual(request.detainee_id, self.kept)
        self.assertEqual(line.detainee_id, self.kept)
        self.assertEqual(measure.detainee_id, self.kept)
        self.assertEqual(reservation.detainee_id, self.kept)
        self.assertEqual(attachment.res_id, self.kept.id)
        self.assertEqual(activity.res_id, self.kept.id)
        self.assertIn(self.worker_2.partner_id, self.kept.message_partner_ids)
        self.assertIn(
            "Entretien au parloir", " ".join(self.kept.message_ids.mapped("body"))
        )
        # empty fields filled, the kept file's own values untouched
        self.assertEqual(self.kept.birthdate, date(1980, 2, 1))
        self.assertEqual(self.kept.prison_number, "68T200")
        self.assertEqual(self.kept.expected_release_date, date(2027, 3, 1))
        self.assertEqual(self.kept.notes, "Suivi par l'ancienne référente")
        self.assertEqual(self.kept.first_name, "Jean")
        # one checklist, with what was prepared on the other file
        rights = self.kept.resource_right_ids
        self.assertEqual(len(rights), len(set(rights.mapped("right_type"))))
        self.assertEqual(
            rights.filtered(lambda r: r.right_type == "id_document").status,
            "prepared",
        )
        self.assertIn(
            "merged into this one", self.kept.message_ids[0].body, "note on the file"
        )
        self.assertIn("File merged into MEYER Jean", self.other.message_ids[0].body)
        self.assertFalse(self.kept.duplicate_ids)
        # Nothing else of any model points at the merged file: every field of the
        # registry pointing at a person, but those the merge moves by its rules.
        links = [
            (model, fname)
            for model, fname in self.Person._belonging_fields()
            if self.env[model]._fields[fname].comodel_name == "siao.detainee"
            and not self.env[model]._transient
        ]
        self.assertIn(("siao.housing.reservation", "detainee_id"), links)
        for model, fname in links:
            if model in MERGED_APART:
                continue
            left = (
                self.env[model]
                .sudo()
                .with_context(active_test=False)
                .search_count([(fname, "=", self.other.id)])
            )
            self.assertEqual(left, 0, f"{model}.{fname}")

    def test_two_open_requests_are_refused_and_nothing_changes(self):
        self.env["siao.request"].create({"detainee_id": self.kept.id})
        request = self.env["siao.request"].create({"detainee_id": self.other.id})
        self.assertRefusedByDatabase(
            self.merge, "déjà une demande SIAO en cours", "MEYER"
        )
        self.assertTrue(self.other.active)
        self.assertEqual(request.detainee_id, self.other)
        self.assertFalse(self.kept.birthdate)

    def test_two_open_measures_are_refused_naming_no_one(self):
        Measure = self.env["siao.avdl.measure"]
        Measure.create({"detainee_id": self.kept.id, "user_id": self.worker.id})
        measure = Measure.create(
            {"detainee_id": self.other.id, "user_id": self.worker.id}
        )
        self.assertRefusedByDatabase(
            self.merge, "déjà une mesure AVDL ouverte", "MEYER"
        )
        self.assertTrue(self.other.active)
        self.assertEqual(measure.detainee_id, self.other)

    def test_a_past_stays_closed_measure_moves_with_the_merge(self):
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": self.other.id, "user_id": self.worker.id}
        )
        measure.action_cancel()
        self.merge()
        self.assertEqual(measure.detainee_id, self.kept)

    def test_a_worker_cannot_merge(self):
        with self.assertRaises(AccessError):
            self.merge(user=self.worker)
        with self.assertRaises(AccessError):
            self.kept.with_user(self.worker)._merge_files(self.other)
        self.assertTrue(self.other.active)

    def test_files_of_two_companies_are_not_merged(self):
        self.manager.company_ids = [(4, self.company_b.id)]
        elsewhere = self.create_person(
            last_name="Meyer",
            company_id=self.company_b.id,
            user_id=self.worker_b.id,
            prison_id=False,
        )
        with self.assertRaises(UserError):
            self.merge(files=self.kept | elsewhere)
        self.assertTrue(elsewhere.active)

    def test_the_banner_opens_the_merge_with_the_duplicates(self):
        self.kept.birthdate = date(1980, 2, 1)
        action = self.kept.with_user(self.manager).action_open_merge_wizard()
        wizard = (
            self.env["siao.detainee.merge"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.detainee_ids, self.kept | self.other)
        self.assertEqual(wizard.target_id, self.kept)

    def test_merge_needs_two_files(self):
        with self.assertRaises(UserError):
            self.merge(files=self.kept)
