import re
from datetime import date, datetime, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import SiaoCase


class SpipPortalCase(HttpCase, SiaoCase):
    """SPIP officers with portal accounts, and the persons they follow or not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.spip = Partner.create(
            {
                "name": "SPIP du Haut-Rhin",
                "is_company": True,
                "siao_partner_type": "spip",
            }
        )
        cls.other_spip = Partner.create(
            {
                "name": "SPIP du Bas-Rhin",
                "is_company": True,
                "siao_partner_type": "spip",
            }
        )
        cls.officer = cls._officer("cpip_muller", cls.spip, "cpip")
        cls.colleague = cls._officer("cpip_weber", cls.spip, "cpip")
        cls.social_worker = cls._officer("as_spip_klein", cls.spip, "social_worker")
        cls.stranger = cls._officer("cpip_bas_rhin", cls.other_spip, "cpip")
        cls.speak_french(cls.officer, cls.colleague, cls.social_worker, cls.stranger)
        shared = {"consent_date": date(2026, 9, 1), "consent_scope": "siao_spip"}
        cls.followed = cls.create_person(
            last_name="Suivi",
            spip_referent_id=cls.officer.partner_id.id,
            expected_release_date=cls.today + timedelta(days=40),
            **shared,
        )
        cls.without_consent = cls.create_person(
            last_name="Sansaccord", spip_referent_id=cls.officer.partner_id.id
        )
        cls.siao_only = cls.create_person(
            last_name="Siaoseul",
            spip_referent_id=cls.officer.partner_id.id,
            consent_date=date(2026, 9, 1),
            consent_scope="siao",
        )
        cls.confidential = cls.create_person(
            last_name="Confidentielle",
            spip_referent_id=cls.officer.partner_id.id,
            confidential=True,
            **shared,
        )
        cls.archived = cls.create_person(
            last_name="Archivee", spip_referent_id=cls.officer.partner_id.id, **shared
        )
        cls.archived.action_archive()
        cls.of_colleague = cls.create_person(
            last_name="Collegue", spip_referent_id=cls.colleague.partner_id.id, **shared
        )
        cls.of_stranger = cls.create_person(
            last_name="Basrhin", spip_referent_id=cls.stranger.partner_id.id, **shared
        )
        cls.hidden = (
            cls.without_consent
            | cls.siao_only
            | cls.confidential
            | cls.archived
            | cls.of_colleague
            | cls.of_stranger
        )

    @classmethod
    def _officer(cls, login, spip, role):
        return cls.create_officer(login, spip, role)

    def page(self, login, url):
        self.env.flush_all()
        if login:
            self.authenticate(login, login)
        else:
            self.authenticate(None, None)
        return self.url_open(url, allow_redirects=False)

    # ---- Referral ----
    def refer(self, login="cpip_muller", csrf=True, **values):
        self.authenticate(login, login)
        form = self.url_open("/my/siao/referral")
        self.assertEqual(form.status_code, 200)
        data = {
            "last_name": "Nouveau",
            "first_name": "Karim",
            "birthdate": "1990-04-02",
            "prison_id": str(self.prison.id),
            "prison_number": "68N001",
            "legal_status": "convicted",
            "incarceration_date": "2026-02-01",
            "expected_release_date": (self.today + timedelta(days=120)).isoformat(),
            "sentence_months": "14",
            "needs": "Chien, mobilité réduite",
            "consent_date": "2026-11-20",
            "consent_scope": "siao_spip",
        }
        data.update(values)
        if csrf:
            data["csrf_token"] = re.search(
                r'name="csrf_token" value="([^"]+)"', form.text
            ).group(1)
        return self.url_open("/my/siao/referral", data=data, allow_redirects=False)


@tagged("post_install", "-at_install", "siao_portal")
class TestSpipPortal(SpipPortalCase):
    """The SPIP's portal: an officer sees the persons they follow whose consent
    covers the SPIP, and nothing else; every route, every kind of visitor."""

    def test_the_officer_sees_the_persons_they_follow_and_no_other(self):
        response = self.page("cpip_muller", "/my/siao")
        self.assertEqual(response.status_code, 200)
        self.assertIn("SUIVI", response.text.upper())
        for person in self.hidden:
            self.assertNotIn(person.last_name.upper(), response.text.upper())

    def test_every_person_page_answers_only_its_officer(self):
        everyone = self.followed | self.hidden
        visitors = {
            "cpip_muller": self.followed,
            "cpip_weber": self.of_colleague,
            "as_spip_klein": self.env["siao.detainee"],
            "cpip_bas_rhin": self.of_stranger,
        }
        for login, allowed in visitors.items():
            for person in everyone:
                with self.subTest(login=login, person=person.last_name):
                    response = self.page(login, f"/my/siao/{person.id}")
                    self.assertEqual(
                        response.status_code, 200 if person in allowed else 404
                    )
        guessed = max(everyone.ids) + 1000
        self.assertEqual(
            self.page("cpip_muller", f"/my/siao/{guessed}").status_code, 404
        )

    def test_a_public_visitor_is_sent_to_the_login(self):
        for url in ("/my/siao", f"/my/siao/{self.followed.id}"):
            response = self.page(None, url)
            self.assertIn(response.status_code, (302, 303))
            self.assertIn("/web/login", response.headers["Location"])

    def test_a_spip_social_worker_sees_the_service_where_the_company_says_so(self):
        self.assertEqual(
            self.page("as_spip_klein", f"/my/siao/{self.followed.id}").status_code, 404
        )
        self.company.siao_portal_spip_service = True
        self.assertEqual(
            self.page("as_spip_klein", f"/my/siao/{self.followed.id}").status_code, 200
        )
        self.assertEqual(
            self.page("cpip_weber", f"/my/siao/{self.followed.id}").status_code, 404
        )
        self.assertEqual(
            self.page("as_spip_klein", f"/my/siao/{self.of_stranger.id}").status_code,
            404,
        )

    def test_the_page_shows_the_request_steps_and_the_commission(self):
        request = self.env["siao.request"].create({"detainee_id": self.followed.id})
        request.action_submit()
        meeting = self.env["siao.commission.meeting"].create(
            {"date": datetime.now() + timedelta(days=10)}
        )
        self.env["siao.commission.line"].create(
            {"meeting_id": meeting.id, "detainee_id": self.followed.id}
        )
        response = self.page("cpip_muller", f"/my/siao/{self.followed.id}")
        self.assertIn("o_siao_portal_steps", response.text)
        self.assertIn("Transmise", response.text)  # in the officer's language
        self.assertIn(
            (datetime.now() + timedelta(days=10)).strftime("%d/%m/%Y"), response.text
        )
        # Nothing restricted: no obligations, notes or NIR.
        self.followed.sudo().write(
            {"notes": "Note interne", "restrictions": "Interdit"}
        )
        response = self.page("cpip_muller", f"/my/siao/{self.followed.id}")
        self.assertNotIn("Note interne", response.text)
        self.assertNotIn("Interdit", response.text)

    def test_the_page_shows_the_person_s_wishes_in_force(self):
        response = self.page("cpip_muller", f"/my/siao/{self.followed.id}")
        self.assertIn("Aucun souhait noté pour l'instant", response.text)
        self.env["siao.wish"].create(
            [
                {
                    "detainee_id": self.followed.id,
                    "date": self.today - timedelta(days=30),
                    "area": "Guebwiller",
                },
                {
                    "detainee_id": self.followed.id,
                    "area": "Colmar",
                    "near_family": True,
                    "note": "Mot du détenu, gardé au dossier",
                },
            ]
        )
        response = self.page("cpip_muller", f"/my/siao/{self.followed.id}")
        self.assertIn("Colmar · près de sa famille", response.text)
        self.assertNotIn("Guebwiller", response.text)
        # The person's own words stay with the SIAO's workers.
        self.assertNotIn("Mot du détenu", response.text)

    def test_the_home_counts_the_persons(self):
        self.authenticate("cpip_muller", "cpip_muller")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["siao_person_count"]}
        )
        self.assertEqual(counters["siao_person_count"], 1)

    def list_queries(self):
        self.authenticate("cpip_muller", "cpip_muller")
        self.url_open("/my/siao")  # the first call fills the caches
        before = self.env.cr.sql_log_count
        response = self.url_open("/my/siao")
        self.assertEqual(response.status_code, 200)
        return self.env.cr.sql_log_count - before

    def test_the_list_costs_the_same_for_500_persons(self):
        few = self.list_queries()
        self.env["siao.detainee"].with_context(tracking_disable=True).create(
            [
                {
                    "last_name": f"Nombreux {n}",
                    "prison_id": self.prison.id,
                    "legal_status": "convicted",
                    "incarceration_date": date(2024, 1, 1),
                    "user_id": self.worker.id,
                    "spip_referent_id": self.officer.partner_id.id,
                    "consent_date": date(2026, 9, 1),
                    "consent_scope": "siao_spip",
                    "expected_release_date": self.today + timedelta(days=n),
                }
                for n in range(499)
            ]
        )
        self.assertEqual(self.list_queries(), few)

    def proposals(self):
        return self.env["siao.spip.proposal"].search([], order="id")

    def test_a_referral_is_a_proposal_the_coordinator_accepts(self):
        persons, before = self.env["siao.detainee"].search_count([]), self.proposals()
        response = self.refer()
        self.assertIn(response.status_code, (302, 303))
        # Nothing of a file changes: a proposal waits for the coordinators.
        self.assertEqual(self.env["siao.detainee"].search_count([]), persons)
        proposal = self.proposals() - before
        self.assertEqual(
            (proposal.kind, proposal.state, proposal.last_name),
            ("referral", "pending", "Nouveau"),
        )
        self.assertFalse(proposal.detainee_id)
        self.assertIn(self.manager, proposal.activity_ids.user_id)
        # A social worker may not decide it; a coordinator accepts it.
        with self.assertRaises(AccessError):
            proposal.with_user(self.worker).action_accept()
        proposal.write({"user_id": self.worker.id})
        proposal.with_user(self.manager).action_accept()
        person = proposal.detainee_id
        self.assertEqual(person.last_name, "Nouveau")
        self.assertEqual(person.spip_referent_id, self.officer.partner_id)
        self.assertEqual(person.user_id, self.worker)
        self.assertEqual(
            (person.consent_scope, person.consent_date),
            ("siao_spip", date(2026, 11, 20)),
        )
        self.assertEqual(
            (person.request_ids.prescriber_type, person.request_ids.state),
            ("spip", "draft"),
        )
        self.assertIn("Chien", " ".join(person.message_ids.mapped("body")))
        self.assertFalse(person.referral_to_confirm)
        self.authenticate("cpip_muller", "cpip_muller")
        self.assertIn("NOUVEAU", self.url_open("/my/siao").text.upper())
        with self.assertRaises(UserError):
            proposal.with_user(self.manager).action_accept()

    def test_a_referral_of_a_known_person_changes_nothing_until_accepted(self):
        known = self.of_colleague
        known.birthdate = date(1985, 5, 5)
        before = self.env["siao.detainee"].search_count([])
        messages = len(known.message_ids)
        response = self.refer(
            last_name=known.last_name,
            first_name=known.first_name,
            birthdate="1985-05-05",
            prison_number="",
        )
        self.assertIn(
            response.status_code,
            (302, 303),
            re.findall(r"o_siao_portal_error[^>]*>([^<]*)", response.text),
        )
        self.assertEqual(self.env["siao.detainee"].search_count([]), before)
        self.assertEqual(len(known.message_ids), messages)
        # The coordinators see the file it may be; the officer sees nothing.
        proposal = self.proposals()[-1:]
        self.assertEqual(proposal.detainee_id, known)
        self.authenticate("cpip_muller", "cpip_muller")
        self.assertNotIn(
            known.last_name.upper(), self.url_open("/my/siao").text.upper()
        )
        proposal.with_user(self.manager).action_accept()
        self.assertEqual(known.spip_referent_id, self.officer.partner_id)
        self.assertIn(self.officer.name, known.message_ids[0].body)

    def test_bad_referrals_are_refused_and_save_nothing(self):
        before, proposals = self.env["siao.detainee"].search_count([]), self.proposals()
        for values in (
            {"last_name": ""},
            {"birthdate": "1990-02-31"},
            {"consent_date": ""},
            {"consent_scope": "siao"},
            {"prison_id": str(self.spip.id)},
            {"prison_id": "abc"},
            {"sentence_months": "-3"},
            {"last_name": "x" * 5000},
            {"last_name": '=HYPERLINK("http://x")'},
            {"first_name": "@SUM(A1)"},
            {"prison_number": "+33"},
            {"needs": "-2+3"},
            {"last_name": "Nul\x01"},
            {"birthdate": (self.today + timedelta(days=1)).isoformat()},
        ):
            with self.subTest(values=values):
                response = self.refer(**values)
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_siao_portal_error", response.text)
        self.assertEqual(self.env["siao.detainee"].search_count([]), before)
        self.assertEqual(self.proposals(), proposals)
        # Without the form's CSRF token: refused by Odoo itself.
        with mute_logger("odoo.http"):
            self.assertEqual(self.refer(csrf=False).status_code, 400)
        self.assertEqual(self.proposals(), proposals)

    def test_only_spip_staff_may_refer(self):
        for login in (None, "siao_portal"):
            self.authenticate(login, login)
            response = self.url_open("/my/siao/referral", allow_redirects=False)
            self.assertIn(response.status_code, (302, 303, 404))
