import re
from datetime import date, timedelta

import requests

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import file_open, mute_logger

from .common import SiaoCase
from .test_portal import SpipPortalCase

LIST_HEADERS = (
    "Nom;Prénom;Date de naissance;Établissement;Numéro d'écrou;"
    "Date de libération prévisible"
)
# How a JSON route answers a refusal: an error in the answer, or an HTTP error.
REFUSED = (JsonRpcException, requests.HTTPError)


def admit(case, person):
    """``case``'s referent admits ``person`` to a CHRS place on the release day
    (through their open request, if they have one)."""
    structure = case.create_host_structure(
        "CHRS Les Tilleuls",
        street="3 rue des Tilleuls",
        zip="68100",
        city="Mulhouse",
    )
    place = case.create_place(structure, "Tilleuls 4", case.today)
    request = person.request_ids.filtered("is_open")[:1]  # a referral's draft
    if request:
        request.orientation = "chrs"
    else:
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

    # ---- Every route, every kind of visitor ----
    def test_every_route_answers_each_kind_of_visitor(self):
        admit(self, self.followed)
        person_routes = ("/my/siao/{}", "/my/siao/{}/attestation")
        spip_routes = ("/my/siao", "/my/siao/referral", "/my/siao/release-list")
        visitors = (
            "cpip_muller",  # the officer
            "cpip_weber",  # an officer of the same SPIP, not the referent
            "cpip_bas_rhin",  # another SPIP's officer
            "siao_portal",  # a portal user outside any SPIP
            None,  # a public visitor
        )
        for login in visitors:
            for person in (self.followed, self.without_consent):
                for route in person_routes:
                    url = route.format(person.id)
                    with self.subTest(login=login, url=url):
                        status = self.page(login, url).status_code
                        if login is None:
                            self.assertIn(status, (302, 303))
                        elif login == "cpip_muller" and person == self.followed:
                            self.assertEqual(status, 200)
                        else:
                            self.assertEqual(status, 404)
            for url in spip_routes:
                with self.subTest(login=login, url=url):
                    response = self.page(login, url)
                    if login is None:
                        self.assertIn(response.status_code, (302, 303))
                    elif login == "siao_portal" and url != "/my/siao":
                        self.assertEqual(response.status_code, 404)
                    else:
                        self.assertEqual(response.status_code, 200)
                        shown = response.text.upper()
                        self.assertNotIn(self.without_consent.name.upper(), shown)
                        if login != "cpip_muller":
                            self.assertNotIn(self.followed.name.upper(), shown)

    # ---- The referral's prison number ----
    def test_a_prison_number_of_another_person_reveals_nothing(self):
        zorgnac = self.create_person(last_name="Zorgnac", prison_number="68N001")
        before = self.env["siao.detainee"].search_count([])
        taken = self.refer(prison_number="68N001")
        free = self.refer(last_name="Autre", prison_number="68N999")
        # The officer's answer is the same whether the number was free or not.
        self.assertEqual(
            (taken.status_code, taken.headers.get("Location")),
            (free.status_code, free.headers.get("Location")),
        )
        self.assertIn(taken.status_code, (302, 303))
        self.assertEqual(self.env["siao.detainee"].search_count([]), before + 2)
        person = self.env["siao.detainee"].search([("last_name", "=", "Nouveau")])
        self.assertFalse(person.prison_number)
        self.assertEqual(zorgnac.prison_number, "68N001")
        self.assertFalse(zorgnac.message_ids.filtered(lambda m: "SPIP" in m.body))
        # The coordinators are asked to check it, the number is in the note.
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "siao.detainee"), ("res_id", "=", person.id)]
        )
        self.assertIn(self.manager, activity.user_id)
        self.assertIn("autre dossier", activity[0].summary)  # in the officer's French
        self.assertIn("68N001", " ".join(person.message_ids.mapped("body")))
        person.with_user(self.manager).action_confirm_referral()
        page = self.page("cpip_muller", "/my/siao").text.upper()
        self.assertIn("NOUVEAU", page)
        self.assertNotIn("ZORGNAC", page)

    def test_a_wrong_referral_is_refused_alike_for_a_known_person_or_not(self):
        known = self.of_colleague
        known.birthdate = date(1985, 5, 5)
        tomorrow = (self.today + timedelta(days=1)).isoformat()
        before = self.env["siao.detainee"].search_count([])
        for wrong in (
            {"consent_date": tomorrow},
            {"expected_release_date": "2020-01-01"},  # before the incarceration
            {"legal_status": "xyz"},
        ):
            answers = []
            for identity in (
                {
                    "last_name": known.last_name,
                    "first_name": known.first_name,
                    "birthdate": "1985-05-05",
                },
                {
                    "last_name": "Inconnu",
                    "first_name": "Nul",
                    "birthdate": "1970-01-01",
                },
            ):
                with self.subTest(wrong=wrong, known=identity["last_name"]):
                    response = self.refer(prison_number="", **identity, **wrong)
                    self.assertEqual(response.status_code, 200)
                    answers.append(
                        re.findall(r"o_siao_portal_error[^>]*>([^<]*)<", response.text)
                    )
            self.assertTrue(answers[0])
            self.assertEqual(answers[0], answers[1])
        self.assertEqual(self.env["siao.detainee"].search_count([]), before)
        self.assertFalse(known.activity_ids)

    def test_a_referral_changes_nothing_of_a_known_file(self):
        known = self.of_colleague
        known.write({"birthdate": date(1985, 5, 5), "consent_date": False})
        response = self.refer(
            last_name=known.last_name,
            first_name=known.first_name,
            birthdate="1985-05-05",
            prison_number="",
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertFalse(known.consent_date)
        self.assertEqual(known.spip_referent_id, self.colleague.partner_id)
        self.assertIn("dossier connu", known.activity_ids[0].summary)

    # ---- The release list ----
    def upload(self, login, rows, csrf=True, headers=None):
        self.authenticate(login, login)
        form = self.url_open("/my/siao/release-list", allow_redirects=False)
        if form.status_code != 200:
            return form
        data = {}
        if csrf:
            data["csrf_token"] = re.search(
                r'name="csrf_token" value="([^"]+)"', form.text
            ).group(1)
        content = "\n".join((headers or LIST_HEADERS, *rows)) + "\n"
        return self.url_open(
            "/my/siao/release-list",
            data=data,
            files={"upload": ("liste.csv", content.encode(), "text/csv")},
            allow_redirects=False,
        )

    def test_the_release_list_is_imported_as_in_the_back_office(self):
        prison = self.prison.name
        known = self.followed
        known.write({"prison_number": "68K001", "birthdate": date(1980, 1, 1)})
        release = self.today + timedelta(days=90)
        response = self.upload(
            "cpip_muller",
            [
                f"Suivi;{known.first_name};01/01/1980;{prison};68K001;"
                f"{release:%d/%m/%Y}",
                f"Listée;Amina;03/03/1993;{prison};68L002;{release:%d/%m/%Y}",
            ],
        )
        self.assertEqual(response.status_code, 200)
        count = re.search(r"o_siao_portal_import_count[^>]*>(\d+)<", response.text)
        self.assertEqual(count.group(1), "2", response.text[-3000:])
        self.assertEqual(known.expected_release_date, release)
        new = self.env["siao.detainee"].search([("last_name", "=", "Listée")])
        self.assertEqual(len(new), 1)
        self.assertEqual(new.spip_referent_id, self.officer.partner_id)
        self.assertEqual(new.company_id, self.company)
        self.assertTrue(new.user_id and not new.user_id.share)
        self.assertNotIn(self.officer.partner_id, new.message_partner_ids)

    def test_a_wrong_row_records_nothing_and_is_named_by_its_number(self):
        before = self.env["siao.detainee"].search_count([])
        response = self.upload(
            "cpip_muller",
            [
                f"Bon;Jean;01/01/1990;{self.prison.name};68B001;01/06/2027",
                "Mauvais;Jean;01/01/1990;Prison inconnue;68B002;01/06/2027",
            ],
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_siao_portal_import_errors", response.text)
        self.assertIn("Prison inconnue", response.text)
        self.assertEqual(self.env["siao.detainee"].search_count([]), before)
        response = self.upload("cpip_muller", ["pas;une;liste"])
        self.assertIn("o_siao_portal_error", response.text)
        self.assertEqual(self.env["siao.detainee"].search_count([]), before)

    def test_the_list_changes_and_says_nothing_of_a_file_the_officer_may_not_see(
        self,
    ):
        """The rule: a row that is a file the portal does not show the officer
        (by prison number or identity) changes nothing of it, and the officer's
        answer is the one a new person's row gets."""
        release = self.today + timedelta(days=200)
        prison = self.prison.name
        for index, hidden in enumerate(self.hidden - self.archived):
            number = f"68H00{index}"
            hidden.write({"prison_number": number, "birthdate": date(1970, 2, 2)})
            before = hidden.read(["expected_release_date", "consent_scope"])
            for row in (
                f"Autre{index};Nom;01/01/1960;{prison};{number};{release:%d/%m/%Y}",
                f"{hidden.last_name};{hidden.first_name};02/02/1970;{prison};"
                f"68X00{index};{release:%d/%m/%Y}",
            ):
                with self.subTest(person=hidden.last_name, row=row):
                    response = self.upload("cpip_muller", [row])
                    fresh = self.upload(
                        "cpip_muller",
                        [f"Neuf{index};Jean;01/01/1991;{prison};;{release:%d/%m/%Y}"],
                    )
                    self.assertEqual(
                        self.answer(response), self.answer(fresh), response.text[-2000:]
                    )
                    self.assertEqual(
                        hidden.read(["expected_release_date", "consent_scope"]),
                        before,
                    )
                    self.assertNotIn(hidden.last_name.upper(), response.text.upper())
            # A row repeated: refused alike, whether it is a hidden file or not.
            row = f"Autre{index};Nom;01/01/1960;{prison};{number};"
            new = f"Double{index};Jean;01/01/1992;{prison};68D00{index};"
            doubled = self.upload("cpip_muller", [row, row])
            self.assertIn("o_siao_portal_import_errors", doubled.text)
            self.assertEqual(
                self.answer(doubled),
                self.answer(self.upload("cpip_muller", [new, new])),
            )
            self.assertIn("à vérifier", " ".join(hidden.activity_ids.mapped("summary")))
            self.assertIn(
                self.officer.name, " ".join(hidden.message_ids.mapped("body"))
            )
        # No second file for any of them.
        for hidden in self.hidden - self.archived:
            self.assertEqual(
                self.env["siao.detainee"].search_count(
                    [("last_name", "=", hidden.last_name)]
                ),
                1,
            )

    def answer(self, response):
        """What the officer is told of an upload, the figures aside."""
        found = re.findall(
            r'class="alert ([^"]*)"[^>]*>(.*?)</div>', response.text, re.S
        )
        return [(css, re.sub(r"\d+", "N", text)) for css, text in found]

    def test_a_wrong_row_is_refused_alike_for_a_hidden_file_or_not(self):
        hidden = self.of_stranger
        hidden.write({"prison_number": "68W001", "birthdate": date(1970, 2, 2)})
        headers = LIST_HEADERS + ";Date d'incarcération"
        prison = self.prison.name
        for number, dates in (
            ("68V00", "01/01/2027;01/06/2027"),  # released before coming in
            ("X" * 2000, "01/06/2027;01/01/2027"),  # a number no file may have
        ):
            answers = []
            for index, row in enumerate(
                (
                    f"{hidden.last_name};{hidden.first_name};02/02/1970;{prison}",
                    f"Personne;Autre;03/03/1973;{prison}",
                )
            ):
                with self.subTest(number=number[:6], row=index):
                    response = self.upload(
                        "cpip_muller",
                        [f"{row};{number}{index};{dates}"],
                        headers=headers,
                    )
                    self.assertIn("o_siao_portal_import_errors", response.text)
                    answers.append(self.answer(response))
            self.assertEqual(answers[0], answers[1])
        self.assertFalse(hidden.activity_ids)
        self.assertEqual(hidden.prison_number, "68W001")

    def test_the_list_reads_only_the_sample_columns(self):
        before = self.followed.read(["consent_scope", "user_id", "confidential"])
        for headers, row in (
            (LIST_HEADERS + ";Consentement", f"Suivi;;;{self.prison.name};;;"),
            (LIST_HEADERS + ";Référent", f"Suivi;;;{self.prison.name};;;x"),
            ("ID;Nom;Établissement", f"{self.followed.id};Suivi;{self.prison.name}"),
        ):
            with self.subTest(headers=headers):
                response = self.upload("cpip_muller", [row], headers=headers)
                self.assertIn("o_siao_portal_error", response.text)
        self.assertEqual(
            self.followed.read(["consent_scope", "user_id", "confidential"]), before
        )

    def test_the_sample_list_is_read_whole(self):
        path = "siao_justice/static/import/liste_spip_exemple.csv"
        with file_open(path, "rb") as handle:
            content = handle.read().decode()
        headers, *rows = content.strip().splitlines()
        prisons = {row.split(";")[3] for row in rows}
        Partner = self.env["res.partner"]
        for name in prisons:
            if not Partner.search_count([("name", "=", name)]):  # demo data or not
                Partner.create(
                    {"name": name, "is_company": True, "siao_partner_type": "prison"}
                )
        response = self.upload("cpip_muller", rows, headers=headers)
        count = re.search(r"o_siao_portal_import_count[^>]*>(\d+)<", response.text)
        self.assertTrue(count, response.text[-3000:])
        self.assertEqual(int(count.group(1)), len(rows))
        dupont = self.env["siao.detainee"].search([("last_name", "=", "DUPONT")])
        self.assertEqual(dupont.prison_number, "68L31001")
        self.assertEqual(dupont.sentence_end_date, date(2027, 9, 1))

    def test_only_spip_staff_may_upload_a_list(self):
        for login in (None, "siao_portal"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                response = self.url_open("/my/siao/release-list", allow_redirects=False)
                self.assertIn(response.status_code, (302, 303, 404))
        before = self.env["siao.detainee"].search_count([])
        with mute_logger("odoo.http"):
            response = self.upload(
                "cpip_muller",
                [f"Sans;Jeton;01/01/1990;{self.prison.name};68J001;"],
                csrf=False,
            )
        self.assertEqual(response.status_code, 400)
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

    def test_a_former_officer_reads_nothing_of_the_exchange(self):
        """The rule: a portal user reads an exchange's messages only while they
        may use it, by every mail route and RPC call Odoo offers a portal user."""
        exchange, token = self.exchange_of("cpip_muller", self.followed)
        self.post(exchange, token, "Message avant la relève")
        exchange.with_user(self.worker).message_post(
            body="Réponse du référent",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("convocation.txt", b"Convocation")],
        )
        messages = exchange.message_ids
        self.assertTrue(messages)
        # The link the officer's chatter gives to the file (with its token).
        attachment = messages.attachment_ids
        link = f"/web/content/{attachment.id}?access_token="
        link += attachment.generate_access_token()[0]
        self.assertEqual(self.page("cpip_muller", link).status_code, 200)
        # The person now has another CPIP as SPIP referent.
        self.followed.spip_referent_id = self.colleague.partner_id
        self.assertNotIn(self.officer.partner_id, exchange.message_partner_ids)
        self.authenticate("cpip_muller", "cpip_muller")
        calls = []
        for token_given in ({"token": token}, {}):
            calls += [
                ("/mail/chatter_fetch", {"thread_id": exchange.id, **token_given}),
                (
                    "/mail/thread/data",
                    {
                        "thread_id": exchange.id,
                        "request_list": ["attachments", "followers"],
                        **token_given,
                    },
                ),
                ("/mail/thread/messages", {"thread_id": exchange.id}),
            ]
        for method, args, kwargs in (
            ("search_read", [[("id", "in", messages.ids)]], {"fields": ["body"]}),
            ("read", [messages.ids], {"fields": ["body"]}),
        ):
            calls.append(
                (
                    "/web/dataset/call_kw",
                    {
                        "model": "mail.message",
                        "method": method,
                        "args": args,
                        "kwargs": kwargs,
                    },
                )
            )
        seen, refused = [], []
        with mute_logger("odoo.http"):
            for route, params in calls:
                if route.startswith("/mail/"):
                    params = dict(params, thread_model="siao.spip.exchange")
                try:
                    seen.append(str(self.make_jsonrpc_request(route, params)))
                except REFUSED as error:
                    refused.append((route, error))
            self.assertRefused(self.post, exchange, token, "Encore là")
        # Some routes refuse, the others answer with nothing of the thread.
        self.assertTrue(refused)
        self.assertEqual(len(seen) + len(refused), len(calls))
        for answer in seen:
            self.assertNotIn("avant la relève", answer)
            self.assertNotIn("Réponse du référent", answer)
        self.assertEqual(
            self.env["mail.message"]
            .with_user(self.officer)
            .search_count([("model", "=", "siao.spip.exchange")]),
            0,
        )
        with mute_logger("odoo.http"):
            self.assertIn(self.page("cpip_muller", link).status_code, (403, 404))
        # Their former exchange no longer notifies them.
        exchange.with_user(self.worker).message_post(
            body="Après la relève",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertNotIn(
            self.officer.partner_id,
            exchange.message_ids[0].notification_ids.res_partner_id,
        )

    def test_the_officer_is_given_no_internal_attachment(self):
        exchange, token = self.exchange_of("cpip_muller", self.followed)
        exchange.with_user(self.worker).message_post(
            body="Note interne",
            subtype_xmlid="mail.mt_note",
            attachments=[("rapport-interne.txt", b"Rapport interne")],
        )
        self.authenticate("cpip_muller", "cpip_muller")
        data = str(
            self.make_jsonrpc_request(
                "/mail/thread/data",
                {
                    "thread_model": "siao.spip.exchange",
                    "thread_id": exchange.id,
                    "request_list": ["attachments", "followers", "scheduledMessages"],
                    "token": token,
                },
            )
        )
        self.assertIn(self.worker.partner_id.name, data)  # the followers, given
        self.assertNotIn("rapport-interne", data)
        self.assertNotIn("rapport-interne", str(self.fetch(exchange, token)))

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
        # The judge reads the person's name.
        self.assertIn(self.followed.name, response.text)
        self.assertNotIn("Dossier confidentiel", response.text)
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
        place = self.create_place(structure, "Lilas 1", self.today)
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
            expected_release_date=cls.today + timedelta(days=40),
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

    def test_the_attestation_states_only_a_solution_the_user_may_read(self):
        person = self.confidential
        person.write(
            {
                "expected_release_date": self.today + timedelta(days=30),
                "consent_date": date(2026, 9, 1),
                "consent_scope": "siao",
            }
        )
        admit(self, person)
        self.env["siao.avdl.measure"].create(
            {"detainee_id": person.id, "user_id": self.worker_2.id}
        )
        Report = self.env["ir.actions.report"]
        printed = {}
        for user in (self.worker, self.worker_2, self.manager):
            self.assertTrue(person.with_user(user).has_access("read"))
            try:
                html = Report.with_user(user)._render_qweb_html(
                    "siao_justice.action_report_housing_attestation", person.ids
                )[0]
            except UserError:
                html = b""
            printed[user] = b"CHRS Les Tilleuls" in html
            request = person.sudo().request_ids
            self.assertEqual(
                printed[user], request.with_user(user).has_access("read"), user.login
            )
        # The AVDL worker reads the file, not its request: nothing of the place.
        self.assertEqual(
            printed, {self.worker: True, self.worker_2: False, self.manager: True}
        )
