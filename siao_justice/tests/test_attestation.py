from datetime import date, timedelta

from odoo.tests import HttpCase, tagged
from odoo.tools import html2plaintext

from ..models.siao_attestation import CHECKS_PER_HOUR, visitor_key
from ..report.siao_housing_attestation import VERIFY_ROUTE
from .common import SiaoCase


def propose(case, person):
    """``person``'s request with a CHRS place proposed for the release day: a
    housing solution, until it is refused or cancelled."""
    structure = case.create_host_structure(
        "CHRS Les Tilleuls", street="3 rue des Tilleuls", city="Mulhouse"
    )
    place = case.create_place(structure, "Tilleuls 4", case.today)
    request = case.env["siao.request"].create(
        {"detainee_id": person.id, "orientation": "chrs"}
    )
    request.action_submit()
    request.action_orient()
    request.write({"structure_id": structure.id, "place_id": place.id})
    request.action_propose()
    return request


class AttestationCase(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.create_person(
            last_name="Attestee",
            first_name="Nora",
            expected_release_date=cls.today + timedelta(days=30),
            consent_date=date(2026, 9, 1),
            consent_scope="siao_spip",
        )

    def issue(self, person=None):
        """The attestation printed by the referent: its text."""
        html = (
            self.env["ir.actions.report"]
            .with_user(self.worker)
            ._render_qweb_html(
                "siao_justice.action_report_housing_attestation",
                (person or self.person).ids,
            )[0]
        )
        return html2plaintext(html.decode())


@tagged("post_install", "-at_install", "siao_attestation")
class TestLivingAttestation(AttestationCase):
    """Issuing records the attestation with a code; it is withdrawn by itself
    when the solution it states falls, and those who rely on it are told."""

    def test_issuing_records_it_once_per_solution_with_its_code(self):
        propose(self, self.person)
        text = self.issue()
        attestation = self.person.attestation_ids
        self.assertEqual(len(attestation), 1)
        self.assertEqual(
            (attestation.state, attestation.issued_on, attestation.issued_by_id),
            ("valid", self.today, self.worker),
        )
        self.assertIn("CHRS Les Tilleuls", attestation.solution)
        self.assertEqual(attestation.available_from, self.person.expected_release_date)
        self.assertIn(attestation.name, text)
        self.assertIn(attestation._formatted_code(), text)
        self.assertIn(VERIFY_ROUTE, text)
        self.issue()  # printed again: the same attestation
        self.assertEqual(self.person.attestation_ids, attestation)

    def test_a_refused_request_withdraws_it_and_tells_the_referent_and_officer(self):
        spip = self.env["res.partner"].create(
            {"name": "SPIP", "is_company": True, "siao_partner_type": "spip"}
        )
        officer = self.create_officer("cpip_att", spip)
        self.person.spip_referent_id = officer.partner_id
        exchange = self.person._portal_exchange(officer)
        request = propose(self, self.person)
        self.issue()
        attestation = self.person.attestation_ids
        request.with_user(self.worker).action_refuse("structure", "no_place")
        self.assertEqual(
            (
                attestation.state,
                attestation.withdrawn_on,
                attestation.withdrawal_reason,
            ),
            ("withdrawn", self.today, "solution_fell"),
        )
        told = self.person.activity_ids.filtered(
            lambda activity: attestation.name in (activity.note or "")
        )
        self.assertEqual(told.user_id, self.worker)
        self.assertIn(
            attestation._formatted_code(),
            " ".join(exchange.message_ids.mapped("body")),
        )

    def test_a_new_solution_is_a_new_attestation_the_old_one_replaced(self):
        request = propose(self, self.person)
        self.issue()
        first = self.person.attestation_ids
        request.with_user(self.worker).action_cancel(reason="Autre solution")
        place = self.create_place(self.chrs, "Chambre 2", self.today)
        self.env["siao.housing.reservation"].create(
            {
                "place_id": place.id,
                "detainee_id": self.person.id,
                "date_from": self.person.expected_release_date,
            }
        )
        self.issue()
        second = self.person.attestation_ids - first
        self.assertEqual((first.state, second.state), ("withdrawn", "valid"))
        self.assertNotEqual(first.code, second.code)
        # The place held is cancelled: the second one falls too.
        second.reservation_id.with_user(self.worker).action_cancel()
        self.assertEqual(second.state, "withdrawn")

    def test_a_person_has_one_valid_attestation_kept_by_the_database(self):
        propose(self, self.person)
        self.issue()
        first = self.person.attestation_ids
        self.assertRefusedByDatabase(
            lambda: self.env["siao.attestation"].create(
                {
                    "name": "ATT/2026/DOUBLE",
                    "code": "DOUBLE2345",
                    "detainee_id": self.person.id,
                    "solution": "Autre",
                }
            ),
            "une seule attestation d'hébergement valide",
            "Attestee",
        )
        self.assertEqual(first.state, "valid")

    def test_a_replaced_attestation_is_told_to_the_officer(self):
        spip = self.env["res.partner"].create(
            {"name": "SPIP", "is_company": True, "siao_partner_type": "spip"}
        )
        officer = self.create_officer("cpip_replaced", spip)
        self.person.spip_referent_id = officer.partner_id
        exchange = self.person._portal_exchange(officer)
        request = propose(self, self.person)
        self.issue()
        first = self.person.attestation_ids
        place = self.create_place(self.chrs, "Chambre 9", self.today)
        held = self.env["siao.housing.reservation"].create(
            {
                "place_id": place.id,
                "detainee_id": self.person.id,
                "date_from": self.person.expected_release_date,
            }
        )
        second = self.env["siao.attestation"]._issue(
            self.person, request, held, "CHRS", self.today, self.worker
        )
        self.assertEqual(
            (first.state, first.withdrawal_reason, second.state),
            ("withdrawn", "replaced", "valid"),
        )
        said = " ".join(exchange.message_ids.mapped("body"))
        self.assertIn(second.name, said)
        self.assertIn(second._formatted_code(), said)

    def test_the_nightly_check_withdraws_what_ended_without_a_write(self):
        request = propose(self, self.person)
        self.issue()
        attestation = self.person.attestation_ids
        self.env.cr.execute(
            "UPDATE siao_request SET state = 'cancelled' WHERE id = %s", [request.id]
        )
        self.env.invalidate_all()
        self.env["siao.attestation"]._cron_recheck()
        self.assertEqual(attestation.state, "withdrawn")


@tagged("post_install", "-at_install", "siao_attestation")
class TestPublicCheck(HttpCase, AttestationCase):
    """A court clerk checks a code on the public page: valid, withdrawn, or no
    such code, the same answer for any unknown code; nothing about the person."""

    def check(self, code):
        return self.url_open(f"{VERIFY_ROUTE}?code={code}")

    def test_valid_withdrawn_unknown_and_guessed_codes(self):
        self.authenticate(None, None)
        request = propose(self, self.person)
        self.issue()
        attestation = self.person.attestation_ids
        valid = self.check(attestation._formatted_code().lower())
        self.assertEqual(valid.status_code, 200)
        self.assertIn("o_siao_check_valid", valid.text)
        request.with_user(self.worker).action_cancel(reason="Fin")
        withdrawn = self.check(attestation.code)
        self.assertIn("o_siao_check_withdrawn", withdrawn.text)
        last = "A" if attestation.code[-1] != "A" else "B"
        guessed = self.check(attestation.code[:-1] + last)
        unknown = self.check("AAAAAAAAAA")
        for response in (guessed, unknown):
            self.assertEqual(response.status_code, 200)
            self.assertIn("o_siao_check_unknown", response.text)
        # No answer tells a guessed code from any unknown one: the same page.
        self.assertEqual(len(unknown.content), len(guessed.content))
        for response in (valid, withdrawn, unknown, guessed):
            for private in ("ATTESTEE", "Attestee", "Nora", "Tilleuls", "CHRS"):
                self.assertNotIn(private, response.text)

    def test_a_visitor_is_a_keyed_address_or_its_ipv6_network(self):
        same = visitor_key(self.env, "2001:db8:1:2::10")
        self.assertEqual(same, visitor_key(self.env, "2001:db8:1:2:ffff::1"))
        self.assertNotEqual(same, visitor_key(self.env, "2001:db8:1:3::10"))
        self.assertEqual(
            visitor_key(self.env, "::ffff:192.0.2.7"),
            visitor_key(self.env, "192.0.2.7"),
        )
        self.assertNotEqual(
            visitor_key(self.env, "192.0.2.7"), visitor_key(self.env, "192.0.2.8")
        )
        # Not the plain hash of the address: the database's secret keys it.
        import hashlib

        self.assertNotEqual(
            visitor_key(self.env, "192.0.2.7"),
            hashlib.sha256(b"192.0.2.7").hexdigest(),
        )

    def test_a_visitor_gets_a_limited_number_of_checks(self):
        for _i in range(CHECKS_PER_HOUR):
            self.assertEqual(self.check("CCCCC-CCCCC").status_code, 200)
        refused = self.check("CCCCC-CCCCC")
        self.assertEqual(refused.status_code, 429)
        self.assertIn("o_siao_check_too_many", refused.text)


@tagged("post_install", "-at_install", "siao_attestation")
class TestAttestationStaysTrue(AttestationCase):
    """What an attestation states stays true, or it is withdrawn: its place,
    the day it is for, the file itself."""

    def test_another_place_on_its_request_withdraws_it(self):
        request = propose(self, self.person)
        self.issue()
        first = self.person.attestation_ids
        other = self.create_place(request.structure_id, "Tilleuls 5", self.today)
        request.with_user(self.worker).place_id = other
        self.assertEqual(first.state, "withdrawn")
        self.issue()
        second = self.person.attestation_ids - first
        self.assertEqual(second.state, "valid")
        self.assertIn("Tilleuls 5", second.solution)

    def test_a_file_archived_attests_nothing(self):
        propose(self, self.person)
        self.issue()
        attestation = self.person.attestation_ids
        self.person.action_archive()
        self.assertEqual(attestation.state, "withdrawn")
