import re
from datetime import date, timedelta

import requests

from odoo.exceptions import AccessDenied, AccessError, UserError
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


@tagged("post_install", "-at_install", "siao_portal")
class TestSpipPortalExchanges(SpipPortalCase):
    """The SPIP's side, continued: the release list, the messages with the
    referent, the attestation for the judge and the liaison sheet."""

    # ---- Every route, every kind of visitor ----
    def self_made_account(self):
        """A portal account a plain employee made with Odoo's portal wizard for a
        SPIP contact of their own, referent of the followed person."""
        self.internal.groups_id = [(4, self.env.ref("base.group_partner_manager").id)]
        contact = self.env["res.partner"].create(
            {
                "name": "Compte maison",
                "parent_id": self.spip.id,
                "siao_spip_role": "social_worker",
                "email": "maison@example.com",
            }
        )
        wizard = (
            self.env["portal.wizard"]
            .with_user(self.internal)
            .create({"partner_ids": [(6, 0, contact.ids)]})
        )
        wizard.user_ids.action_grant_access()
        contact.user_ids.write({"login": "maison", "password": "maison"})
        self.company.siao_portal_spip_service = True
        return contact.user_ids

    def test_every_route_answers_each_kind_of_visitor(self):
        admit(self, self.followed)
        self.self_made_account()
        person_routes = ("/my/siao/{}", "/my/siao/{}/attestation")
        spip_routes = ("/my/siao", "/my/siao/referral", "/my/siao/release-list")
        visitors = (
            "cpip_muller",  # the officer
            "cpip_weber",  # an officer of the same SPIP, not the referent
            "cpip_bas_rhin",  # another SPIP's officer
            "siao_portal",  # a portal user outside any SPIP
            "maison",  # an account a plain employee made for themself
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
                    elif login in ("siao_portal", "maison") and url != "/my/siao":
                        self.assertEqual(response.status_code, 404)
                    else:
                        self.assertEqual(response.status_code, 200)
                        shown = response.text.upper()
                        self.assertNotIn(self.without_consent.name.upper(), shown)
                        if login != "cpip_muller":
                            self.assertNotIn(self.followed.name.upper(), shown)

    # ---- The referral: a proposal, answered alike ----
    def proposals(self):
        return self.env["siao.spip.proposal"].search([], order="id")

    def test_a_prison_number_of_another_person_reveals_nothing(self):
        zorgnac = self.create_person(last_name="Zorgnac", prison_number="68N001")
        before, proposals = self.env["siao.detainee"].search_count([]), self.proposals()
        taken = self.refer(prison_number="68N001")
        free = self.refer(last_name="Autre", prison_number="68N999")
        # The officer's answer is the same whether the number was free or not.
        self.assertEqual(
            (taken.status_code, taken.headers.get("Location")),
            (free.status_code, free.headers.get("Location")),
        )
        self.assertIn(taken.status_code, (302, 303))
        self.assertEqual(self.env["siao.detainee"].search_count([]), before)
        self.assertEqual(zorgnac.prison_number, "68N001")
        self.assertFalse(zorgnac.message_ids.filtered(lambda m: "SPIP" in m.body))
        # The coordinators see the file the number belongs to, beside the row.
        # The coordinators see which file holds the number: the proposal is not
        # set on it (accepting it would rename another person's file).
        sent = self.proposals() - proposals
        self.assertFalse(sent.detainee_id)
        self.assertEqual(sent.number_elsewhere_id, zorgnac)
        self.assertEqual(set(sent.mapped("prison_number")), {"68N999", "68N001"})

    def test_a_wrong_referral_is_refused_alike_for_a_known_person_or_not(self):
        known = self.of_colleague
        known.birthdate = date(1985, 5, 5)
        tomorrow = (self.today + timedelta(days=1)).isoformat()
        before, proposals = self.env["siao.detainee"].search_count([]), self.proposals()
        other_company_prison = self.env["res.partner"].create(
            {
                "name": "Maison d'arrêt d'ailleurs",
                "is_company": True,
                "siao_partner_type": "prison",
                "company_id": self.company_b.id,
            }
        )
        for wrong in (
            {"consent_date": tomorrow},
            {"expected_release_date": "2020-01-01"},  # before the incarceration
            {"legal_status": "xyz"},
            {"prison_id": str(other_company_prison.id)},
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
        self.assertEqual(self.proposals(), proposals)
        self.assertFalse(known.activity_ids)

    def test_the_referral_form_lists_the_prisons_of_the_officers_company(self):
        elsewhere = self.env["res.partner"].create(
            {
                "name": "Centre de détention d'une autre compagnie",
                "is_company": True,
                "siao_partner_type": "prison",
                "company_id": self.company_b.id,
            }
        )
        form = self.page("cpip_muller", "/my/siao/referral").text
        self.assertIn(self.prison.name.replace("'", "&#39;"), form)
        self.assertNotIn("autre compagnie", form)
        self.assertTrue(elsewhere)

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
        self.assertFalse(known.activity_ids)
        proposal = self.proposals()[-1:]
        self.assertEqual(proposal.detainee_id, known)
        self.assertIn(self.manager, proposal.activity_ids.user_id)

    # ---- The release list ----
    def upload(self, login, rows, csrf=True, headers=None, name="liste.csv"):
        return self.upload_bytes(
            login,
            ("\n".join((headers or LIST_HEADERS, *rows)) + "\n").encode(),
            csrf=csrf,
            name=name,
        )

    def upload_bytes(self, login, content, csrf=True, name="liste.csv"):
        self.authenticate(login, login)
        form = self.url_open("/my/siao/release-list", allow_redirects=False)
        if form.status_code != 200:
            return form
        data = {}
        if csrf:
            data["csrf_token"] = re.search(
                r'name="csrf_token" value="([^"]+)"', form.text
            ).group(1)
        return self.url_open(
            "/my/siao/release-list",
            data=data,
            files={"upload": (name, content, "text/csv")},
            allow_redirects=False,
        )

    def figures(self, response):
        """The figures of an upload's answer: {name: number}."""
        return {
            name: int(value)
            for name, value in re.findall(
                r"o_siao_portal_import_(rows|updated|unchanged|proposed)"
                r"[^>]*>(\d+)<",
                response.text,
            )
        }

    def test_a_followed_persons_release_date_is_updated_under_the_officers_name(
        self,
    ):
        prison = self.prison.name
        known = self.followed
        known.write({"prison_number": "68K001", "birthdate": date(1980, 1, 1)})
        release = self.today + timedelta(days=90)
        persons, proposals = (
            self.env["siao.detainee"].search_count([]),
            self.proposals(),
        )
        response = self.upload(
            "cpip_muller",
            [
                f"Suivi;{known.first_name};01/01/1980;{prison};68K001;"
                f"{release:%d/%m/%Y}",
                f"Listée;Amina;03/03/1993;{prison};68L002;{release:%d/%m/%Y}",
            ],
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.figures(response),
            {"rows": 2, "updated": 1, "unchanged": 0, "proposed": 1},
            response.text[-3000:],
        )
        self.assertEqual(known.expected_release_date, release)
        tracked = known.message_ids.filtered("tracking_value_ids")[:1]
        self.assertEqual(tracked.author_id, self.officer.partner_id)
        # The other row is a proposal: no file is created by a list.
        self.assertEqual(self.env["siao.detainee"].search_count([]), persons)
        proposal = self.proposals() - proposals
        self.assertEqual(
            (proposal.kind, proposal.last_name, proposal.upload),
            ("list_row", "Listée", "liste.csv"),
        )
        proposal.with_user(self.manager).action_accept()
        new = proposal.detainee_id
        self.assertEqual(
            (new.spip_referent_id, new.company_id, new.prison_number),
            (self.officer.partner_id, self.company, "68L002"),
        )
        self.assertNotIn(self.officer.partner_id, new.message_partner_ids)
        # The same list again: nothing to change for the person followed.
        response = self.upload(
            "cpip_muller",
            [f"Suivi;{known.first_name};01/01/1980;{prison};68K001;{release:%d/%m/%Y}"],
        )
        self.assertEqual(
            self.figures(response),
            {"rows": 1, "updated": 0, "unchanged": 1, "proposed": 0},
        )

    def officer_view(self, login="cpip_muller"):
        """Everything the officer can look at: their list, each person's page,
        the counters of their portal home."""
        self.authenticate(login, login)
        pages = [self.url_open("/my/siao").text, self.url_open("/my").text]
        pages += [
            self.url_open(f"/my/siao/{person.id}").text for person in self.followed
        ]
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["siao_person_count"]}
        )
        return [self.neutral(page) for page in pages], counters

    @staticmethod
    def neutral(page):
        """A page without what changes on every request (tokens)."""
        page = re.sub(r'(csrf_token|data-token)[^"]*"[^"]*"', r"\1", page)
        return re.sub(r'csrf_token: "[^"]*"', "", page)

    def answer(self, response):
        """What the officer is told of an upload."""
        found = re.findall(
            r'class="alert ([^"]*)"[^>]*>(.*?)</div>', response.text, re.S
        )
        return [(css, re.sub(r"\s+", " ", text)) for css, text in found]

    def test_a_list_row_never_changes_a_file_and_answers_alike(self):
        """The rule: a row that is not a person the officer follows (the same
        prison number and identity) changes nothing of any file and is answered
        as a new person's row is, whatever file it would be (confidential,
        another officer's or SPIP's, without consent, pending, archived, a
        followed person's number under another identity) or none; everything
        the officer can look at afterwards is the same."""
        release = self.today + timedelta(days=200)
        prison = self.prison.name
        self.followed.write({"prison_number": "68F000"})
        pending = self.create_person(
            last_name="Enattente", referral_to_confirm=True, **self.shared()
        )
        kinds = {hidden.last_name: hidden for hidden in self.hidden | pending}
        baseline_view = self.officer_view()
        watched = ["last_name", "first_name", "birthdate", "prison_number"]
        watched += ["prison_id", "expected_release_date", "consent_scope", "state"]
        rows = {"Aucun": f"Aucun;Jean;01/01/1991;{prison};68Z999;{release:%d/%m/%Y}"}
        rows["Autre identité"] = f"Inconnu;Nom;01/01/1960;{prison};68F000;"
        for index, (name, hidden) in enumerate(kinds.items()):
            number = f"68H00{index}"
            hidden.sudo().write(
                {"prison_number": number, "birthdate": date(1970, 2, 2)}
            )
            rows[f"{name} par son numéro"] = (
                f"Inconnu{index};Nom;01/01/1960;{prison};{number};{release:%d/%m/%Y}"
            )
            rows[f"{name} par son identité"] = (
                f"{hidden.last_name};{hidden.first_name};02/02/1970;{prison};"
                f"68X00{index};{release:%d/%m/%Y}"
            )
        before = {
            person: person.sudo().read(watched)
            for person in (*kinds.values(), self.followed)
        }
        self.env.flush_all()
        self.env.cr.precommit.run()  # the tracking of the test's own writes
        last_message = self.env["mail.message"].search([], order="id desc", limit=1).id
        answers = {}
        for name, row in rows.items():
            with self.subTest(row=name):
                response = self.upload("cpip_muller", [row])
                self.assertEqual(response.status_code, 200)
                answers[name] = self.answer(response)
                self.assertEqual(
                    self.figures(response),
                    {"rows": 1, "updated": 0, "unchanged": 0, "proposed": 1},
                )
                self.assertEqual(self.officer_view(), baseline_view)
                for hidden in kinds.values():
                    self.assertNotIn(hidden.last_name.upper(), response.text.upper())
        self.assertEqual(len({repr(answer) for answer in answers.values()}), 1)
        for person, values in before.items():
            self.assertEqual(person.sudo().read(watched), values, person.last_name)
            self.assertFalse(person.sudo().activity_ids, person.last_name)
        # Nothing was written in any file's chatter: only the proposals' own.
        written = self.env["mail.message"].search([("id", ">", last_message)])
        on_files = written.filtered(lambda m: m.model == "siao.detainee")
        self.assertFalse(on_files, on_files.mapped("body"))

    def shared(self):
        return {"consent_date": date(2026, 9, 1), "consent_scope": "siao_spip"}

    def test_a_wrong_row_records_nothing_and_is_named_by_its_number(self):
        before, proposals = self.env["siao.detainee"].search_count([]), self.proposals()
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
        self.assertRegex(response.text, r"(Ligne|Row) 2")
        response = self.upload("cpip_muller", ["pas;une;liste"])
        self.assertRegex(response.text, "o_siao_portal_(error|import_errors)")
        self.assertEqual(self.env["siao.detainee"].search_count([]), before)
        self.assertEqual(self.proposals(), proposals)

    def test_a_wrong_row_is_refused_alike_for_a_hidden_file_or_not(self):
        hidden = self.of_stranger
        hidden.write({"prison_number": "68W001", "birthdate": date(1970, 2, 2)})
        headers = LIST_HEADERS + ";Date d'incarcération"
        prison = self.prison.name
        for number, dates in (
            ("68V00", "01/01/2027;01/06/2027"),  # released before coming in
            ("X" * 300, "01/06/2027;01/01/2027"),  # a number no file may have
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
            (LIST_HEADERS + ";CPIP", f"Suivi;;;{self.prison.name};;;x"),
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
            content = handle.read()
        rows = content.decode().strip().splitlines()[1:]
        Partner = self.env["res.partner"]
        for name in {row.split(";")[3] for row in rows}:
            if not Partner.search_count([("name", "=", name)]):  # demo data or not
                Partner.create(
                    {"name": name, "is_company": True, "siao_partner_type": "prison"}
                )
        proposals = self.proposals()
        response = self.upload_bytes("cpip_muller", content)
        self.assertEqual(
            self.figures(response),
            {"rows": len(rows), "updated": 0, "unchanged": 0, "proposed": len(rows)},
            response.text[-3000:],
        )
        dupont = (self.proposals() - proposals).filtered(
            lambda p: p.last_name == "DUPONT"
        )
        dupont.with_user(self.manager).action_accept()
        self.assertEqual(dupont.detainee_id.prison_number, "68L31001")
        self.assertEqual(dupont.detainee_id.sentence_end_date, date(2027, 9, 1))

    def test_hostile_uploads_are_refused_and_record_nothing(self):
        before, proposals = self.env["siao.detainee"].search_count([]), self.proposals()
        prison = self.prison.name
        row = f"Dupuis;Jean;01/01/1990;{prison};68C001;"
        for label, kwargs, expected in (
            ("an xlsx archive", {"content": b"PK\x03\x04\x14\x00\x00"}, "CSV"),
            ("a list not named .csv", {"name": "liste.xlsx"}, "CSV"),
            ("a NUL byte", {"content": b"Nom;Prenom\x00\n"}, "CSV"),
            ("a formula", {"rows": [f"=1+1;Jean;01/01/1990;{prison};68C001;"]}, "="),
            ("a formula (+)", {"rows": [f"Dupuis;+SUM(1);;{prison};68C001;"]}, "="),
            ("a formula (@)", {"rows": [f"Dupuis;Jean;;{prison};@68C001;"]}, "="),
            (
                "a control character",
                {"rows": [f"Dup\x07uis;Jean;;{prison};;"]},
                "contr",
            ),
            ("a long cell", {"rows": ["D" * 300 + f";Jean;;{prison};;"]}, "200"),
            ("too many rows", {"rows": [row] * 5001}, "5000"),
        ):
            with self.subTest(label):
                if "content" in kwargs:
                    response = self.upload_bytes(
                        "cpip_muller",
                        kwargs["content"],
                        name=kwargs.get("name", "liste.csv"),
                    )
                else:
                    response = self.upload(
                        "cpip_muller",
                        kwargs.get("rows", [row]),
                        name=kwargs.get("name", "liste.csv"),
                    )
                self.assertEqual(response.status_code, 200)
                self.assertRegex(response.text, "o_siao_portal_(error|import_errors)")
                self.assertIn(expected, response.text)
        self.assertEqual(self.env["siao.detainee"].search_count([]), before)
        self.assertEqual(self.proposals(), proposals)

    def test_a_list_too_large_is_refused_before_it_is_read(self):
        """The size is announced first: the answer comes before the body, which
        is never read (the connection sends none)."""
        import http.client

        from ..models.siao_spip_proposal import LIST_MAX_BYTES

        self.authenticate("cpip_muller", "cpip_muller")
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.http_port(), timeout=30
        )
        connection.putrequest("POST", "/my/siao/release-list")
        connection.putheader("Cookie", f"session_id={self.session.sid}")
        connection.putheader(
            "Content-Type", "multipart/form-data; boundary=siao-boundary"
        )
        connection.putheader("Content-Length", str(LIST_MAX_BYTES * 3))
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        self.assertEqual(response.status, 413)
        self.assertIn("o_siao_portal_error", body)
        self.assertIn(str(LIST_MAX_BYTES // 2**20), body)

    def test_proposals_are_bounded_per_list_and_per_day(self):
        from unittest.mock import patch

        prison = self.prison.name
        rows = [f"Borne{n};Jean;01/01/1990;{prison};68Q{n:03d};" for n in range(6)]
        module = "odoo.addons.siao_justice.models"
        proposals = self.proposals()

        def proposed(login, rows):
            return self.figures(self.upload(login, rows))["proposed"]

        with patch(f"{module}.siao_spip_proposal.PROPOSALS_PER_UPLOAD", 5):
            response = self.upload("cpip_muller", rows)
        self.assertIn("o_siao_portal_error", response.text, self.answer(response))
        self.assertEqual(self.proposals(), proposals)
        with patch(f"{module}.siao_spip_access.PROPOSALS_PER_DAY", 7):
            self.assertEqual(proposed("cpip_muller", rows[:4]), 4)
            self.assertIn(self.refer().status_code, (302, 303))
            self.assertEqual(proposed("cpip_muller", rows[4:6]), 2)
            refused = self.upload("cpip_muller", [f"Borne9;Jean;;{prison};68Q999;"])
            self.assertIn("o_siao_portal_error", refused.text)
            # Another officer's day is their own.
            self.assertEqual(proposed("cpip_weber", [f"Autre;Jean;;{prison};;"]), 1)
        self.assertEqual(len(self.proposals() - proposals), 8)

    def test_only_spip_staff_may_upload_a_list(self):
        for login in (None, "siao_portal"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                response = self.url_open("/my/siao/release-list", allow_redirects=False)
                self.assertIn(response.status_code, (302, 303, 404))
        proposals = self.proposals()
        with mute_logger("odoo.http"):
            response = self.upload(
                "cpip_muller",
                [f"Sans;Jeton;01/01/1990;{self.prison.name};68J001;"],
                csrf=False,
            )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.proposals(), proposals)

    # ---- The coordinators' decision ----
    def test_an_accepted_row_moves_a_file_as_a_transfer_or_a_new_stay(self):
        other_prison = self.env["res.partner"].create(
            {"name": "Centre de détention de test", "siao_partner_type": "prison"}
        )
        detained = self.create_person(last_name="Transfere", prison_number="68T001")
        released = self.create_person(last_name="Revenu", prison_number="68R001")
        released.action_record_release(self.today - timedelta(days=30), "family")
        access = self.env["siao.spip.access"]._access_of(self.officer)
        for person, number in ((detained, "CD0001"), (released, "CD0002")):
            proposal = self.env["siao.spip.proposal"].create(
                {
                    "kind": "list_row",
                    "access_id": access.id,
                    "company_id": self.company.id,
                    "last_name": person.last_name,
                    "prison_id": other_prison.id,
                    "prison_number": number,
                    "detainee_id": person.id,
                }
            )
            proposal.with_user(self.manager).action_accept()
            self.assertEqual(
                (person.prison_id, person.prison_number), (other_prison, number)
            )
        self.assertEqual(len(detained.stay_ids), 1)
        self.assertTrue(detained.stay_ids.transfer_ids)
        self.assertEqual(len(released.stay_ids), 2)
        self.assertEqual(released.state, "detained")

    def test_the_spip_service_is_whoever_holds_its_access(self):
        """A SPIP social worker sees the files of the SPIP's staff, as the
        coordinators recorded them: a contact anyone moves under the SPIP adds
        nothing."""
        self.company.siao_portal_spip_service = True
        stray = self.env["res.partner"].create({"name": "Contact quelconque"})
        moved = self.create_person(
            last_name="Deplace", spip_referent_id=stray.id, **self.shared()
        )
        stray.parent_id = self.spip
        for person, status in ((self.followed, 200), (moved, 404)):
            with self.subTest(person=person.last_name):
                page = self.page("as_spip_klein", f"/my/siao/{person.id}")
                self.assertEqual(page.status_code, status)

    def test_odd_files_and_fields_are_refused_with_a_clear_answer(self):
        prison = self.prison.name
        proposals = self.proposals()
        for label, content in (
            ("a cell over the csv module's limit", b"Nom;" + b"x" * 140000 + b"\n"),
            ("bytes of no text", LIST_HEADERS.encode("cp1252") + b"\n\x81\x8d;;;\n"),
        ):
            with self.subTest(label):
                response = self.upload_bytes("cpip_muller", content)
                self.assertEqual(response.status_code, 200)
        old = self.upload_bytes(
            "cpip_muller", f"{LIST_HEADERS}\rDupond;Jean;;{prison};;\r".encode()
        )
        self.assertEqual(self.figures(old)["proposed"], 1)
        # A form's field sent where the file should be.
        self.authenticate("cpip_muller", "cpip_muller")
        form = self.url_open("/my/siao/release-list")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        response = self.url_open(
            "/my/siao/release-list", data={"csrf_token": token, "upload": "texte"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_siao_portal_error", response.text)
        # A number written with other digits, a name of file as a formula.
        self.assertEqual(self.refer(sentence_months="²").status_code, 200)
        named = self.upload("cpip_muller", [f"Dupond;Jean;;{prison};;"], name="=x.csv")
        self.assertIn("o_siao_portal_error", named.text)
        self.assertEqual(len(self.proposals() - proposals), 1)

    def test_a_referral_may_say_its_needs_on_several_lines(self):
        response = self.refer(needs="Chien\r\nRez-de-chaussée\r\nSuivi addictologie")
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(
            self.proposals()[-1:].needs, "Chien\nRez-de-chaussée\nSuivi addictologie"
        )

    def test_an_establishment_elsewhere_is_answered_as_none(self):
        elsewhere = self.env["res.partner"].create(
            {
                "name": "Centre de détention lointain",
                "is_company": True,
                "siao_partner_type": "prison",
                "company_id": self.company_b.id,
            }
        )
        answers = [
            self.answer(self.upload("cpip_muller", [f"Dupond;Jean;;{name};;"]))
            for name in (elsewhere.name, "Centre de détention imaginaire")
        ]
        self.assertTrue(answers[0])
        self.assertEqual(
            [re.sub(r"[“«][^”»]*[”»]", "X", str(a)) for a in answers[0]],
            [re.sub(r"[“«][^”»]*[”»]", "X", str(a)) for a in answers[1]],
        )
        # And only a coordinator says which partners are prisons.
        self.internal.groups_id = [(4, self.env.ref("base.group_partner_manager").id)]
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.internal).create(
                {"name": "Prison maison", "siao_partner_type": "prison"}
            )

    def test_a_followed_persons_other_changes_are_proposed(self):
        prison = self.prison.name
        known = self.followed
        known.write(
            {
                "prison_number": "68K001",
                "birthdate": date(1980, 1, 1),
                "sentence_end_date": self.today + timedelta(days=300),
            }
        )
        headers = LIST_HEADERS + ";Situation pénale"
        row = f"Suivi;{known.first_name};01/01/1980;{prison};68K001;"
        response = self.upload("cpip_muller", [row + ";Prévenu"], headers=headers)
        self.assertEqual(self.figures(response)["proposed"], 1)
        proposal = self.proposals()[-1:]
        self.assertEqual(
            (proposal.detainee_id, proposal.legal_status), (known, "remand")
        )
        self.assertEqual(known.legal_status, "convicted")
        # A release date after the end of sentence: refused, named by its row.
        late = (self.today + timedelta(days=400)).strftime("%d/%m/%Y")
        refused = self.upload("cpip_muller", [row + late])
        self.assertIn("o_siao_portal_import_errors", refused.text)
        self.assertNotEqual(known.expected_release_date, self.today + timedelta(400))

    def test_accepting_keeps_the_files_identity_unless_asked(self):
        known = self.of_colleague
        known.write({"prison_number": "68I001", "birthdate": date(1985, 5, 5)})
        access = self.env["siao.spip.access"]._access_of(self.officer)
        proposal = self.env["siao.spip.proposal"].create(
            {
                "kind": "list_row",
                "access_id": access.id,
                "company_id": self.company.id,
                "last_name": "Autrenom",
                "prison_id": self.prison.id,
                "prison_number": "68I001",
                "detainee_id": known.id,
            }
        )
        proposal.with_user(self.manager).action_accept()
        self.assertEqual(known.last_name, "Collegue")
        second = proposal.copy({"state": "pending", "apply_identity": True})
        second.sudo().state = "pending"
        second.with_user(self.manager).action_accept()
        self.assertEqual(known.last_name, "Autrenom")

    def test_the_doors_smaller_hinges(self):
        # An access is one person's.
        access = self.env["siao.spip.access"]._access_of(self.officer)
        with self.assertRaises(UserError):
            access.with_user(self.manager).partner_id = self.colleague.partner_id
        # The page refusing a list too large is not found for whoever may not upload.
        import http.client

        from ..models.siao_spip_proposal import LIST_MAX_BYTES

        self.authenticate("siao_portal", "siao_portal")
        port = int(self.base_url().rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.putrequest("POST", "/my/siao/release-list")
        connection.putheader(
            "Cookie", f"session_id={self.opener.cookies['session_id']}"
        )
        connection.putheader("Content-Type", "multipart/form-data; boundary=b")
        connection.putheader("Content-Length", str(LIST_MAX_BYTES * 3))
        connection.endheaders()
        self.assertEqual(connection.getresponse().status, 404)
        connection.close()
        # A shared tag that files use does not become one company's, nor the reverse.
        tag = self.env["siao.need.tag"].create({"name": "Partagée"})
        self.followed.need_tag_ids = tag
        with self.assertRaises(UserError):
            tag.with_user(self.manager).company_id = self.company
        self.assertFalse(tag.company_id)

    def test_the_list_reads_the_headers_the_back_office_reads(self):
        from ..models.siao_rules import normalise_text
        from ..models.siao_spip_proposal import LIST_HEADERS as PORTAL_HEADERS

        back_office = {
            normalise_text(mapping.column_name): mapping.field_name
            for mapping in self.env["base_import.mapping"].search(
                [("res_model", "=", "siao.detainee")]
            )
        }
        for header, field in PORTAL_HEADERS.items():
            self.assertEqual(back_office.get(header), field, header)

    def test_a_coordinators_access_invites_a_new_account(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Nouvelle CPIP",
                "parent_id": self.spip.id,
                "email": "nouvelle.cpip@spip.example.com",
            }
        )
        access = (
            self.env["siao.spip.access"]
            .with_user(self.manager)
            .create({"partner_id": contact.id, "spip_id": self.spip.id, "role": "cpip"})
        )
        self.assertTrue(access.user_id._is_portal())
        self.assertEqual(access.user_id.partner_id, contact)
        # Archived, the access closes the portal's pages.
        self.assertNotEqual(
            self.env["siao.detainee"]._portal_domain(access.user_id), [(0, "=", 1)]
        )
        access.with_user(self.manager).action_archive()
        self.assertEqual(
            self.env["siao.detainee"]._portal_domain(access.user_id), [(0, "=", 1)]
        )

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


@tagged("post_install", "-at_install", "siao_portal")
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


@tagged("post_install", "-at_install", "siao_portal")
class TestSpipAccessOpensTheAccount(SpipPortalCase):
    """Accounts that logged in before a coordinator's access: on the real clock
    (Odoo's invitation token reads their login dates, which a frozen clock cannot
    compare)."""

    freeze_time = None

    def test_an_account_made_before_the_access_is_opened_afresh(self):
        """An employee makes a portal account for a SPIP contact, with their own
        address, and sets its password; the coordinator's access later opens it
        afresh: the contact's own login, the password and sessions revoked."""
        self.internal.groups_id = [(4, self.env.ref("base.group_partner_manager").id)]
        contact = self.env["res.partner"].create(
            {
                "name": "Vraie CPIP",
                "parent_id": self.spip.id,
                "email": "vraie.cpip@spip.example.com",
            }
        )
        wizard = (
            self.env["portal.wizard"]
            .with_user(self.internal)
            .create({"partner_ids": [(6, 0, contact.ids)]})
        )
        wizard.user_ids.email = "pirate@example.com"
        wizard.user_ids.action_grant_access()
        account = contact.user_ids
        account.password = "pirate"
        self.assertEqual(account.login, "pirate@example.com")
        contact.with_user(self.internal).email = "vraie.cpip@spip.example.com"
        self.authenticate("pirate@example.com", "pirate")
        self.env["siao.spip.access"].with_user(self.manager).create(
            {"partner_id": contact.id, "spip_id": self.spip.id, "role": "cpip"}
        )
        self.assertEqual(account.login, "vraie.cpip@spip.example.com")
        with self.assertRaises(AccessDenied):
            account.with_user(account)._check_credentials(
                {"type": "password", "password": "pirate"}, {"interactive": True}
            )
        # The session opened before is gone.
        response = self.url_open("/my/siao", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))

    def test_who_is_spip_staff_is_the_coordinators_decision(self):
        """A contact anyone may edit grants nothing: an account a plain employee,
        a social worker or a reader makes for a SPIP contact sees no person, and
        none of them can record an access or change an officer's contact."""
        contacts = self.env.ref("base.group_partner_manager")
        (self.internal | self.worker | self.reader).groups_id = [(4, contacts.id)]
        contact = self.env["res.partner"].create(
            {
                "name": "Imposteur",
                "parent_id": self.spip.id,
                "siao_spip_role": "cpip",
                "email": "imposteur@example.com",
            }
        )
        self.followed.spip_referent_id = contact  # the rule's other half, given
        for user in (self.internal, self.worker, self.reader):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["siao.spip.access"].with_user(user).create(
                        {
                            "partner_id": contact.id,
                            "spip_id": self.spip.id,
                            "role": "cpip",
                        }
                    )
                with self.assertRaises(AccessError):
                    self.officer.partner_id.with_user(user).write(
                        {"email": "pirate@example.com"}
                    )
                self.assertNotEqual(self.officer.partner_id.email, "pirate@example.com")
        # The same through the web client's forms (JSON-RPC, as a form saves).
        for user in (self.internal, self.worker, self.reader):
            self.authenticate(user.login, user.login)
            for model, ids, values in (
                ("res.partner", self.officer.partner_id.ids, {"email": "x@pirate.fr"}),
                (
                    "siao.spip.access",
                    [],
                    {"partner_id": contact.id, "spip_id": self.spip.id, "role": "cpip"},
                ),
            ):
                with (
                    self.subTest(user=user.login, model=model, web_form=True),
                    mute_logger("odoo.http"),
                    self.assertRaises(JsonRpcException),
                ):
                    self.make_jsonrpc_request(
                        f"/web/dataset/call_kw/{model}/web_save",
                        {
                            "model": model,
                            "method": "web_save",
                            "args": [ids, values],
                            "kwargs": {"specification": {}},
                        },
                    )
        self.assertNotEqual(self.officer.partner_id.email, "x@pirate.fr")
        self.assertFalse(
            self.env["siao.spip.access"].search_count([("partner_id", "=", contact.id)])
        )
        # Odoo's portal wizard, used by an employee: an account, and nothing of
        # the addon's portal.
        wizard = (
            self.env["portal.wizard"]
            .with_user(self.internal)
            .create({"partner_ids": [(6, 0, contact.ids)]})
        )
        wizard.user_ids.action_grant_access()
        account = contact.user_ids
        self.assertTrue(account._is_portal())
        account.password = "imposteur"
        self.assertEqual(
            self.env["siao.detainee"]._portal_domain(account),
            [(0, "=", 1)],
        )
        self.authenticate(account.login, "imposteur")
        self.assertNotIn(
            self.followed.name.upper(), self.url_open("/my/siao").text.upper()
        )
        for url in (f"/my/siao/{self.followed.id}", "/my/siao/referral"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        # The officer's contact stays theirs (a web form writes the same way).
        with self.assertRaises(AccessError):
            self.officer.partner_id.with_user(self.worker).write({"parent_id": False})
        self.assertEqual(self.officer.partner_id.parent_id, self.spip)
        # A coordinator records the access: the portal shows the person.
        self.env["siao.spip.access"].with_user(self.manager).create(
            {"partner_id": contact.id, "spip_id": self.spip.id, "role": "cpip"}
        )
        self.assertEqual(self.url_open(f"/my/siao/{self.followed.id}").status_code, 200)
