"""The partnership's own tools: conventions and their contingents, office hours in
prison, needs matched to places, the coordinator's dashboard."""

from datetime import date, datetime, timedelta

from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from . import web_client
from .common import SiaoCase


@tagged("post_install", "-at_install", "siao_partnership")
class TestConventions(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spip = cls.env["res.partner"].create(
            {
                "name": "SPIP de la Gironde",
                "is_company": True,
                "siao_partner_type": "spip",
            }
        )

    def convention(self, **values):
        return (
            self.env["siao.convention"]
            .with_user(self.manager)
            .create(
                dict(
                    {
                        "name": "Convention SIAO – SPIP",
                        "partner_id": self.spip.id,
                        "kind": "spip_partnership",
                    },
                    **values,
                )
            )
        )

    def test_a_partnership_goes_from_the_letter_to_the_signature(self):
        convention = self.convention()
        self.assertEqual(convention.step, "draft")
        convention.letter_date = date(2026, 1, 5)
        self.assertEqual(convention.step, "letter_sent")
        convention.meeting_date = date(2026, 2, 10)
        self.assertEqual(convention.step, "meeting")
        convention.write(
            {
                "signature_date": date(2026, 3, 1),
                "date_start": date(2026, 3, 1),
                "date_end": self.today + timedelta(days=400),
            }
        )
        self.assertEqual(convention.step, "signed")
        self.assertEqual(self.spip.with_user(self.worker).siao_convention_count, 1)
        action = self.spip.with_user(self.worker).action_open_siao_conventions()
        self.assertEqual(
            self.env["siao.convention"].search(action["domain"]), convention
        )

    def test_steps_and_dates_out_of_order_are_refused(self):
        with self.assertRaises(ValidationError):
            self.convention(letter_date=date(2026, 3, 1), meeting_date=date(2026, 2, 1))
        with self.assertRaises(ValidationError):
            self.convention(date_start=date(2026, 3, 1), date_end=date(2026, 2, 1))

    def test_a_contingent_covers_places_of_its_structure_only(self):
        mine = self.create_place(self.chrs, "C1", date(2025, 1, 1))
        other = self.create_place(
            self.create_host_structure("CHRS voisin"), "V1", date(2025, 1, 1)
        )
        with self.assertRaises(ValidationError):
            self.convention(
                partner_id=self.chrs.id,
                kind="contingent",
                place_count=2,
                place_ids=[(6, 0, (mine | other).ids)],
            )
        with self.assertRaises(ValidationError):
            self.convention(
                partner_id=self.chrs.id,
                kind="contingent",
                place_count=0,
                place_ids=[(6, 0, mine.ids)],
            )
        with self.assertRaises(ValidationError):
            self.convention(place_ids=[(6, 0, mine.ids)])
        contingent = self.convention(
            partner_id=self.chrs.id,
            kind="contingent",
            place_count=2,
            place_ids=[(6, 0, mine.ids)],
        )
        self.assertEqual(contingent.place_ids, mine)

    def test_only_a_coordinator_records_a_convention(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["siao.convention"].with_user(self.worker).create(
                {"name": "x", "partner_id": self.spip.id}
            )
        self.convention()
        self.assertTrue(self.env["siao.convention"].with_user(self.worker).search([]))
        self.assertFalse(
            self.env["siao.convention"].with_user(self.reader).has_access("read")
        )

    def test_coordinators_are_told_two_months_before_the_end_once(self):
        today = date(2026, 6, 1)
        ending = self.convention(
            signature_date=date(2025, 1, 1), date_end=date(2026, 7, 15)
        )
        later = self.convention(
            signature_date=date(2025, 1, 1), date_end=date(2026, 12, 31)
        )
        Convention = self.env["siao.convention"]
        self.assertEqual(Convention._cron_notify_end(today), ending)
        activities = ending.activity_ids
        self.assertIn(self.manager, activities.user_id)
        self.assertEqual(
            activities.activity_type_id,
            self.env.ref("siao_justice.mail_activity_type_convention_end"),
        )
        self.assertFalse(later.activity_ids)
        # Run again (another server, the next night): nothing more.
        self.assertFalse(Convention._cron_notify_end(today))
        self.assertEqual(ending.activity_ids, activities)
        # A new end date gets its own notice.
        ending.with_user(self.manager).date_end = date(2026, 7, 30)
        self.assertEqual(Convention._cron_notify_end(today), ending)

    def test_a_plain_write_cannot_mark_the_notice_sent(self):
        convention = self.convention(date_end=self.today + timedelta(days=20))
        with self.assertRaises(ValidationError):
            convention.with_user(self.manager).write({"end_notice_sent": True})


@tagged("post_install", "-at_install", "siao_partnership")
class TestContingentFigures(SiaoCase):
    """One contingent over a known year, its figures worked out by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        c1 = cls.create_place(cls.chrs, "C1", date(2024, 1, 1))
        c2 = cls.create_place(cls.chrs, "C2", date(2025, 7, 1))
        cls.convention = cls.env["siao.convention"].create(
            {
                "name": "Contingent CHRS du test",
                "partner_id": cls.chrs.id,
                "kind": "contingent",
                "place_count": 3,
                "place_ids": [(6, 0, (c1 | c2).ids)],
                "signature_date": date(2025, 1, 20),
                "date_start": date(2025, 2, 1),
                "date_end": date(2026, 1, 31),
            }
        )
        a, b = cls.create_person(last_name="Ana"), cls.create_person(last_name="Bel")
        Booking = cls.env["siao.housing.reservation"]
        for place, person, kind, start, end in (
            (c1, a, "occupation", date(2025, 1, 10), date(2025, 3, 31)),
            (c1, b, "reservation", date(2025, 6, 1), date(2025, 6, 30)),
            (c2, b, "occupation", date(2025, 9, 1), False),
        ):
            Booking.create(
                {
                    "place_id": place.id,
                    "detainee_id": person.id,
                    "kind": kind,
                    "date_from": start,
                    "date_to": end,
                }
            )

    def test_days_occupancy_and_mean_stay_of_a_contingent(self):
        # C1 is open from the convention's start (334 days), C2 from 1 July (184);
        # the first stay counts from 1 February (59 days) and ends on 31 March
        # after 81 days; the second, open, counts 122 days; a reservation, none.
        figures = self.convention._contingent_figures(
            date(2025, 1, 1), date(2025, 12, 31)
        )[self.convention.id]
        self.assertEqual(
            (
                figures["places_agreed"],
                figures["places_identified"],
                figures["open_days"],
                figures["occupied_days"],
                figures["stays_ended"],
                figures["stay_days"],
            ),
            (3, 2, 518, 181, 1, 81),
        )
        self.assertAlmostEqual(figures["occupancy_rate"], 181 / 518)
        self.assertEqual(figures["mean_stay_days"], 81)

    def test_the_report_view_gives_the_same_days_month_by_month(self):
        rows = self.env["siao.report.contingent"].search(
            [
                ("convention_id", "=", self.convention.id),
                ("month", ">=", date(2025, 1, 1)),
                ("month", "<=", date(2025, 12, 31)),
            ]
        )
        self.assertEqual(len(rows), 11)  # February to December
        self.assertEqual(sum(rows.mapped("occupied_days")), 181)
        self.assertEqual(sum(rows.mapped("open_days")), 518)
        self.assertEqual(sum(rows.mapped("stays_ended")), 1)
        march = rows.filtered(lambda r: r.month == date(2025, 3, 1))
        self.assertEqual((march.open_days, march.occupied_days), (31, 31))

    def test_a_contingent_not_signed_is_not_in_force(self):
        Convention = self.env["siao.convention"]
        draft = self.convention.copy({"signature_date": False, "place_ids": []})
        in_force = Convention.search(
            Convention._in_force_domain(date(2025, 1, 1), date(2025, 12, 31))
        )
        self.assertIn(self.convention, in_force)
        self.assertNotIn(draft, in_force)


@tagged("post_install", "-at_install", "siao_partnership")
class TestPermanence(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_prison = cls.env["res.partner"].create(
            {"name": "CD de Mauzac", "siao_partner_type": "prison", "prison_type": "cd"}
        )
        today = cls.today
        cls.due = cls.create_person(
            last_name="Due", expected_release_date=today + timedelta(days=90)
        )
        cls.arrived = cls.create_person(
            last_name="Arrived",
            incarceration_date=today - timedelta(days=10),
            expected_release_date=today + timedelta(days=900),
        )
        cls.asked = cls.create_person(
            last_name="Asked", expected_release_date=today + timedelta(days=800)
        )
        cls.with_request = cls.create_person(
            last_name="Requested", expected_release_date=today + timedelta(days=60)
        )
        cls.env["siao.request"].create({"detainee_id": cls.with_request.id})
        cls.far = cls.create_person(
            last_name="Far", expected_release_date=today + timedelta(days=700)
        )
        cls.elsewhere = cls.create_person(
            last_name="Elsewhere",
            prison_id=cls.other_prison.id,
            expected_release_date=today + timedelta(days=60),
        )
        meeting = cls.env["siao.commission.meeting"].create(
            {"date": datetime.now() - timedelta(days=3)}
        )
        meeting.action_start()
        cls.env["siao.commission.line"].create(
            {
                "meeting_id": meeting.id,
                "detainee_id": cls.asked.id,
                "decision": "permanence_meeting",
            }
        )
        meeting.action_close()

    def session(self, **values):
        return (
            self.env["siao.permanence"]
            .with_user(self.worker)
            .create(
                dict(
                    {
                        "prison_id": self.prison.id,
                        # Today (the frozen day), early afternoon: held today.
                        "date": self.company.siao_day_start(self.today, 14.0),
                        "user_ids": [(6, 0, self.worker.ids)],
                    },
                    **values,
                )
            )
        )

    def test_the_list_proposes_who_to_see_and_why(self):
        session = self.session()
        session.action_prepare_list()
        reasons = {line.detainee_id: line.reason for line in session.line_ids}
        self.assertEqual(
            reasons,
            {
                self.due: "request_due",
                self.arrived: "recent_arrival",
                self.asked: "commission",
            },
        )
        # Prepared again: nobody twice; the worker adds someone by hand.
        session.action_prepare_list()
        self.assertEqual(len(session.line_ids), 3)
        session.write(
            {"line_ids": [(0, 0, {"detainee_id": self.far.id, "reason": "added"})]}
        )
        self.assertEqual(len(session.line_ids), 4)

    def test_a_transfer_in_is_a_recent_arrival(self):
        self.elsewhere.action_transfer(
            self.prison.id, "T-1", self.today - timedelta(days=3)
        )
        session = self.session()
        session.action_prepare_list()
        self.assertIn(self.elsewhere, session.line_ids.detainee_id)

    def test_outcomes_open_the_draft_request_and_close_the_session(self):
        session = self.session()
        session.action_prepare_list()
        lines = {line.detainee_id: line for line in session.line_ids}
        with self.assertRaises(UserError):
            session.action_done()  # an outcome for everyone first
        lines[self.due].outcome = "request_opened"
        request = lines[self.due].request_id
        self.assertEqual(
            (request.state, request.prescriber_type, request.user_id),
            ("draft", "siao_office", self.worker),
        )
        self.assertEqual(self.due.current_request_id, request)
        lines[self.arrived].outcome = "met"
        lines[self.asked].outcome = "absent"
        session.action_done()
        self.assertEqual(session.state, "done")
        self.assertEqual((session.line_count, session.met_count), (3, 2))
        with self.assertRaises(UserError):
            session.action_prepare_list()

    def test_a_held_session_keeps_its_list_its_place_and_its_date(self):
        session = self.session()
        session.action_prepare_list()
        for line in session.line_ids:
            line.outcome = "met"
        other = self.session()
        line = session.line_ids[:1]
        with self.assertRaises(UserError):
            line.permanence_id = other
        with self.assertRaises(UserError):
            line.reason = "added"
        session.action_done()
        with self.assertRaises(UserError):
            session.date = datetime.now() + timedelta(days=9)
        with self.assertRaises(UserError):
            self.env["siao.permanence.line"].create(
                {"permanence_id": session.id, "detainee_id": self.far.id}
            )
        with self.assertRaises(UserError):
            line.unlink()
        # An outcome is still corrected after the session.
        line.outcome = "absent"
        self.assertEqual(line.outcome, "absent")

    def test_a_merge_moves_the_person_s_lines_to_the_file_kept(self):
        session = self.session()
        line = self.env["siao.permanence.line"].create(
            {"permanence_id": session.id, "detainee_id": self.far.id, "outcome": "met"}
        )
        session.action_done()
        wizard = self.env["siao.detainee.merge"].create(
            {
                "detainee_ids": [(6, 0, (self.far | self.arrived).ids)],
                "target_id": self.arrived.id,
            }
        )
        wizard.action_merge()
        self.assertEqual(line.detainee_id, self.arrived)

    def test_closing_counts_the_lines_the_worker_may_not_read(self):
        secret = self.create_person(
            last_name="Secret", confidential=True, user_id=self.worker_2.id
        )
        session = self.session()
        self.env["siao.permanence.line"].create(
            {"permanence_id": session.id, "detainee_id": secret.id}
        )
        self.env.invalidate_all()  # as a new request of the worker's
        self.assertFalse(session.line_ids)  # the worker does not see it
        with self.assertRaises(UserError) as caught:
            session.action_done()
        self.assertNotIn("Secret", str(caught.exception))

    def test_a_request_already_under_way_is_not_opened_twice(self):
        session = self.session()
        line = session.line_ids.create(
            {"permanence_id": session.id, "detainee_id": self.with_request.id}
        )
        with self.assertRaises(UserError):
            line.outcome = "request_opened"

    def test_a_person_is_listed_once(self):
        session = self.session()
        session.action_prepare_list()
        self.assertRefusedByDatabase(
            lambda: self.env["siao.permanence.line"].create(
                {"permanence_id": session.id, "detainee_id": self.due.id}
            ),
            "Une personne n'est inscrite qu'une fois par permanence.",
            "Due",
        )

    def test_office_hours_to_come_are_not_closed(self):
        session = self.session(
            date=self.company.siao_day_start(self.today + timedelta(days=2), 9.0)
        )
        with self.assertRaises(UserError):
            session.action_done()
        self.assertEqual(session.state, "planned")

    def test_the_next_session_comes_a_period_later(self):
        self.company.siao_permanence_period = "week"
        session = self.session()
        session.action_done()
        action = session.action_plan_next()
        following = self.env["siao.permanence"].browse(action["res_id"])
        self.assertEqual(following.date, session.date + timedelta(weeks=1))
        self.assertEqual(following.user_ids, self.worker)
        self.assertEqual(following.state, "planned")

    def test_the_calendar_opens_on_the_company_s_rhythm(self):
        Session = self.env["siao.permanence"].with_user(self.worker)
        for period in ("week", "month"):
            self.company.siao_permanence_period = period
            arch = Session.get_views([(False, "calendar")])["views"]["calendar"]["arch"]
            self.assertIn(f'mode="{period}"', arch)

    def test_the_worker_sees_their_next_sessions(self):
        mine = self.session()
        self.session(user_ids=[(6, 0, self.worker_2.ids)])
        action = self.env.ref("siao_justice.siao_permanence_action_mine")
        domain = safe_eval(action.domain, {"uid": self.worker.id})
        found = self.env["siao.permanence"].with_user(self.worker).search(domain)
        self.assertEqual(found, mine)
        self.assertEqual(self.env["siao.permanence"]._next_for(self.worker), mine)
        menu = self.env.ref("siao_justice.siao_dashboard_my_permanences_menu")
        self.assertIn(
            menu.id, self.env["ir.ui.menu"].with_user(self.worker)._visible_menu_ids()
        )

    def test_the_persons_of_another_worker_s_confidential_file_are_not_proposed(self):
        secret = self.create_person(
            last_name="Secret",
            confidential=True,
            user_id=self.worker_2.id,
            expected_release_date=self.today + timedelta(days=30),
        )
        session = self.session()
        session.action_prepare_list()
        self.assertNotIn(secret, session.sudo().line_ids.detainee_id)


@tagged("post_install", "-at_install", "siao_partnership")
class TestNeedsAndPlaces(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tag = cls.env["siao.need.tag"]
        cls.animal = Tag.create({"name": "Animal"})
        cls.mobility = Tag.create({"name": "Mobilité réduite"})
        cls.zone = Tag.create({"name": "Bordeaux centre", "kind": "prohibited_zone"})
        start = cls.today
        cls.fits = cls.create_place(
            cls.chrs, "Z fits", start, need_tag_ids=[(6, 0, cls.animal.ids)]
        )
        cls.no_animal = cls.create_place(cls.chrs, "A no animal", start)
        cls.in_zone = cls.create_place(
            cls.chrs,
            "B in zone",
            start,
            need_tag_ids=[(6, 0, (cls.animal | cls.zone).ids)],
        )
        cls.taken = cls.create_place(
            cls.chrs, "C taken", start, need_tag_ids=[(6, 0, cls.animal.ids)]
        )
        cls.person = cls.create_person(
            last_name="Needs",
            expected_release_date=start + timedelta(days=30),
            need_tag_ids=[(6, 0, (cls.animal | cls.zone).ids)],
        )
        cls.env["siao.housing.reservation"].create(
            {
                "place_id": cls.taken.id,
                "detainee_id": cls.create_person(last_name="Other").id,
                "date_from": start + timedelta(days=20),
                "date_to": start + timedelta(days=60),
            }
        )
        cls.places = cls.fits | cls.no_animal | cls.in_zone | cls.taken

    def test_fitting_free_places_come_first_and_the_others_say_why(self):
        context = {
            "siao_fit_person_id": self.person.id,
            "siao_fit_date_from": str(self.today + timedelta(days=30)),
        }
        found = (
            self.env["siao.housing.place"]
            .with_user(self.worker)
            .with_context(**context)
            .name_search("", [("id", "in", self.places.ids)])
        )
        ids = [place_id for place_id, _label in found]
        self.assertEqual(ids[0], self.fits.id)
        self.assertEqual(set(ids[1:3]), {self.no_animal.id, self.in_zone.id})
        self.assertEqual(ids[3], self.taken.id)
        labels = dict(found)
        self.assertEqual(labels[self.fits.id], self.fits.display_name)
        self.assertIn("⚠", labels[self.no_animal.id])
        self.assertIn("Animal", labels[self.no_animal.id])
        self.assertIn("Bordeaux centre", labels[self.in_zone.id])

    def test_a_reader_gets_plain_names_without_the_needs(self):
        found = (
            self.env["siao.housing.place"]
            .with_user(self.reader)
            .with_context(siao_fit_person_id=self.person.id)
            .name_search("", [("id", "in", self.places.ids)])
        )
        self.assertEqual({place_id for place_id, _l in found}, set(self.places.ids))
        self.assertFalse(any("⚠" in label for _id, label in found))

    def test_a_place_that_goes_against_a_constraint_is_flagged(self):
        self.speak_french(self.worker)
        request = (
            self.env["siao.request"]
            .with_user(self.worker)
            .with_context(lang="fr_FR")
            .create({"detainee_id": self.person.id, "place_id": self.in_zone.id})
        )
        self.assertIn("Bordeaux centre", request.place_mismatch)
        self.assertIn("va à l'encontre", request.place_mismatch)
        request.place_id = self.fits
        self.assertFalse(request.place_mismatch)
        booking = self.env["siao.housing.reservation"].create(
            {
                "place_id": self.no_animal.id,
                "detainee_id": self.person.id,
                "date_from": self.today + timedelta(days=100),
            }
        )
        self.assertIn("Animal", booking.place_mismatch)

    def test_a_person_without_needs_fits_everywhere(self):
        other = self.create_person(last_name="Plain")
        self.assertFalse(any(place._mismatch_for(other) for place in self.places))

    def test_a_structure_s_refusal_keeps_the_needs_of_that_day(self):
        self.person.consent_date = self.today
        request = self.env["siao.request"].create(
            {"detainee_id": self.person.id, "orientation": "chrs"}
        )
        request.action_submit()
        request.action_orient()
        request.action_refuse("structure", "no_place")
        self.person.need_tag_ids = self.mobility
        step = request.history_ids.filtered(lambda s: s.event == "refuse")
        self.assertEqual(step.need_tag_ids, self.animal | self.zone)
        Refusal = self.env["siao.report.refusal"]
        mine = Refusal.search(
            [
                ("month", "=", step.date.replace(day=1)),
                ("need_tag_id", "in", step.need_tag_ids.ids),
            ]
        )
        # Nothing of the person: a person's needs are not linked to the rest of
        # their figures, by a key or by the row's id.
        self.assertNotIn("person_key", Refusal._fields)
        self.assertFalse(any(mine.mapped("gender") + mine.mapped("age_band")))
        self.assertFalse(
            set(mine.ids) & {step.id * 100000 + tag.id for tag in step.need_tag_ids}
        )
        self.assertEqual(mine.need_tag_id, self.animal | self.zone)
        self.assertEqual(set(mine.mapped("refusal_reason")), {"no_place"})

    def test_who_may_not_read_the_needs_may_not_search_or_group_by_them(self):
        self.person.consent_date = self.today
        self.person.consent_scope = "siao_spip"
        self.assertTrue(self.person.with_user(self.reader).has_access("read"))
        for model, field in (
            ("siao.detainee", "need_tag_ids"),
            ("siao.request.history", "need_tag_ids"),
        ):
            Model = self.env[model].with_user(self.reader)
            with self.subTest(model=model), self.assertRaises(AccessError):
                Model.search_count([(field, "in", self.animal.ids)])
            with self.subTest(model=model), self.assertRaises(AccessError):
                Model.read_group([], ["__count"], [field])
        # The social workers do.
        Person = self.env["siao.detainee"].with_user(self.worker)
        self.assertIn(
            self.person, Person.search([("need_tag_ids", "in", self.animal.ids)])
        )

    def test_anonymisation_forgets_the_needs(self):
        self.person._anonymise()
        self.assertFalse(self.person.sudo().need_tag_ids)


@tagged("post_install", "-at_install", "siao_partnership")
class TestCoordinatorDashboard(SiaoCase):
    def test_the_dashboard_is_one_page_of_the_coordinator_s_lists(self):
        action = self.env.ref("siao_justice.siao_coordinator_board_action")
        view = self.env.ref("siao_justice.siao_coordinator_board_view")
        arch = (
            self.env["board.board"]
            .with_user(self.manager)
            .get_view(view.id, "form")["arch"]
        )
        self.assertIn('js_class="board"', arch)
        actions = etree.fromstring(arch).xpath("//action")
        self.assertEqual(len(actions), 8)
        for node in actions:
            with self.subTest(action=node.get("string")):
                window = self.env["ir.actions.act_window"].browse(int(node.get("name")))
                self.assertTrue(window.exists())
                Model = self.env[window.res_model].with_user(self.manager)
                # The board's domain is the action's own (static: no uid, no date).
                self.assertEqual(node.get("domain"), window.domain)
                domain = safe_eval(node.get("domain"))
                Model.web_search_read(domain, {"display_name": {}}, limit=10)
        menu = self.env.ref("siao_justice.siao_coordinator_board_menu")
        self.assertEqual(menu.action, action)
        visible = self.env["ir.ui.menu"].with_user(self.worker)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)
        self.assertIn(
            menu.id, self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        )

    def board_query_counts(self):
        counts = []
        for title, model, view_type, domain, spec in web_client.board_actions(
            self.env(user=self.manager), "siao_justice.siao_coordinator_board_view"
        ):
            env = self.env(user=self.manager)
            env.invalidate_all()
            before = self.cr.sql_log_count
            web_client.open_board_action(env, model, view_type, domain, spec)
            counts.append((title, self.cr.sql_log_count - before))
        return counts

    def add_a_bit_of_everything(self, tag):
        structure = self.create_host_structure(f"CHRS {tag}")
        place = self.create_place(structure, f"P {tag}", self.today)
        self.env["siao.convention"].create(
            {
                "name": f"Contingent {tag}",
                "partner_id": structure.id,
                "kind": "contingent",
                "place_count": 1,
                "place_ids": [(6, 0, place.ids)],
                "signature_date": self.today,
            }
        )
        person = self.create_person(
            last_name=f"Soon {tag}",
            expected_release_date=self.today + timedelta(days=10),
            lsc_excluded=False,
            sentence_months=12,
            consent_date=self.today,
        )
        self.env["siao.avdl.measure"].create(
            {"detainee_id": person.id, "user_id": self.worker_2.id}
        )
        self.env["siao.permanence"].create(
            {"prison_id": self.prison.id, "user_ids": [(6, 0, self.worker.ids)]}
        )
        self.env["siao.commission.meeting"].create(
            {"date": datetime.now() + timedelta(days=7)}
        )
        self.env.flush_all()

    def test_the_dashboard_s_queries_do_not_grow_with_the_data(self):
        self.add_a_bit_of_everything("a")
        self.board_query_counts()  # warm-up: a running server's caches
        first = self.board_query_counts()
        for tag in "bcdef":
            self.add_a_bit_of_everything(tag)
        self.assertEqual(self.board_query_counts(), first)
