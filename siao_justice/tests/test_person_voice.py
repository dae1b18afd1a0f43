from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import html2plaintext

from ..models.siao_letter import LETTER_KINDS
from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_voice")
class TestWishes(SiaoCase):
    """What the person wants: dated, kept, read newest first; a wish ranks the
    places that fit, a need rules a place out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.create_person(
            last_name="Souhait", expected_release_date=cls.today + timedelta(days=30)
        )
        colmar = cls.create_host_structure("CHRS de Colmar", city="Colmar")
        mulhouse = cls.create_host_structure("Résidence de Mulhouse", city="Mulhouse")
        start = cls.today - timedelta(days=10)
        cls.chrs_mulhouse = cls.create_place(mulhouse, "Chambre Mulhouse", start)
        cls.studio_colmar = cls.create_place(
            colmar, "Studio Colmar", start, place_type="iml"
        )
        cls.chrs_colmar = cls.create_place(colmar, "Chambre Colmar", start)
        cls.places = cls.chrs_mulhouse | cls.studio_colmar | cls.chrs_colmar

    def ranked(self):
        rows = self.places._ranked_for(self.person, self.today + timedelta(days=30))
        return [place for place, _free, _mismatch in rows]

    def test_a_new_wish_keeps_the_last_and_the_file_reads_the_newest(self):
        Wish = self.env["siao.wish"].with_user(self.worker)
        first = Wish.create(
            {
                "detainee_id": self.person.id,
                "date": self.today - timedelta(days=20),
                "how": "office_hours",
                "area": "Mulhouse",
            }
        )
        second = Wish.create(
            {
                "detainee_id": self.person.id,
                "how": "letter",
                "area": "Colmar, près de sa sœur",
                "collective_life": "no",
                "with_animal": True,
            }
        )
        self.assertEqual(self.person.wish_ids, first | second)
        self.assertEqual(self.person.current_wish_id, second)
        self.assertEqual(
            self.person.wish_summary,
            "Colmar, près de sa sœur · no collective life · with an animal",
        )

    def test_a_wish_is_not_dated_in_the_future(self):
        with self.assertRaises(ValidationError):
            self.env["siao.wish"].create(
                {"detainee_id": self.person.id, "date": self.today + timedelta(days=1)}
            )

    def test_a_wish_ranks_the_places_that_fit_and_a_need_rules_one_out(self):
        self.assertEqual(self.ranked()[0], self.chrs_mulhouse)
        self.env["siao.wish"].create(
            {
                "detainee_id": self.person.id,
                "area": "Colmar",
                "collective_life": "no",
            }
        )
        # Colmar and no collective life: the studio, then the room in Colmar.
        self.assertEqual(
            self.ranked(), [self.studio_colmar, self.chrs_colmar, self.chrs_mulhouse]
        )
        # A need the studio goes against rules it out, whatever the wishes.
        need = self.env["siao.need.tag"].create(
            {"name": "Fauteuil roulant", "kind": "need"}
        )
        self.person.need_tag_ids = need
        self.chrs_colmar.need_tag_ids = need
        self.chrs_mulhouse.need_tag_ids = need
        self.assertEqual(
            self.ranked(), [self.chrs_colmar, self.chrs_mulhouse, self.studio_colmar]
        )

    def test_a_household_larger_than_a_place_comes_after_the_places_that_take_it(
        self,
    ):
        request = self.env["siao.request"].create(
            {"detainee_id": self.person.id, "orientation": "chrs"}
        )
        self.chrs_colmar.capacity = 3
        Member = self.env["siao.request.member"]
        Member.create(
            [
                {"request_id": request.id, "relation": "partner", "first_name": "Léa"},
                {
                    "request_id": request.id,
                    "first_name": "Noé",
                    "birthdate": self.today - timedelta(days=800),
                },
                {
                    "request_id": request.id,
                    "first_name": "Inès",
                    "already_housed": True,
                },
            ]
        )
        self.assertEqual(request.household_size, 3)
        self.assertEqual(self.ranked()[0], self.chrs_colmar)
        with self.assertRaises(ValidationError):
            Member.create(
                {
                    "request_id": request.id,
                    "first_name": "Futur",
                    "birthdate": self.today + timedelta(days=3),
                }
            )


@tagged("post_install", "-at_install", "siao_voice")
class TestLetters(SiaoCase):
    """Letters to the person: printed in plain French with their name and prison
    number, recorded when sent, several at once for a session; the reply slip
    recorded in one step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.speak_french(cls.worker)
        cls.person = cls.create_person(
            last_name="Courrier",
            first_name="Karim",
            prison_number="67C001",
            expected_release_date=cls.today + timedelta(days=40),
        )
        cls.other = cls.create_person(
            last_name="Voisin", first_name="Jean", prison_number="67C002"
        )
        cls.Letter = cls.env["siao.letter"].with_user(cls.worker)

    def text_of(self, letters):
        html = (
            self.env["ir.actions.report"]
            .with_user(self.worker)
            .with_context(lang="fr_FR")
            ._render_qweb_html("siao_justice.action_report_person_letter", letters.ids)[
                0
            ]
        )
        return html2plaintext(html.decode())

    def test_each_kind_of_letter_reads_in_french_with_the_reply_slip(self):
        for kind, _label in LETTER_KINDS:
            with self.subTest(kind=kind):
                letter = self.Letter.create(
                    {"detainee_id": self.person.id, "kind": kind}
                )
                text = self.text_of(letter)
                self.assertIn("COURRIER Karim", text)
                self.assertIn("Numéro d'écrou : 67C001", text)
                self.assertIn("Coupon-réponse", text)
                self.assertNotIn("Voisin", text.title())
                self.assertNotIn("Your", text)

    def test_the_release_plan_says_where_to_go_and_the_115(self):
        self.person.consent_date = self.today - timedelta(days=5)
        self.person.consent_scope = "siao"
        structure = self.create_host_structure(
            "CHRS Les Tilleuls", street="3 rue des Tilleuls", city="Colmar", zip="68000"
        )
        place = self.create_place(structure, "Chambre 4", self.today)
        self.env["siao.housing.reservation"].create(
            {
                "place_id": place.id,
                "detainee_id": self.person.id,
                "date_from": self.person.expected_release_date,
            }
        )
        letter = self.Letter.new(
            {"detainee_id": self.person.id, "kind": "release_plan"}
        )
        letter._onchange_kind()
        self.assertEqual(letter.plan_place, "CHRS Les Tilleuls – Chambre 4")
        self.assertIn("3 rue des Tilleuls", letter.plan_address)
        letter = self.Letter.create(
            {
                "detainee_id": self.person.id,
                "kind": "release_plan",
                "plan_place": letter.plan_place,
                "plan_address": letter.plan_address,
                "plan_hours": "Accueil de 9 h à 18 h",
                "plan_route": "Bus 2 devant la prison, arrêt Théâtre",
            }
        )
        text = self.text_of(letter)
        for expected in (
            "CHRS Les Tilleuls",
            "3 rue des Tilleuls",
            "Accueil de 9 h à 18 h",
            "Bus 2 devant la prison",
            "115",
        ):
            self.assertIn(expected, text)

    def test_a_letter_sent_is_recorded_with_when_and_by_whom(self):
        letter = self.Letter.create({"detainee_id": self.person.id, "kind": "request"})
        action = letter.action_send()
        self.assertEqual(action["report_name"], "siao_justice.report_person_letter")
        self.assertEqual(
            (letter.state, letter.sent_date, letter.sent_by_id),
            ("sent", self.today, self.worker),
        )
        self.assertEqual(self.person.letter_ids, letter)

    def test_the_convocations_of_an_office_hours_session_in_one_print(self):
        session = self.env["siao.permanence"].create(
            {
                "prison_id": self.prison.id,
                "date": self.company.siao_day_start(
                    self.today + timedelta(days=7), 9.5
                ),
                "user_ids": [(6, 0, self.worker.ids)],
            }
        )
        self.env["siao.permanence.line"].create(
            [
                {"permanence_id": session.id, "detainee_id": person.id}
                for person in (self.person, self.other)
            ]
        )
        action = session.with_user(self.worker).action_print_convocations()
        letters = self.env["siao.letter"].search([("permanence_id", "=", session.id)])
        self.assertEqual(letters.detainee_id, self.person | self.other)
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertEqual(sorted(action["context"]["active_ids"]), sorted(letters.ids))
        mine = letters.filtered(lambda letter: letter.detainee_id == self.person)
        text = self.text_of(mine)
        self.assertIn("Convocation", text)
        self.assertIn("09:30", text)
        self.assertNotIn("VOISIN", text)

    def test_the_reply_slip_records_wishes_consent_and_question_at_once(self):
        letter = self.Letter.create({"detainee_id": self.person.id, "kind": "request"})
        with self.assertRaises(UserError):
            letter.action_record_reply()
        letter.action_send()
        letter.sudo().sent_date = self.today - timedelta(days=4)
        letter.reply_consent = "siao_spip"
        with self.assertRaises(UserError):
            letter.action_record_reply()
        day = self.today - timedelta(days=1)
        letter.write(
            {
                "reply_date": day,
                "reply_wishes": "Près de ma mère, à Colmar",
                "reply_question": "Puis-je garder mon chien ?",
            }
        )
        letter.action_record_reply()
        person = self.person
        self.assertEqual(letter.state, "replied")
        self.assertEqual(
            (person.consent_date, person.consent_scope), (day, "siao_spip")
        )
        given = person.consent_ids.sorted(lambda consent: (consent.date, consent.id))
        self.assertEqual(given[-1:].how, "reply_slip")
        self.assertEqual(
            (person.current_wish_id.how, person.current_wish_id.note),
            ("reply_slip", "Près de ma mère, à Colmar"),
        )
        self.assertIn(
            "Puis-je garder mon chien",
            "".join(letter.activity_ids.mapped("note")),
        )
        # Refused on a later slip: the consent is withdrawn, dated.
        later = self.Letter.create({"detainee_id": person.id, "kind": "request"})
        later.action_send()
        later.write({"reply_date": self.today, "reply_consent": "refused"})
        later.action_record_reply()
        self.assertFalse(person.consent_scope)
        newest = person.consent_ids.sorted(lambda consent: (consent.date, consent.id))
        self.assertEqual(
            (newest[-1:].kind, newest[-1:].how), ("withdrawn", "reply_slip")
        )

    def test_the_cpom_counts_letters_replies_and_the_persons_of_households(self):
        letter = self.Letter.create({"detainee_id": self.person.id, "kind": "request"})
        letter.action_send()
        letter.write({"reply_date": self.today, "reply_wishes": "Colmar"})
        letter.action_record_reply()
        self.Letter.create({"detainee_id": self.other.id, "kind": "request"})
        self.other.write(
            {"consent_date": self.today - timedelta(days=3), "consent_scope": "siao"}
        )
        request = self.env["siao.request"].create(
            {"detainee_id": self.other.id, "orientation": "chrs"}
        )
        self.env["siao.request.member"].create(
            {"request_id": request.id, "first_name": "Léa", "relation": "partner"}
        )
        request.action_submit()
        figures = {
            row["code"]: row["value"]
            for row in self.env["siao.cpom.indicators"]
            .with_user(self.accountant)
            .compute(self.today.replace(day=1), self.today, self.company.ids)
        }
        self.assertEqual(figures["letters_sent"], 1)
        self.assertEqual(figures["letter_replies"], 1)
        self.assertEqual(figures["requests_filed"], 1)
        self.assertEqual(figures["persons_in_requests_filed"], 2)

    def test_a_letter_speaks_of_its_own_person_only(self):
        request = self.env["siao.request"].create(
            {"detainee_id": self.other.id, "orientation": "chrs"}
        )
        with self.assertRaises(ValidationError):
            self.Letter.create(
                {
                    "detainee_id": self.person.id,
                    "kind": "request",
                    "request_id": request.id,
                }
            )

    def test_a_reply_is_dated_after_its_letter_and_kept_once_recorded(self):
        self.person.write({"consent_date": self.today, "consent_scope": "siao"})
        letter = self.Letter.create({"detainee_id": self.person.id, "kind": "request"})
        letter.action_send()
        letter.write(
            {"reply_date": self.today + timedelta(days=1), "reply_wishes": "X"}
        )
        with self.assertRaises(UserError):
            letter.action_record_reply()
        # An older slip does not replace the consent recorded since.
        letter.write(
            {"reply_date": self.today - timedelta(days=2), "reply_consent": "siao_spip"}
        )
        letter.sudo().sent_date = self.today - timedelta(days=3)
        with self.assertRaises(UserError):
            letter.action_record_reply()
        self.assertEqual(self.person.consent_scope, "siao")
        letter.reply_consent = False
        letter.action_record_reply()
        with self.assertRaises(UserError):
            letter.reply_wishes = "Autre chose"

    def test_readers_read_no_letter_and_no_words_of_the_person(self):
        letter = self.Letter.create({"detainee_id": self.person.id, "kind": "request"})
        self.env["siao.wish"].create(
            {"detainee_id": self.person.id, "area": "Colmar", "note": "Ses mots"}
        )
        with self.assertRaises(AccessError):
            letter.with_user(self.reader).read(["kind"])
        wish = self.person.wish_ids.with_user(self.reader)
        with self.assertRaises(AccessError):
            wish.read(["note"])

    def test_anonymising_keeps_only_the_year_of_a_child_s_birth(self):
        request = self.env["siao.request"].create(
            {"detainee_id": self.person.id, "orientation": "chrs"}
        )
        child = self.env["siao.request.member"].create(
            {
                "request_id": request.id,
                "first_name": "Léna",
                "birthdate": self.today.replace(year=2017, month=5, day=12),
            }
        )
        self.person._anonymise()
        self.assertEqual(child.birthdate, self.today.replace(year=2017, month=1, day=1))
        self.assertNotIn("Léna", child.first_name)
