import re
from datetime import date, timedelta

import requests

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import SiaoCase
from .test_portal import SpipPortalCase

# How a JSON route answers a refusal: an error in the answer, or an HTTP error.
REFUSED = (JsonRpcException, requests.HTTPError)


def admit(case, person):
    """``case``'s referent admits ``person`` to a CHRS place on the release day."""
    structure = case.create_host_structure(
        "CHRS Les Tilleuls",
        street="3 rue des Tilleuls",
        zip="68100",
        city="Mulhouse",
    )
    place = case.create_place(structure, "Tilleuls 4", date.today())
    request = case.env["siao.request"].create(
        {"detainee_id": person.id, "orientation": "chrs"}
    )
    request.action_submit()
    request.action_orient()
    request.write({"structure_id": structure.id, "place_id": place.id})
    request.action_propose()
    request.write({"admission_date": person.estimated_release_date})
    request.action_admit()
    return request


@tagged("post_install", "-at_install")
class TestSpipPortalExchanges(SpipPortalCase):
    """The SPIP's side, continued: the release list, the messages with the
    referent, the attestation for the judge and the liaison sheet."""

    # ---- The referral's prison number ----
    def test_a_prison_number_of_another_person_is_said_on_the_form(self):
        self.create_person(last_name="Zorgnac", prison_number="68N001")
        before = self.env["siao.detainee"].search_count([])
        response = self.refer(prison_number="68N001")
        self.assertEqual(response.status_code, 200)
        error = re.search(r"o_siao_portal_error[^>]*>([^<]*)<", response.text)
        self.assertTrue(error)
        self.assertIn("écrou", error.group(1))
        self.assertNotIn("ZORGNAC", response.text.upper())
        self.assertEqual(self.env["siao.detainee"].search_count([]), before)

    # ---- Messages between the officer and the referent ----
    def exchange_of(self, login, person):
        response = self.page(login, f"/my/siao/{person.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_portal_chatter", response.text)
        token = re.search(r'data-token="([^"]+)"', response.text).group(1)
        exchange = self.env["siao.spip.exchange"].search(
            [
                ("detainee_id", "=", person.id),
                ("partner_id.user_ids.login", "=", login),
            ]
        )
        self.assertEqual(len(exchange), 1)
        return exchange, token

    def post(self, exchange, token, body):
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "siao.spip.exchange",
                "thread_id": exchange.id,
                "post_data": {
                    "body": body,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                "token": token,
            },
        )

    def fetch(self, exchange, token):
        return self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "siao.spip.exchange",
                "thread_id": exchange.id,
                "token": token,
            },
        )

    def assertRefused(self, call, *args):
        try:
            call(*args)
        except REFUSED:
            return
        self.fail(f"{call.__name__}{args[:2]} was not refused")

    def test_the_officer_and_the_referent_write_to_each_other(self):
        exchange, token = self.exchange_of("cpip_muller", self.followed)
        self.assertIn(self.worker.partner_id, exchange.message_partner_ids)
        self.assertIn(self.officer.partner_id, exchange.message_partner_ids)
        self.post(exchange, token, "Sortie avancée au 12, pouvez-vous confirmer ?")
        message = exchange.message_ids.filtered(lambda m: "Sortie avancée" in m.body)
        self.assertEqual(message.author_id, self.officer.partner_id)
        self.assertIn(self.worker.partner_id, message.notification_ids.res_partner_id)
        # The referent reads it in the back office, answers, and logs a note.
        exchange = exchange.with_user(self.worker)
        self.assertIn("Sortie avancée", exchange.message_ids.mapped("body")[0])
        exchange.message_post(
            body="Confirmé, place réservée.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        exchange.message_post(
            body="Note interne du référent", subtype_xmlid="mail.mt_note"
        )
        self.authenticate("cpip_muller", "cpip_muller")
        seen = str(self.fetch(exchange, token))
        self.assertIn("Confirmé, place réservée.", seen)
        self.assertIn("Sortie avancée", seen)
        self.assertNotIn("Note interne du référent", seen)
        self.assertEqual(self.followed.with_user(self.worker).spip_exchange_count, 1)

    def test_no_other_officer_reads_or_writes_the_exchange(self):
        exchange, token = self.exchange_of("cpip_muller", self.followed)
        self.post(exchange, token, "Message du CPIP référent")
        for login in ("cpip_weber", "cpip_bas_rhin", "as_spip_klein", "siao_portal"):
            with self.subTest(login=login), mute_logger("odoo.http"):
                self.authenticate(login, login)
                self.assertRefused(self.fetch, exchange, token)
                self.assertRefused(self.post, exchange, token, "Intrus")
        self.assertFalse(exchange.message_ids.filtered(lambda m: "Intrus" in m.body))
        # Reaching the model through RPC: nothing beyond what every portal user has.
        self.authenticate("cpip_muller", "cpip_muller")
        with mute_logger("odoo.http"):
            self.assertRefused(
                self.make_jsonrpc_request,
                "/web/dataset/call_kw",
                {
                    "model": "siao.spip.exchange",
                    "method": "search_read",
                    "args": [[]],
                    "kwargs": {"fields": ["partner_id"]},
                },
            )
        # Consent withdrawn: the officer's own token opens nothing any more.
        self.followed.write({"consent_scope": "siao"})
        with mute_logger("odoo.http"):
            self.assertRefused(self.fetch, exchange, token)
        self.assertNotIn(self.officer.partner_id, exchange.message_partner_ids)

    def test_a_merge_keeps_one_exchange_per_officer(self):
        exchange, token = self.exchange_of("cpip_muller", self.followed)
        self.post(exchange, token, "Sur le premier dossier")
        twin = self.create_person(
            last_name="Suivi",
            spip_referent_id=self.officer.partner_id.id,
            consent_date=date(2026, 9, 1),
            consent_scope="siao_spip",
        )
        other, other_token = self.exchange_of("cpip_muller", twin)
        self.post(other, other_token, "Sur le doublon")
        self.env["siao.detainee.merge"].create(
            {
                "detainee_ids": [(6, 0, (self.followed | twin).ids)],
                "target_id": self.followed.id,
            }
        ).action_merge()
        kept = self.env["siao.spip.exchange"].search(
            [("detainee_id", "=", self.followed.id)]
        )
        self.assertEqual(kept, exchange)
        bodies = " ".join(kept.message_ids.mapped("body"))
        self.assertIn("Sur le premier dossier", bodies)
        self.assertIn("Sur le doublon", bodies)

    # ---- The attestation for the judge ----
    def test_the_attestation_is_downloaded_once_a_place_is_admitted(self):
        url = f"/my/siao/{self.followed.id}/attestation"
        page = self.page("cpip_muller", f"/my/siao/{self.followed.id}")
        self.assertIn("o_siao_portal_no_attestation", page.text)
        self.assertEqual(self.page("cpip_muller", url).status_code, 404)
        with self.assertRaises(UserError):
            self.env["ir.actions.report"]._render_qweb_pdf(
                "siao_justice.action_report_housing_attestation", self.followed.ids
            )
        request = admit(self, self.followed)
        self.assertTrue(self.followed.has_housing_solution)
        page = self.page("cpip_muller", f"/my/siao/{self.followed.id}")
        self.assertIn("o_siao_portal_attestation", page.text)
        response = self.page("cpip_muller", url)
        self.assertEqual(response.status_code, 200)
        # In a test run Odoo renders reports as HTML.
        self.assertIn("o_siao_housing_attestation", response.text)
        self.assertIn(f"ATT-{request.name}", response.text)
        # Another officer, a guessed id: not found.
        for login, person_id in (
            ("cpip_weber", self.followed.id),
            ("cpip_muller", self.of_colleague.id),
            ("cpip_muller", max(self.hidden.ids) + 1000),
        ):
            with self.subTest(login=login, person=person_id):
                response = self.page(login, f"/my/siao/{person_id}/attestation")
                self.assertEqual(response.status_code, 404)

    def test_the_attestation_states_the_solution(self):
        request = admit(self, self.followed)
        html = (
            self.env["ir.actions.report"]
            .with_context(lang="fr_FR")
            ._render_qweb_html(
                "siao_justice.action_report_housing_attestation", self.followed.ids
            )[0]
            .decode()
        )
        self.assertIn("CHRS Les Tilleuls", html)
        self.assertIn("3 rue des Tilleuls", html)
        self.assertIn("Mulhouse", html)
        self.assertIn(f"ATT-{request.name}", html)
        self.assertIn(self.worker.name, html)
        self.assertIn(self.company.name, html)
        self.assertIn(self.followed.estimated_release_date.strftime("%d/%m/%Y"), html)
        self.assertIn("a été admis", html)  # in French

    def test_a_reservation_on_the_release_day_is_a_solution_to_attest(self):
        structure = self.create_host_structure("Pension Les Lilas")
        place = self.create_place(structure, "Lilas 1", date.today())
        release = self.followed.estimated_release_date
        self.env["siao.housing.reservation"].create(
            {
                "place_id": place.id,
                "detainee_id": self.followed.id,
                "date_from": release - timedelta(days=3),
            }
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "siao_justice.action_report_housing_attestation", self.followed.ids
            )[0]
            .decode()
        )
        self.assertIn("Pension Les Lilas", html)
        self.assertIn(f"ATT-RES{self.followed.reservation_ids.id:06d}", html)
        self.assertIn("o_siao_expected_on", html)


@tagged("post_install", "-at_install")
class TestPersonDocuments(SiaoCase):
    """The liaison sheet and the attestation as the report engine renders them
    (HTML: in a test run Odoo renders reports as HTML)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.followed = cls.create_person(
            last_name="Suivi",
            expected_release_date=date.today() + timedelta(days=40),
            consent_date=date(2026, 9, 1),
            consent_scope="siao_spip",
        )
        cls.confidential = cls.create_person(last_name="Secrete", confidential=True)

    def test_the_attestation_is_refused_without_a_solution(self):
        Report = self.env["ir.actions.report"]
        with self.assertRaises(UserError):
            Report._render_qweb_pdf(
                "siao_justice.action_report_housing_attestation", self.followed.ids
            )
        request = admit(self, self.followed)
        html = Report._render_qweb_html(
            "siao_justice.action_report_housing_attestation", self.followed.ids
        )[0].decode()
        self.assertIn("CHRS Les Tilleuls", html)
        self.assertIn(f"ATT-{request.name}", html)

    # ---- The liaison sheet ----
    def test_the_liaison_sheet_shows_the_obligations_only_where_it_may(self):
        person = self.followed
        person.sudo().write({"restrictions": "Interdiction de paraître à Colmar"})
        Report = self.env["ir.actions.report"]
        cases = (
            (self.worker, "siao_spip", False),
            (self.worker, "partners", True),
            (self.reader, "partners", False),
        )
        for user, scope, shown in cases:
            with self.subTest(user=user.login, scope=scope):
                person.consent_scope = scope
                html = (
                    Report.with_user(user)
                    ._render_qweb_html(
                        "siao_justice.action_report_liaison_sheet", person.ids
                    )[0]
                    .decode()
                )
                self.assertIn(person.name, html)
                self.assertIn("o_siao_requests", html)
                self.assertEqual("Interdiction de paraître" in html, shown)

    def test_who_may_not_read_the_file_prints_nothing_of_it(self):
        for user in (self.worker_2, self.accountant, self.portal):
            for report in ("liaison_sheet", "housing_attestation"):
                with (
                    self.subTest(user=user.login, report=report),
                    self.assertRaises(AccessError),
                ):
                    self.env["ir.actions.report"].with_user(user)._render_qweb_html(
                        f"siao_justice.action_report_{report}", self.confidential.ids
                    )
