from datetime import date, datetime, timedelta

from odoo.tests import HttpCase, tagged

from .common import SiaoCase


@tagged("post_install", "-at_install")
class TestBoardTour(HttpCase, SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["siao_justice"], ["fr_FR"])
        cls.worker.lang = "fr_FR"

    def test_worker_opens_a_person_from_the_board(self):
        self.create_person(
            last_name="Tourneur",
            first_name="Lucas",
            expected_release_date=date.today() + timedelta(days=12),
        )
        self.start_tour(
            "/odoo/action-siao_justice.siao_detainee_action",
            "siao_justice_board_tour",
            login="siao_worker",
        )

    def test_worker_files_and_submits_a_request_from_the_board(self):
        person = self.create_person(
            last_name="Tourneur",
            first_name="Lucas",
            consent_date=date.today(),
            expected_release_date=date.today() + timedelta(days=70),
        )
        self.start_tour(
            "/odoo/action-siao_justice.siao_detainee_action",
            "siao_justice_request_tour",
            login="siao_worker",
        )
        request = self.env["siao.request"].search([("detainee_id", "=", person.id)])
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.request_date, date.today())

    def test_commission_decides_on_the_board_and_closes(self):
        person = self.create_person(
            last_name="Tourneur",
            first_name="Lucas",
            expected_release_date=date.today() + timedelta(days=12),
        )
        meeting = self.env["siao.commission.meeting"].create(
            {"date": datetime.now() + timedelta(hours=2), "location": "Salle du tour"}
        )
        meeting.action_generate_agenda()
        meeting.line_ids.filtered(lambda line: line.detainee_id != person).write(
            {"decision": "maintain"}
        )
        self.start_tour(
            "/odoo/action-siao_justice.siao_detainee_action",
            "siao_justice_commission_tour",
            login="siao_worker",
        )
        line = meeting.line_ids.filtered(lambda line: line.detainee_id == person)
        self.assertEqual(line.decision, "postpone")
        self.assertEqual(meeting.state, "closed")
        self.assertTrue(meeting.minutes_attachment_id)
