from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import html

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from ..models.siao_commission_line import DECISION_DAYS, DECISION_FIELDS, DECISIONS
from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_commission")
class TestCommissionSchedule(SiaoCase):
    def scheduled(self, company=None):
        return self.env["siao.commission.meeting"].search(
            [
                ("company_id", "=", (company or self.company).id),
                ("scheduled", "=", True),
            ],
            order="date",
        )

    def test_second_tuesday_at_two_across_months(self):
        self.company.write(
            {
                "siao_commission_week": "2",
                "siao_commission_weekday": "1",
                "siao_commission_hour": 14.0,
            }
        )
        self.company.partner_id.tz = "Europe/Paris"
        Meeting = self.env["siao.commission.meeting"]
        expected = {
            date(2026, 1, 1): datetime(2026, 1, 13, 13, 0),  # winter: UTC+1
            date(2026, 1, 14): datetime(2026, 2, 10, 13, 0),  # the 13th has passed
            date(2026, 6, 1): datetime(2026, 6, 9, 12, 0),  # summer: UTC+2
            date(2026, 9, 8): datetime(2026, 9, 8, 12, 0),  # on the day itself
        }
        for today, when in expected.items():
            with self.subTest(today=today):
                self.assertEqual(
                    Meeting._next_meeting_datetime(self.company, today), when
                )

    def test_last_friday_of_the_month(self):
        self.company.write(
            {
                "siao_commission_week": "last",
                "siao_commission_weekday": "4",
                "siao_commission_hour": 9.5,
            }
        )
        self.company.partner_id.tz = "Europe/Paris"
        when = self.env["siao.commission.meeting"]._next_meeting_datetime(
            self.company, date(2026, 7, 1)
        )
        self.assertEqual(when, datetime(2026, 7, 31, 7, 30))

    def test_cron_creates_one_meeting_per_company_and_month(self):
        self.company.siao_commission_location = "SPIP, Mulhouse"
        cron = self.env.ref("siao_justice.ir_cron_siao_commission_schedule")
        before = self.scheduled()
        for day in range(1, 25):
            with freeze_time(date(2026, 3, day)):
                cron.method_direct_trigger()
        meetings = self.scheduled() - before
        self.assertEqual(meetings.mapped("month"), [date(2026, 3, 1), date(2026, 4, 1)])
        self.assertEqual(meetings[0].location, "SPIP, Mulhouse")
        self.assertEqual(
            self.scheduled(self.company_b).mapped("month"),
            [date(2026, 3, 1), date(2026, 4, 1)],
        )

    def test_meetings_created_by_hand_are_allowed(self):
        with freeze_time(date(2026, 3, 1)):
            self.env.ref(
                "siao_justice.ir_cron_siao_commission_schedule"
            ).method_direct_trigger()
        extra = self.env["siao.commission.meeting"].create(
            {"date": datetime(2026, 3, 20, 13, 0)}
        )
        self.assertEqual(extra.month, date(2026, 3, 1))
        self.assertFalse(extra.scheduled)


@tagged("post_install", "-at_install", "siao_commission")
class TestCommissionAgenda(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.today
        cls.meeting = cls.env["siao.commission.meeting"].create(
            {
                "date": datetime.combine(
                    cls.today + timedelta(days=3), datetime.min.time()
                )
                + timedelta(hours=13),
                "company_id": cls.company_b.id,
            }
        )

        def make(**values):
            values.setdefault("company_id", cls.company_b.id)
            values.setdefault("user_id", cls.worker_b.id)
            values.setdefault("prison_id", False)
            return cls.create_person(**values)

        cls.make = staticmethod(make)
        cls.soon = make(
            last_name="Soon", expected_release_date=cls.today + timedelta(days=20)
        )
        cls.within_lead = make(
            last_name="Lead", expected_release_date=cls.today + relativedelta(months=5)
        )
        cls.far = make(
            last_name="Far", expected_release_date=cls.today + relativedelta(months=10)
        )
        cls.far_with_request = make(
            last_name="FarRequest",
            expected_release_date=cls.today + relativedelta(months=11),
        )
        cls.env["siao.request"].create({"detainee_id": cls.far_with_request.id})
        cls.remand = make(last_name="Remand", legal_status="remand")
        cls.released = make(
            last_name="Out", expected_release_date=cls.today + timedelta(days=5)
        )
        cls.released.action_record_release(release_date=cls.today, outcome="family")
        cls.other_company = make(
            last_name="Elsewhere",
            company_id=cls.company.id,
            user_id=cls.worker.id,
            prison_id=cls.prison.id,
            expected_release_date=cls.today + timedelta(days=10),
        )

    def agenda(self, meeting=None):
        return (meeting or self.meeting).line_ids.sorted("sequence").detainee_id

    def test_agenda_selection_rules_one_by_one(self):
        self.meeting.action_generate_agenda()
        agenda = self.agenda()
        self.assertIn(self.soon, agenda, "release within the lead time (and at risk)")
        self.assertIn(self.within_lead, agenda, "release within the lead time")
        self.assertIn(self.far_with_request, agenda, "open request, release far away")
        self.assertNotIn(self.far, agenda, "far away without request")
        self.assertNotIn(self.remand, agenda, "remand without request nor risk")
        self.assertNotIn(self.released, agenda, "already released")
        self.assertNotIn(self.other_company, agenda, "another company")

    def test_dry_exit_risk_alone_puts_a_person_on_the_agenda(self):
        self.company_b.siao_request_lead_months = 1
        self.company_b.siao_dry_exit_alert_days = 90
        risky = self.make(
            last_name="Risky", expected_release_date=self.today + timedelta(days=60)
        )
        self.meeting.action_generate_agenda()
        self.assertIn(risky, self.agenda())
        self.assertNotIn(self.within_lead, self.agenda())

    def test_postponed_cases_are_carried_over(self):
        self.meeting.action_generate_agenda()
        self.meeting.action_start()
        self.meeting.line_ids.write({"decision": "maintain"})
        remand_line = self.env["siao.commission.line"].create(
            {
                "meeting_id": self.meeting.id,
                "detainee_id": self.remand.id,
                "decision": "postpone",
            }
        )
        self.meeting.action_close()
        self.assertEqual(remand_line.decision, "postpone")
        following = self.env["siao.commission.meeting"].create(
            {
                "date": self.meeting.date + relativedelta(months=1),
                "company_id": self.company_b.id,
            }
        )
        following.action_generate_agenda()
        self.assertIn(self.remand, self.agenda(following))

    def test_lines_ordered_by_expected_release_and_snapshot(self):
        self.meeting.action_generate_agenda()
        agenda = self.agenda()
        self.assertEqual(agenda[:2], self.soon | self.within_lead)
        self.assertEqual(len(agenda), 3)
        self.assertEqual(agenda[-1], self.far_with_request)
        line = self.meeting.line_ids.filtered(
            lambda line: line.detainee_id == self.soon
        )
        self.assertEqual(
            (line.release_horizon, line.expected_release_date),
            ("m1", self.soon.expected_release_date),
        )
        self.soon.expected_release_date = self.today + relativedelta(months=2)
        self.assertEqual(
            line.expected_release_date, self.today + timedelta(days=20), "snapshot kept"
        )
        self.assertEqual(line.release_horizon, "m1")

    def test_remand_without_date_comes_last(self):
        self.env["siao.request"].create({"detainee_id": self.remand.id})
        self.meeting.action_generate_agenda()
        self.assertEqual(self.agenda()[-1], self.remand)

    def test_regenerating_adds_only_new_cases_and_keeps_decisions(self):
        self.meeting.action_generate_agenda()
        count = len(self.meeting.line_ids)
        first = self.meeting.line_ids[0]
        self.meeting.action_start()
        first.write({"decision": "orient", "decision_note": "CHRS à privilégier"})
        newcomer = self.make(
            last_name="New", expected_release_date=self.today + timedelta(days=40)
        )
        self.meeting.action_generate_agenda()
        self.meeting.action_generate_agenda()
        self.assertEqual(len(self.meeting.line_ids), count + 1)
        self.assertIn(newcomer, self.agenda())
        self.assertEqual(
            (first.decision, first.decision_note), ("orient", "CHRS à privilégier")
        )

    def _generate_counting_queries(self, count, prefix):
        for index in range(count):
            self.make(
                last_name=f"{prefix}{index}",
                expected_release_date=self.today + timedelta(days=30 + index),
            )
        self.meeting.line_ids.unlink()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.meeting.action_generate_agenda()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_agenda_generation_is_batched(self):
        self._generate_counting_queries(1, "Warm")  # fill the caches first
        few = self._generate_counting_queries(2, "Few")
        many = self._generate_counting_queries(20, "Many")
        self.assertEqual(many, few, "no query per case")
        self.assertEqual(len(self.meeting.line_ids), 3 + 1 + 2 + 20)


@tagged("post_install", "-at_install", "siao_commission")
class TestCommissionSession(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.participant = cls.env["res.partner"].create(
            {"name": "CPIP Weber", "email": "weber@example.org"}
        )
        cls.meeting = cls.env["siao.commission.meeting"].create(
            {
                "date": datetime.now() + timedelta(days=2),
                "location": "SPIP Mulhouse",
                "participant_ids": [(6, 0, cls.participant.ids)],
            }
        )
        cls.alice = cls.create_person(
            last_name="Alice",
            first_name="Anne",
            expected_release_date=cls.today + timedelta(days=20),
        )
        cls.bob = cls.create_person(
            last_name="Bob",
            first_name="Bernard",
            expected_release_date=cls.today + timedelta(days=90),
        )
        Line = cls.env["siao.commission.line"]
        cls.line_alice = Line.create(
            {"meeting_id": cls.meeting.id, "detainee_id": cls.alice.id, "sequence": 1}
        )
        cls.line_bob = Line.create(
            {"meeting_id": cls.meeting.id, "detainee_id": cls.bob.id, "sequence": 2}
        )

    def decide(self):
        """The decisions of the session (started first)."""
        if self.meeting.state == "planned":
            self.meeting.action_start()
        self.line_alice.write(
            {
                "decision": "file_request",
                "decision_note": "<script>alert('x')</script> Dossier à monter",
                "action_user_id": self.worker.id,
                "due_date": self.today + timedelta(days=10),
            }
        )
        self.line_bob.with_context(siao_decision="maintain").action_decide()

    def test_closing_refuses_undecided_lines_and_names_them(self):
        self.meeting.action_start()
        self.line_alice.decision = "maintain"
        with self.assertRaises(ValidationError) as caught:
            self.meeting.action_close()
        self.assertIn("BOB Bernard", str(caught.exception))
        self.assertNotIn("ALICE", str(caught.exception))
        self.assertEqual(self.meeting.state, "in_session")

    def test_closing_needs_a_session(self):
        with self.assertRaises(UserError):
            self.meeting.action_close()

    def test_closing_creates_activities_draft_requests_and_minutes(self):
        self.decide()
        self.meeting.action_close()
        self.assertEqual(self.meeting.state, "closed")
        activity = self.line_alice.activity_id
        self.assertEqual(
            (activity.res_id, activity.user_id, activity.date_deadline),
            (self.alice.id, self.worker, self.today + timedelta(days=10)),
        )
        self.assertIn("Dossier à monter", activity.note)
        # Nobody in charge named: the person's referent carries the decision out.
        self.assertEqual(
            (self.line_bob.activity_id.res_id, self.line_bob.activity_id.user_id),
            (self.bob.id, self.bob.user_id),
        )
        request = self.env["siao.request"].search([("detainee_id", "=", self.alice.id)])
        self.assertEqual(request.state, "draft")
        self.assertFalse(
            self.env["siao.request"].search([("detainee_id", "=", self.bob.id)])
        )
        self.assertTrue(self.meeting.minutes_attachment_id)
        self.assertEqual(self.meeting.minutes_attachment_id.res_id, self.meeting.id)

    def test_a_case_without_anyone_in_charge_nor_referent_gives_no_activity(self):
        self.bob.user_id = False
        self.decide()
        self.meeting.action_close()
        self.assertEqual(self.meeting.state, "closed")
        self.assertFalse(self.line_bob.activity_id)
        self.assertTrue(self.line_alice.activity_id)

    def test_file_request_decision_keeps_an_existing_open_request(self):
        existing = self.env["siao.request"].create({"detainee_id": self.alice.id})
        self.decide()
        self.meeting.action_close()
        self.assertEqual(
            self.env["siao.request"].search([("detainee_id", "=", self.alice.id)]),
            existing,
        )

    def test_closed_commission_is_locked_for_everyone(self):
        self.decide()
        self.meeting.action_close()
        for user in (self.worker, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    self.line_alice.with_user(user).write({"decision": "close"})
                with self.assertRaises(UserError):
                    self.meeting.with_user(user).write({"location": "ailleurs"})
                with self.assertRaises(UserError):
                    self.meeting.with_user(user).action_generate_agenda()
        with self.assertRaises(UserError):
            self.line_alice.write({"decision_note": "changed by the system"})
        with self.assertRaises(UserError):
            self.line_bob.with_context(siao_decision="close").action_decide()
        with self.assertRaises(UserError):
            self.line_bob.unlink()
        self.assertEqual(self.line_alice.decision, "file_request")

    def test_minutes_list_every_case_and_decision_escaped(self):
        self.decide()
        self.alice.write({"consent_date": self.today, "consent_scope": "siao_spip"})
        self.participant.siao_partner_type = "spip"
        report = self.env.ref("siao_justice.action_report_commission_minutes")
        body, _format = report.with_context(lang="fr_FR")._render_qweb_html(
            report.report_name, self.meeting.ids
        )
        tree = html.fromstring(body)
        cases = tree.xpath("//tr[contains(@class, 'o_siao_case')]")
        self.assertEqual(len(cases), 2)
        persons = [
            row.xpath(".//td[contains(@class, 'o_siao_person')]")[0]
            .text_content()
            .strip()
            for row in cases
        ]
        # The minutes go to the CPIP: Alice's consent covers the SPIP, Bob gave
        # none, so he is a case number.
        self.assertEqual(persons[0], "ALICE Anne")
        self.assertNotIn("BOB", persons[1])
        self.assertIn("2", persons[1])
        decisions = [
            row.xpath(".//td[contains(@class, 'o_siao_decision')]")[0].text_content()
            for row in cases
        ]
        self.assertIn("Dossier à monter", decisions[0])
        self.assertFalse(
            tree.xpath("//script[contains(., \"alert('x')\")]"),
            "HTML in a note is never executed",
        )
        self.assertIn("&lt;script&gt;", body.decode())
        self.assertIn(
            "CPIP Weber",
            tree.xpath("//span[contains(@class, 'o_siao_participants')]")[
                0
            ].text_content(),
        )
        self.assertIn(
            "SPIP Mulhouse",
            tree.xpath("//span[contains(@class, 'o_siao_location')]")[0].text_content(),
        )

    def test_send_minutes_opens_the_composer_for_the_participants(self):
        self.decide()
        self.meeting.action_close()
        action = self.meeting.action_send_minutes()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn(self.participant, composer.partner_ids)
        self.assertIn(self.meeting.minutes_attachment_id, composer.attachment_ids)
        composer._action_send_mail()
        self.assertIn(self.participant, self.meeting.message_ids[0].partner_ids)

    def test_the_minutes_open_as_their_pdf(self):
        with self.assertRaises(UserError):
            self.meeting.action_open_minutes()
        self.meeting.action_start()
        self.meeting.line_ids.write({"decision": "maintain"})
        self.meeting.action_close()
        action = self.meeting.with_user(self.worker).action_open_minutes()
        attachment = self.meeting.minutes_attachment_id
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["url"], f"/web/content/{attachment.id}")
        self.assertEqual(attachment.mimetype, "application/pdf")

    def test_minutes_not_written_at_closing_are_written_at_first_opening(self):
        self.meeting.action_start()
        self.meeting.line_ids.write({"decision": "maintain"})
        self.meeting.with_context(siao_minutes_when_opened=True).action_close()
        self.assertEqual(self.meeting.state, "closed")
        self.assertFalse(self.meeting.minutes_attachment_id)
        # A reader at the table opens them: written once, for everyone.
        action = self.meeting.with_user(self.reader).action_open_minutes()
        minutes = self.meeting.minutes_attachment_id
        self.assertTrue(minutes)
        self.assertEqual(action["url"], f"/web/content/{minutes.id}")
        self.meeting.with_user(self.worker).action_send_minutes()
        self.assertEqual(self.meeting.minutes_attachment_id, minutes)
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [
                    ("res_model", "=", self.meeting._name),
                    ("res_id", "=", self.meeting.id),
                ]
            ),
            1,
        )

    def test_next_commission_menu_opens_the_meeting_while_it_has_no_agenda(self):
        self.meeting.line_ids.unlink()
        action = self.env["siao.commission.meeting"].action_open_next_board()
        self.assertEqual(
            (action["res_model"], action["res_id"], action["view_mode"]),
            ("siao.commission.meeting", self.meeting.id, "form"),
        )

    def test_next_commission_menu_opens_the_board(self):
        action = self.env["siao.commission.meeting"].action_open_next_board()
        self.assertEqual(action["res_model"], "siao.commission.line")
        groups = self.env["siao.commission.line"].read_group(
            [("meeting_id", "=", self.meeting.id)],
            ["release_horizon"],
            ["release_horizon"],
        )
        # Every horizon, but "release passed" while no case is in it.
        self.assertEqual(
            [g["release_horizon"] for g in groups],
            ["m1", "m3", "m6", "later", "unknown"],
        )


@tagged("post_install", "-at_install", "siao_commission")
class TestCommissionCaseBoundaries(SiaoCase):
    def test_a_case_of_another_companys_person_is_refused(self):
        meeting = self.env["siao.commission.meeting"].create(
            {"date": "2031-03-11 13:00:00"}
        )
        foreign = self.create_person(
            last_name="Ailleurs",
            company_id=self.company_b.id,
            user_id=self.worker_b.id,
            prison_id=False,
        )
        with self.assertRaises(UserError):
            self.env["siao.commission.line"].create(
                {"meeting_id": meeting.id, "detainee_id": foreign.id}
            )
        with self.assertRaises(AccessError):
            self.env["siao.commission.line"].with_user(self.worker).create(
                {"meeting_id": meeting.id, "detainee_id": foreign.id}
            )
        self.assertFalse(meeting.line_ids)

    def test_the_person_in_charge_of_a_confidential_case_reads_the_file(self):
        meeting = self.env["siao.commission.meeting"].create(
            {"date": "2031-03-11 13:00:00"}
        )
        secret = self.create_person(last_name="Secret", confidential=True)
        line = self.env["siao.commission.line"].create(
            {"meeting_id": meeting.id, "detainee_id": secret.id}
        )
        meeting.action_start()
        with self.assertRaises(ValidationError) as caught:
            line.write({"action_user_id": self.worker_2.id})
        self.assertNotIn("SECRET", str(caught.exception).upper())
        line.write({"action_user_id": self.worker.id, "decision": "maintain"})
        meeting.with_user(self.worker_2).action_close()
        self.assertEqual(meeting.state, "closed")
        self.assertTrue(line.activity_id)


@tagged("post_install", "-at_install", "siao_commission")
class TestCommissionDecisionRules(SiaoCase):
    """Decisions are taken in session; a decision always says who acts and by when
    (the commission's choice, else the defaults); an AVDL referral goes to an AVDL
    worker of the company, through their waiting list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meeting = cls.env["siao.commission.meeting"].create(
            {"date": "2031-03-11 13:00:00"}
        )
        cls.person = cls.create_person(
            expected_release_date=date(2031, 4, 1), last_name="Décidé"
        )
        cls.line = cls.env["siao.commission.line"].create(
            {"meeting_id": cls.meeting.id, "detainee_id": cls.person.id}
        )
        cls.company.siao_avdl_worker_ids = False  # the demo's AVDL worker aside
        cls.avdl_1 = cls._user("avdl_one", "siao_justice.group_siao_user")
        cls.avdl_2 = cls._user("avdl_two", "siao_justice.group_siao_user")

    def test_the_card_menu_offers_every_decision_in_the_users_language(self):
        self.speak_french(self.worker)
        arch = (
            self.env["siao.commission.line"]
            .with_user(self.worker)
            .with_context(lang="fr_FR")
            .get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        )
        entries = html.fromstring(arch).xpath("//a[@name='action_decide']")
        labels = dict(
            self.env["siao.commission.line"]
            .with_context(lang="fr_FR")
            ._fields["decision"]
            ._description_selection(self.env(context={"lang": "fr_FR"}))
        )
        self.assertEqual(
            [entry.get("context") for entry in entries],
            [repr({"siao_decision": value}) for value, _label in DECISIONS],
        )
        self.assertEqual(
            [entry.text for entry in entries], [labels[v] for v, _l in DECISIONS]
        )
        self.assertIn("Maintien", entries[0].text)
        self.assertFalse(html.fromstring(arch).find_class("o_siao_decision_menu"))

    def test_no_decision_field_is_written_before_the_session(self):
        values = {
            "decision": "maintain",
            "decision_note": "Noted",
            "action_user_id": self.worker.id,
            "due_date": date(2031, 3, 20),
            "place_id": self.create_place(
                self.create_host_structure(), "Place 1", date(2031, 1, 1)
            ).id,
            "reservation_date_from": date(2031, 4, 1),
            "reservation_date_to": date(2031, 5, 1),
        }
        self.assertEqual(set(values), set(DECISION_FIELDS))
        for name, value in values.items():
            with self.subTest(field=name), self.assertRaises(UserError):
                self.line.with_user(self.manager).write({name: value})
        with self.assertRaises(UserError):
            self.line.with_user(self.manager).with_context(
                siao_decision="maintain"
            ).action_decide()
        with self.assertRaises(UserError):
            self.env["siao.commission.line"].create(
                {
                    "meeting_id": self.meeting.id,
                    "detainee_id": self.create_person(last_name="Autre").id,
                    "decision": "close",
                }
            )
        self.assertFalse(self.line.decision)
        # Preparing the case is still possible.
        self.line.with_user(self.manager).situation_summary = "Prepared"
        self.meeting.action_start()
        self.line.with_user(self.manager).write({"decision_note": "Noted"})

    def test_a_decision_from_a_card_says_who_acts_and_by_when(self):
        self.meeting.action_start()
        due = self.meeting.date.date() + timedelta(days=DECISION_DAYS)
        for decision, _label in DECISIONS:
            with self.subTest(decision=decision):
                self.line.write({"action_user_id": False, "due_date": False})
                self.line.with_user(self.manager).with_context(
                    siao_decision=decision
                ).action_decide()
                self.assertEqual(self.line.decision, decision)
                self.assertEqual(self.line.action_user_id, self.worker)  # referent
                self.assertEqual(self.line.due_date, due)
        # What the commission chose is kept.
        self.line.write(
            {"action_user_id": self.worker_2.id, "due_date": date(2031, 3, 15)}
        )
        self.line.with_context(siao_decision="orient").action_decide()
        self.assertEqual(
            (self.line.action_user_id, self.line.due_date),
            (self.worker_2, date(2031, 3, 15)),
        )

    def test_an_avdl_referral_goes_to_the_avdl_worker_with_most_room(self):
        self.company.siao_avdl_worker_ids = self.avdl_1 | self.avdl_2
        self.company.siao_avdl_max_active = 1
        self.env["siao.avdl.measure"].create(
            {
                "detainee_id": self.create_person(last_name="Suivi").id,
                "user_id": self.avdl_1.id,
            }
        )
        self.meeting.action_start()
        self.line.with_context(siao_decision="avdl_referral").action_decide()
        self.assertEqual(self.line.action_user_id, self.avdl_2)
        # The form shows the same default before saving.
        with Form(self.line.with_user(self.manager)) as form:
            form.action_user_id = self.env["res.users"]
            form.decision = "maintain"
            self.assertEqual(form.action_user_id, self.worker)
            form.action_user_id = self.env["res.users"]
            form.decision = "avdl_referral"
            self.assertEqual(form.action_user_id, self.avdl_2)
        # Both files full: the measure joins the chosen worker's waiting list.
        self.env["siao.avdl.measure"].create(
            {
                "detainee_id": self.create_person(last_name="Suivi 2").id,
                "user_id": self.avdl_2.id,
            }
        )
        self.meeting.action_close()
        measure = self.person.avdl_measure_ids
        self.assertEqual((measure.user_id, measure.state), (self.avdl_2, "waiting"))

    def test_an_avdl_referral_skips_workers_who_may_not_read_the_file(self):
        self.company.siao_avdl_worker_ids = self.avdl_1
        self.person.confidential = True
        self.meeting.action_start()
        self.line.with_context(siao_decision="avdl_referral").action_decide()
        self.assertEqual(self.line.action_user_id, self.worker)  # the referent
        self.meeting.with_user(self.manager).action_close()
        self.assertEqual(self.person.avdl_measure_ids.user_id, self.worker)
        self.assertNotEqual(self.person.avdl_measure_ids.user_id, self.manager)
