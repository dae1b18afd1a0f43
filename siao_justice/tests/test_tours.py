import base64
import logging
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import SiaoCase

_logger = logging.getLogger(__name__)

SCREENSHOTS = Path(__file__).resolve().parent.parent / "static/description/screenshots"


class SiaoTourCase(HttpCase, SiaoCase):
    """Tours in French; each role's main journey leaves a screenshot of its last
    screen in static/description/screenshots (shown by the README)."""

    browser_size = "1440x900"
    # The browser and the server share the real clock: the data is built from
    # the association's day taken once (``cls.today``), and the browser runs in
    # the association's time zone, as a worker in France does.
    freeze_time = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.speak_french(cls.worker, cls.manager, cls.accountant)

    def start_tour(self, url_path, tour_name, step_delay=None, **kwargs):
        """The tour in a browser whose clock shows the association's day."""
        zone = self.company.siao_timezone
        navigate = ChromeBrowser.navigate_to

        def navigate_in_zone(browser, url, wait_stop=False):
            browser._websocket_request(
                "Emulation.setTimezoneOverride", params={"timezoneId": zone}
            )
            return navigate(browser, url, wait_stop=wait_stop)

        with patch.object(ChromeBrowser, "navigate_to", navigate_in_zone):
            return super().start_tour(url_path, tour_name, step_delay, **kwargs)

    def login_of(self, demo_user, fallback):
        """The demo user of the role when the demo data is there, so the screens
        show a believable caseload; the test's own user otherwise."""
        user = self.env.ref(f"siao_justice.{demo_user}", raise_if_not_found=False)
        return user.login if user else fallback.login

    def start_tour_with_screenshot(self, url, tour, login, role):
        shots = []
        stop = ChromeBrowser.stop

        def capture_then_stop(browser):
            try:
                result = browser._websocket_request(
                    "Page.captureScreenshot", params={"format": "png"}, timeout=30
                )
                shots.append(base64.b64decode(result["data"]))
            except Exception as error:  # noqa: BLE001 - a picture never fails a test
                _logger.info("No screenshot of %s: %s", role, error)
            stop(browser)

        with patch.object(ChromeBrowser, "stop", capture_then_stop):
            self.start_tour(url, tour, login=login)
        if shots:
            self.save_screenshot(role, shots[-1])

    def create_soon_released(self):
        """The worker's case released within a month, without a solution yet."""
        return self.create_person(
            last_name="Tourneur",
            first_name="Lucas",
            expected_release_date=self.today + timedelta(days=12),
        )

    def save_screenshot(self, role, png):
        try:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            if not os.access(SCREENSHOTS, os.W_OK):
                raise PermissionError(str(SCREENSHOTS))
            (SCREENSHOTS / f"{role}.png").write_bytes(png)
        except OSError as error:
            _logger.info("Screenshot of %s not written: %s", role, error)


@tagged("post_install", "-at_install", "siao_tour")
class TestBoardTour(SiaoTourCase):
    def test_worker_opens_a_person_from_the_board(self):
        self.create_soon_released()
        # A long name beside the dry-exit badge, read whole on its card.
        self.create_person(
            last_name="Delacroix-Montalembert",
            first_name="Marie-Christine",
            expected_release_date=self.today + timedelta(days=20),
        )
        self.start_tour(
            "/odoo/action-siao_justice.siao_detainee_action",
            "siao_justice_board_tour",
            login="siao_worker",
        )


@tagged("post_install", "-at_install", "siao_tour")
class TestWorkerOnAPhone(SiaoTourCase):
    """The worker's board and file at phone width (390x844)."""

    browser_size = "390x844"

    def test_worker_opens_a_file_from_the_board_on_a_phone(self):
        self.create_soon_released()
        self.start_tour_with_screenshot(
            "/odoo/action-siao_justice.siao_detainee_action",
            "siao_justice_phone_tour",
            login="siao_worker",
            role="worker_phone",
        )


@tagged("post_install", "-at_install", "siao_tour")
class TestSpipPortalOnAPhone(SiaoTourCase):
    """The officer's list at phone width: the release date, the request and the
    measure of each person are read whole."""

    browser_size = "390x844"

    def test_the_officer_reads_their_list_on_a_phone(self):
        spip = self.env["res.partner"].create(
            {
                "name": "SPIP du téléphone",
                "is_company": True,
                "siao_partner_type": "spip",
            }
        )
        officer = self.create_officer("cpip_phone", spip, "cpip")
        self.speak_french(officer)
        person = self.create_person(
            last_name="Telephone",
            consent_date=self.today - timedelta(days=10),
            consent_scope="siao_spip",
            spip_referent_id=officer.partner_id.id,
            expected_release_date=self.today + timedelta(days=45),
        )
        self.env["siao.request"].create({"detainee_id": person.id}).action_submit()
        self.start_tour(
            "/my/siao", "siao_justice_portal_phone_tour", login="cpip_phone"
        )


@tagged("post_install", "-at_install", "siao_tour")
class TestReleaseTour(SiaoTourCase):
    """A worker records a release, a new stay, then closes the follow-up, each
    through its dialog from the file's header."""

    def test_a_release_a_new_stay_and_the_closing(self):
        person = self.create_soon_released()
        self.speak_french(self.worker)
        self.start_tour_with_screenshot(
            f"/odoo/action-siao_justice.siao_detainee_action/{person.id}",
            "siao_justice_release_tour",
            login="siao_worker",
            role="release",
        )
        self.assertEqual(person.state, "closed")
        self.assertEqual(len(person.stay_ids), 2)
        self.assertEqual(
            person.stay_ids.filtered("actual_release_date").release_outcome, "family"
        )


@tagged("post_install", "-at_install", "siao_tour")
class TestResourcesTour(SiaoTourCase):
    def test_a_right_of_the_checklist_is_marked_prepared(self):
        person = self.create_soon_released()
        self.speak_french(self.worker)
        first = person.resource_right_ids.sorted(lambda r: (r.sequence, r.id))[:1]
        self.assertEqual(first.status, "todo")
        self.start_tour_with_screenshot(
            f"/odoo/action-siao_justice.siao_detainee_action/{person.id}",
            "siao_justice_resources_tour",
            login="siao_worker",
            role="resources",
        )
        self.assertEqual(first.status, "prepared")


@tagged("post_install", "-at_install", "siao_tour")
class TestMergeTour(SiaoTourCase):
    def test_a_coordinator_merges_a_file_with_its_duplicate(self):
        self.speak_french(self.manager)
        kept, other = (
            self.create_person(
                last_name="Doublon",
                first_name="Jean",
                birthdate=date(1985, 4, 2),
                prison_number=number,
            )
            for number in ("68D001", "68D002")
        )
        self.start_tour(
            f"/odoo/action-siao_justice.siao_detainee_action/{kept.id}",
            "siao_justice_merge_tour",
            login="siao_manager",
        )
        self.assertFalse(other.active)
        self.assertTrue(kept.active)


@tagged("post_install", "-at_install", "siao_tour")
class TestReaderTour(SiaoTourCase):
    def test_the_spip_reader_lands_on_the_board_and_reads_a_shared_file(self):
        self.speak_french(self.reader)
        self.create_person(
            last_name="Partagé",
            first_name="Pierre",
            consent_date=self.today - timedelta(days=10),
            consent_scope="siao_spip",
            expected_release_date=self.today + timedelta(days=60),
        )
        self.assertEqual(
            self.reader.action_id.id,
            self.env.ref("siao_justice.siao_detainee_action").id,
        )
        self.start_tour_with_screenshot(
            "/odoo", "siao_justice_reader_tour", login="siao_reader", role="reader"
        )


@tagged("post_install", "-at_install", "siao_tour")
class TestRoleJourneys(SiaoTourCase):
    def test_worker_adds_a_person_files_and_submits_a_request(self):
        if not self.env["res.partner"].search_count(
            [("name", "=", "Centre pénitentiaire de Mulhouse-Lutterbach")]
        ):
            self.env["res.partner"].create(
                {
                    "name": "Centre pénitentiaire de Mulhouse-Lutterbach",
                    "is_company": True,
                    "siao_partner_type": "prison",
                    "prison_type": "cp",
                }
            )
        login = self.login_of("user_worker", self.worker)
        self.start_tour_with_screenshot(
            "/odoo/action-siao_justice.siao_detainee_action",
            "siao_justice_request_tour",
            login=login,
            role="worker",
        )
        person = self.Person.search([("name", "=", "TOURNEUR Lucas")])
        self.assertEqual(person.consent_date, self.today)
        self.assertEqual(person.request_ids.state, "submitted")
        # The submission day is the association's, whatever the worker's zone.
        self.assertEqual(person.request_ids.request_date, self.today)

    def test_commission_generates_its_agenda_decides_and_closes(self):
        coordinator = self._user(
            "siao_manager_b", "siao_justice.group_siao_manager", company=self.company_b
        )
        coordinator.write({"name": "Hélène Roos", "lang": "fr_FR"})
        prison = self.env["res.partner"].create(
            {
                "name": "Maison d'arrêt de Strasbourg",
                "is_company": True,
                "siao_partner_type": "prison",
                "prison_type": "ma",
            }
        )
        persons = self.Person
        for last_name, first_name, days in (
            ("Tourneur", "Lucas", 12),
            ("Keller", "Sophie", 45),
            ("Weber", "Yanis", 100),
        ):
            persons |= self.create_person(
                last_name=last_name,
                first_name=first_name,
                prison_id=prison.id,
                expected_release_date=self.today + timedelta(days=days),
                company_id=self.company_b.id,
                user_id=self.worker_b.id,
            )
        chrs = self.env["res.partner"].create(
            {
                "name": "CHRS du tour",
                "is_company": True,
                "siao_partner_type": "host_structure",
            }
        )
        place = self.env["siao.housing.place"].create(
            {
                "name": "Studio du tour",
                "structure_id": chrs.id,
                "place_type": "chrs",
                "company_id": self.company_b.id,
                "available_from": self.today,
            }
        )
        meeting = (
            self.env["siao.commission.meeting"]
            .with_company(self.company_b)
            .create(
                {
                    "date": datetime.now() + timedelta(hours=2),
                    "location": "Salle du tour",
                    "company_id": self.company_b.id,
                }
            )
        )
        self.start_tour_with_screenshot(
            "/odoo/action-siao_justice.siao_commission_meeting_action",
            "siao_justice_commission_tour",
            login=coordinator.login,
            role="commission",
        )
        decisions = {
            line.detainee_id.last_name: line.decision for line in meeting.line_ids
        }
        self.assertEqual(
            decisions,
            {"Tourneur": "postpone", "Keller": "reserve_place", "Weber": "maintain"},
        )
        self.assertEqual(meeting.state, "closed")
        self.assertTrue(meeting.minutes_attachment_id)
        # Decided from the cards, every case says who acts and by when.
        self.assertTrue(all(meeting.line_ids.mapped("due_date")))
        self.assertTrue(all(meeting.line_ids.mapped("action_user_id")))
        # The decision acted: the place is reserved for Keller over its dates.
        reservation = meeting.line_ids.filtered(
            lambda line: line.decision == "reserve_place"
        ).reservation_id
        self.assertEqual(reservation.place_id, place)
        self.assertEqual(reservation.date_from, self.today + timedelta(days=45))
        self.assertEqual(reservation.date_to, self.today + timedelta(days=120))

    def test_avdl_worker_opens_a_measure_records_housing_renews_and_closes(self):
        person = self.create_person(
            last_name="Tourneur",
            first_name="Lucas",
            expected_release_date=self.today - timedelta(days=1),
        )
        # Out since yesterday: the measure's entry into housing comes after.
        person.action_record_release(self.today - timedelta(days=1), "housing")
        self.start_tour_with_screenshot(
            "/odoo/action-siao_justice.siao_avdl_measure_action",
            "siao_justice_avdl_tour",
            login=self.login_of("user_worker_avdl", self.worker),
            role="avdl",
        )
        measure = person.avdl_measure_ids
        self.assertEqual(measure.state, "closed")
        self.assertEqual(measure.closing_reason, "housing_kept")
        self.assertEqual(measure.housing_entry_date, self.today)
        self.assertEqual(measure.renewal_count, 1)

    def test_coordinator_goes_through_every_dashboard(self):
        referent = (
            self.env.ref("siao_justice.user_worker", raise_if_not_found=False)
            or self.worker
        )
        self.create_person(
            last_name="Tourneur",
            first_name="Lucas",
            expected_release_date=self.today + timedelta(days=12),
            user_id=referent.id,
        )
        place = self.env["siao.housing.place"].create(
            {
                "name": "Chambre du tour",
                "place_type": "chrs",
                "structure_id": self.env["res.partner"]
                .create({"name": "CHRS du tour", "siao_partner_type": "host_structure"})
                .id,
                "available_from": self.today - timedelta(days=30),
            }
        )
        self.assertEqual(place.state, "free")
        person = self.create_person(
            last_name="Keller",
            first_name="Sophie",
            consent_date=self.today,
            expected_release_date=self.today + timedelta(days=60),
            user_id=referent.id,
        )
        self.env["siao.request"].create({"detainee_id": person.id}).action_submit()
        self.start_tour_with_screenshot(
            "/odoo/siao-pilotage",
            "siao_justice_dashboard_tour",
            login=self.login_of("user_coordinator", self.manager),
            role="coordinator",
        )

    def test_accountant_downloads_the_cpom_workbook(self):
        login = self.login_of("user_accountant", self.accountant)
        self.start_tour_with_screenshot(
            "/odoo/action-siao_justice.siao_report_release_action",
            "siao_justice_cpom_tour",
            login=login,
            role="accountant",
        )
        accountant = self.env["res.users"].search([("login", "=", login)])
        wizard = self.env["siao.cpom.report.wizard"].search(
            [("create_uid", "=", accountant.id)]
        )
        self.assertTrue(wizard.file_data)
        self.assertTrue(wizard.file_name.endswith(".xlsx"))

    def test_a_person_back_in_prison_found_by_the_import_keeps_both_stays(self):
        Partner = self.env["res.partner"]
        first, back, transfer = (
            Partner.create(
                {
                    "name": name,
                    "is_company": True,
                    "siao_partner_type": "prison",
                    "prison_type": kind,
                }
            )
            for name, kind in (
                ("Maison d'arrêt du premier séjour", "ma"),
                ("Centre pénitentiaire du retour", "cp"),
                ("Centre de détention du transfert", "cd"),
            )
        )
        today = self.today
        person = self.create_person(
            last_name="Retour",
            first_name="Samir",
            birthdate=date(1987, 4, 2),
            prison_id=first.id,
            prison_number="P-100",
            incarceration_date=today - timedelta(days=600),
            expected_release_date=today - timedelta(days=300),
        )
        person.action_record_release(
            release_date=today - timedelta(days=300), outcome="shelter"
        )
        # Months later, the SPIP's list names him in another prison, under a new
        # number: the worker imports it with Odoo's import, in French.
        back_in = (today - timedelta(days=20)).strftime("%d/%m/%Y")
        release = (today + timedelta(days=200)).strftime("%d/%m/%Y")
        csv = (
            "Nom;Prénom;Date de naissance;Établissement;Numéro d'écrou;"
            "Date d'incarcération;Date de libération prévisible\n"
            "RETOUR;Samir;02/04/1987;Centre penitentiaire du retour;R-200;"
            f"{back_in};{release}\n"
        )
        wizard = (
            self.env["base_import.import"]
            .with_user(self.worker)
            .with_context(lang="fr_FR")
            .create(
                {
                    "res_model": "siao.detainee",
                    "file": csv.encode(),
                    "file_name": "liste_spip.csv",
                    "file_type": "text/csv",
                }
            )
        )
        options = {
            "has_headers": True,
            "separator": ";",
            "quoting": '"',
            "encoding": "utf-8",
            "date_format": "%d/%m/%Y",
        }
        preview = wizard.parse_preview(dict(options))
        columns = [
            "/".join(preview["matches"].get(index, [])) or False
            for index in range(len(preview["headers"]))
        ]
        result = wizard.execute_import(columns, preview["headers"], dict(options))
        self.assertEqual([m["type"] for m in result["messages"]], ["info"], result)
        self.assertEqual(person.state, "detained")
        self.assertEqual(len(person.stay_ids), 2)
        self.start_tour(
            f"/odoo/action-siao_justice.siao_detainee_action/{person.id}",
            "siao_justice_path_tour",
            login=self.worker.login,
        )
        stay = person.current_stay_id
        self.assertEqual(person.prison_id, transfer)
        self.assertEqual(person.prison_number, "T-300")
        self.assertEqual(
            (stay.transfer_ids.from_prison_id, stay.transfer_ids.from_prison_number),
            (back, "R-200"),
        )
        self.assertEqual(len(person.stay_ids), 2)
        self.assertEqual(
            person.stay_ids.filtered("actual_release_date").prison_id, first
        )


@tagged("post_install", "-at_install", "siao_tour")
class TestSpipPortalTour(SiaoTourCase):
    """A CPIP on the portal: refers a person, finds them on their list, writes to
    the referent, and downloads the attestation once a place is admitted."""

    def test_a_cpip_refers_writes_and_downloads_the_attestation(self):
        from .test_portal_documents import admit

        spip = self.env["res.partner"].create(
            {
                "name": "SPIP du Haut-Rhin",
                "is_company": True,
                "siao_partner_type": "spip",
            }
        )
        officer = self.create_officer("cpip_tour", spip, "cpip", name="Claire Muller")
        contact = officer.partner_id
        self.speak_french(officer)
        self.start_tour(
            "/my/siao", "siao_justice_portal_referral_tour", login="cpip_tour"
        )
        self.assertFalse(
            self.env["siao.detainee"].search([("last_name", "=", "Tourdepart")])
        )
        # A coordinator assigns the referent and accepts the referral.
        proposal = self.env["siao.spip.proposal"].search(
            [("last_name", "=", "Tourdepart")]
        )
        proposal.user_id = self.worker
        proposal.with_user(self.manager).action_accept()
        person = proposal.detainee_id
        self.assertEqual(person.spip_referent_id, contact)
        self.start_tour(
            "/my/siao", "siao_justice_portal_exchange_tour", login="cpip_tour"
        )
        exchange = self.env["siao.spip.exchange"].search(
            [("detainee_id", "=", person.id)]
        )
        self.assertIn("aménagement", " ".join(exchange.message_ids.mapped("body")))
        # The referent admits a place, and answers the officer from the file.
        admit(self, person)
        self.start_tour_with_screenshot(
            f"/odoo/action-siao_justice.siao_detainee_action/{person.id}",
            "siao_justice_referent_answer_tour",
            login="siao_worker",
            role="referent_answer",
        )
        answer = exchange.message_ids.filtered(
            lambda message: "CHRS Les Tilleuls" in message.body
        )
        self.assertEqual(
            (answer.author_id, answer.subtype_id),
            (self.worker.partner_id, self.env.ref("mail.mt_comment")),
        )
        self.start_tour_with_screenshot(
            f"/my/siao/{person.id}",
            "siao_justice_portal_attestation_tour",
            login="cpip_tour",
            role="spip",
        )

    def test_the_officer_uploads_the_establishment_s_release_list(self):
        """A followed person's release date is updated under the officer's
        name; a person not followed becomes a proposal, no file."""
        spip = self.env["res.partner"].create(
            {"name": "SPIP du tour", "is_company": True, "siao_partner_type": "spip"}
        )
        officer = self.create_officer("cpip_liste", spip, "cpip", name="Paul Liste")
        self.speak_french(officer)
        known = self.create_person(
            last_name="Tourliste",
            first_name="Karim",
            birthdate=date(1980, 1, 1),
            prison_number="67L123",
            spip_referent_id=officer.partner_id.id,
            consent_date=date(2026, 9, 1),
            consent_scope="siao_spip",
            expected_release_date=self.today + timedelta(days=200),
        )
        persons = self.env["siao.detainee"].search_count([])
        self.start_tour_with_screenshot(
            "/my/siao",
            "siao_justice_portal_release_list_tour",
            login="cpip_liste",
            role="spip_list",
        )
        # The browser's day and the server's may differ by one around midnight.
        self.assertLessEqual(
            abs((known.expected_release_date - self.today).days - 90), 1
        )
        self.assertEqual(
            known.message_ids.filtered("tracking_value_ids")[:1].author_id,
            officer.partner_id,
        )
        self.assertEqual(self.env["siao.detainee"].search_count([]), persons)
        proposal = self.env["siao.spip.proposal"].search(
            [("last_name", "=", "Tournouveau")]
        )
        self.assertEqual((proposal.kind, proposal.upload), ("list_row", "liste.csv"))


@tagged("post_install", "-at_install", "siao_tour")
class TestPartnershipTours(SiaoTourCase):
    def test_coordinator_records_a_convention_and_opens_the_board(self):
        structure = self.create_host_structure("CHRS du tour")
        place = self.create_place(
            structure, "Chambre du tour", self.today - timedelta(days=30)
        )
        self.create_soon_released()
        self.env["siao.permanence"].create(
            {
                "prison_id": self.prison.id,
                "date": datetime.now() + timedelta(days=3),
                "user_ids": [(6, 0, self.worker.ids)],
            }
        )
        login = self.login_of("user_coordinator", self.manager)
        self.start_tour_with_screenshot(
            "/odoo/siao-conventions",
            "siao_justice_partnership_tour",
            login=login,
            role="coordination",
        )
        convention = self.env["siao.convention"].search(
            [("name", "=", "Contingent CHRS du tour 2026")]
        )
        self.assertEqual(
            (convention.partner_id, convention.kind, convention.place_count),
            (structure, "contingent", 2),
        )
        self.assertEqual((convention.step, convention.place_ids), ("signed", place))

    def test_worker_prepares_and_closes_office_hours(self):
        person = self.create_soon_released()
        session = self.env["siao.permanence"].create(
            {
                "prison_id": self.prison.id,
                # Held this morning, the association's day: closed once held.
                "date": self.company.siao_day_start(self.today, 9.0),
                "user_ids": [(6, 0, self.worker.ids)],
            }
        )
        self.start_tour(
            "/odoo/action-siao_justice.siao_permanence_action_mine",
            "siao_justice_permanence_tour",
            login="siao_worker",
        )
        self.assertEqual(session.state, "done")
        line = session.line_ids.filtered(lambda line: line.detainee_id == person)
        self.assertEqual(line.outcome, "request_opened")
        self.assertEqual(line.request_id.state, "draft")
        self.assertEqual(person.current_request_id, line.request_id)


@tagged("post_install", "-at_install", "siao_tour")
class TestLettersTour(SiaoTourCase):
    def test_a_worker_prints_the_convocations_and_records_a_reply(self):
        person = self.create_person(
            last_name="Tourlettre",
            first_name="Samir",
            prison_number="67T001",
            expected_release_date=self.today + timedelta(days=50),
        )
        session = self.env["siao.permanence"].create(
            {
                "prison_id": self.prison.id,
                "date": self.company.siao_day_start(
                    self.today + timedelta(days=8), 9.0
                ),
                "user_ids": [(6, 0, self.worker.ids)],
            }
        )
        self.env["siao.permanence.line"].create(
            {"permanence_id": session.id, "detainee_id": person.id}
        )
        self.speak_french(self.worker)
        self.start_tour_with_screenshot(
            f"/odoo/action-siao_justice.siao_permanence_action/{session.id}",
            "siao_justice_letters_tour",
            login="siao_worker",
            role="letters",
        )
        letter = person.letter_ids
        self.assertEqual(
            (letter.kind, letter.state, letter.sent_by_id),
            ("office_hours", "replied", self.worker),
        )
        self.assertEqual(person.consent_scope, "siao_spip")
        self.assertEqual(
            person.consent_ids.sorted(lambda c: (c.date, c.id))[-1:].how, "reply_slip"
        )
        self.assertIn("Colmar", person.current_wish_id.note)


@tagged("post_install", "-at_install", "siao_tour")
class TestFirstNightTour(SiaoTourCase):
    def test_the_day_before_a_coordinator_holds_a_place_and_completes_the_plan(self):
        since = self.today - timedelta(days=100)
        structure = self.create_host_structure(
            "Association Le Relais", street="2 rue du Rhin", city="Mulhouse"
        )
        # The test's held places only (the demo's are put aside).
        self.env["siao.housing.place"].search(
            [("place_type", "in", ("sas_apartment", "floating_place"))]
        ).active = False
        sas = self.create_place(
            structure, "Appartement SAS – Rhin", since, place_type="sas_apartment"
        )
        person = self.create_person(
            last_name="Tournuit",
            first_name="Karim",
            expected_release_date=self.today + timedelta(days=1),
        )
        self.env["siao.deadline.alert"]._schedule(person)
        self.assertTrue(self.activities(person, "mail_activity_type_first_night_alert"))
        self.start_tour_with_screenshot(
            f"/odoo/action-siao_justice.siao_detainee_action/{person.id}",
            "siao_justice_first_night_tour",
            login="siao_manager",
            role="first_night",
        )
        plan = person.release_plan_id
        self.assertTrue(plan.ready)
        self.assertEqual(plan.reservation_id.place_id, sas)
        self.assertEqual(plan.person_told_on, self.today)
        self.assertIn("Bus 15", plan.route)
        self.assertFalse(
            self.activities(person, "mail_activity_type_first_night_alert")
        )


@tagged("post_install", "-at_install", "siao_tour")
class TestSupervisionTour(SiaoTourCase):
    def test_a_release_on_parole_then_the_end_of_the_supervision(self):
        person = self.create_person(
            last_name="Tourlibre",
            first_name="Yanis",
            adjustment_type="lc",
            expected_release_date=self.today,
        )
        self.start_tour(
            f"/odoo/action-siao_justice.siao_detainee_action/{person.id}",
            "siao_justice_supervision_tour",
            login="siao_worker",
        )
        stay = person.stay_ids
        self.assertEqual((stay.release_way, stay.release_outcome), ("lc", "housing"))
        self.assertEqual(person.state, "released")
        self.assertEqual(person.supervision_type, "lc")
        self.assertEqual(person.supervision_end_date, self.today)
