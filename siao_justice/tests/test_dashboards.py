from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import SiaoCase

MANAGER_DASHBOARDS = (
    "siao_dashboard_release_action",
    "siao_dashboard_lsc_action",
    "siao_dashboard_request_action",
    "siao_dashboard_avdl_action",
    "siao_dashboard_place_action",
)
WORKER_DASHBOARDS = (
    "siao_dashboard_my_cases_action",
    "siao_dashboard_my_activities_action",
)


@tagged("post_install", "-at_install", "siao_partnership")
class TestDashboards(SiaoCase):
    def open_dashboard(self, xmlid, user):
        """The records a dashboard shows to a user: the action's domain and the
        filters its context selects by default, evaluated as the web client does."""
        action = (
            self.env["ir.actions.actions"]
            .with_user(user)
            ._for_xml_id(f"siao_justice.{xmlid}")
        )
        eval_context = {
            "uid": user.id,
            "relativedelta": relativedelta,
            "datetime": datetime,
        }
        context = safe_eval(action.get("context") or "{}", eval_context)
        domain = safe_eval(action.get("domain") or "[]", eval_context)
        model = self.env[action["res_model"]].with_user(user)
        search_view = model.get_view(action["search_view_id"][0], "search")
        for node in etree.fromstring(search_view["arch"]).iter("filter"):
            if context.get(f"search_default_{node.get('name')}") and node.get("domain"):
                domain = expression.AND(
                    [domain, safe_eval(node.get("domain"), eval_context)]
                )
        return model.search(domain)

    def visible_menus(self, user):
        """The dashboards whose menu, and every parent menu, the user's groups open."""
        visible = set()
        for xmlid in (*MANAGER_DASHBOARDS, *WORKER_DASHBOARDS):
            menu = self.env.ref("siao_justice." + xmlid.replace("_action", "_menu"))
            chain = self.env["ir.ui.menu"].search([("id", "parent_of", menu.id)])
            if all(
                not item.groups_id or item.groups_id & user.groups_id for item in chain
            ):
                visible.add(xmlid)
        return visible

    def in_days(self, days):
        return self.today + timedelta(days=days)

    # ---- Who sees which dashboard ----
    def test_coordinator_sees_every_dashboard(self):
        self.assertEqual(
            self.visible_menus(self.manager),
            {*MANAGER_DASHBOARDS, *WORKER_DASHBOARDS},
        )

    def test_worker_sees_only_their_own_dashboards(self):
        self.assertEqual(self.visible_menus(self.worker), set(WORKER_DASHBOARDS))

    def test_reader_and_accountant_see_no_dashboard(self):
        self.assertFalse(self.visible_menus(self.reader))
        self.assertFalse(self.visible_menus(self.accountant))
        self.assertFalse(self.visible_menus(self.internal))

    def test_accountant_cannot_read_names_through_a_dashboard(self):
        person = self.create_person(expected_release_date=self.in_days(10))
        person.activity_schedule("mail.mail_activity_data_todo", user_id=self.worker.id)
        for xmlid in MANAGER_DASHBOARDS + ("siao_dashboard_my_cases_action",):
            with self.subTest(dashboard=xmlid), self.assertRaises(AccessError):
                self.open_dashboard(xmlid, self.accountant)
        self.assertFalse(
            self.open_dashboard("siao_dashboard_my_activities_action", self.accountant)
        )

    # ---- What each dashboard shows ----
    def test_releases_without_a_solution_within_six_months(self):
        soon = self.create_person(
            last_name="Soon", expected_release_date=self.in_days(10)
        )
        later = self.create_person(
            last_name="Later", expected_release_date=self.in_days(300)
        )
        housed = self.create_person(
            last_name="Housed", expected_release_date=self.in_days(40)
        )
        place = self.env["siao.housing.place"].create(
            {
                "name": "Chambre 1",
                "place_type": "chrs",
                "structure_id": self.chrs.id,
                "available_from": self.today,
            }
        )
        self.env["siao.housing.reservation"].create(
            {
                "place_id": place.id,
                "detainee_id": housed.id,
                "kind": "reservation",
                "date_from": self.in_days(30),
                "date_to": self.in_days(60),
            }
        )
        shown = self.open_dashboard("siao_dashboard_release_action", self.manager)
        self.assertIn(soon, shown)
        self.assertNotIn(later, shown)
        self.assertNotIn(housed, shown)

    def test_lsc_deadlines_within_two_months(self):
        common = {"sentence_months": 18, "legal_status": "convicted"}
        due = self.create_person(
            last_name="Due", sentence_end_date=self.in_days(120), **common
        )
        far = self.create_person(
            last_name="Far", sentence_end_date=self.in_days(400), **common
        )
        self.assertEqual(
            due.lsc_automatic_date, self.in_days(120) - relativedelta(months=3)
        )
        shown = self.open_dashboard("siao_dashboard_lsc_action", self.manager)
        self.assertIn(due, shown)
        self.assertNotIn(far, shown)

    def test_requests_waiting_longest_come_first(self):
        Request = self.env["siao.request"]
        requests = Request
        for name, age in (("Recent", 3), ("Old", 40), ("Draft", 0)):
            person = self.create_person(
                last_name=name,
                consent_date=self.today,
                expected_release_date=self.in_days(90),
            )
            request = Request.create({"detainee_id": person.id})
            if name != "Draft":
                request.action_submit()
                request.sudo().request_date = self.today - timedelta(days=age)
            requests |= request
        recent, old, draft = requests
        shown = self.open_dashboard("siao_dashboard_request_action", self.manager)
        self.assertIn(old, shown)
        self.assertIn(recent, shown)
        self.assertNotIn(draft, shown)
        arch = Request.get_view(
            self.env.ref("siao_justice.siao_request_view_list_waiting").id, "list"
        )["arch"]
        order = etree.fromstring(arch).get("default_order")
        self.assertEqual(
            shown.search([("id", "in", (old | recent).ids)], order=order).ids,
            [old.id, recent.id],
        )
        self.assertGreater(old.age_days, recent.age_days)

    def test_active_files_per_worker(self):
        Measure = self.env["siao.avdl.measure"]
        persons = [self.create_person(last_name=f"Avdl {n}") for n in range(3)]
        active = Measure.create(
            {"detainee_id": persons[0].id, "user_id": self.worker.id}
        )
        other = Measure.create(
            {"detainee_id": persons[1].id, "user_id": self.worker_2.id}
        )
        cancelled = Measure.create(
            {"detainee_id": persons[2].id, "user_id": self.worker.id}
        )
        cancelled.action_cancel()
        shown = self.open_dashboard("siao_dashboard_avdl_action", self.manager)
        self.assertIn(active, shown)
        self.assertIn(other, shown)
        self.assertNotIn(cancelled, shown)
        per_worker = dict(
            Measure._read_group([("id", "in", shown.ids)], ["user_id"], ["__count"])
        )
        self.assertEqual(per_worker[self.worker], 1)
        self.assertEqual(per_worker[self.worker_2], 1)
        # The menu opens the board titled with the cap each worker is held to.
        self.speak_french(self.manager)
        self.manager.company_id.siao_avdl_max_active = 17
        action = (
            self.env.ref("siao_justice.siao_dashboard_avdl_server_action")
            .with_user(self.manager)
            .with_context(lang="fr_FR")
            .run()
        )
        self.assertEqual(action["res_model"], "siao.avdl.measure")
        self.assertEqual(action["display_name"], action["name"])
        self.assertIn("plafond : 17 par travailleur", action["name"])

    def test_places_free_today(self):
        Place = self.env["siao.housing.place"]
        free = Place.create(
            {
                "name": "Libre",
                "place_type": "chrs",
                "structure_id": self.chrs.id,
                "available_from": self.in_days(-30),
            }
        )
        occupied = Place.create(
            {
                "name": "Occupée",
                "place_type": "chrs",
                "structure_id": self.chrs.id,
                "available_from": self.in_days(-30),
            }
        )
        not_open_yet = Place.create(
            {
                "name": "Bientôt",
                "place_type": "chrs",
                "structure_id": self.chrs.id,
                "available_from": self.in_days(10),
            }
        )
        self.env["siao.housing.reservation"].create(
            {
                "place_id": occupied.id,
                "detainee_id": self.create_person().id,
                "kind": "occupation",
                "date_from": self.in_days(-5),
            }
        )
        shown = self.open_dashboard("siao_dashboard_place_action", self.manager)
        self.assertIn(free, shown)
        self.assertNotIn(occupied, shown)
        self.assertNotIn(not_open_yet, shown)

    def test_worker_sees_their_own_cases(self):
        mine = self.create_person(last_name="Mine", user_id=self.worker.id)
        theirs = self.create_person(last_name="Theirs", user_id=self.worker_2.id)
        shown = self.open_dashboard("siao_dashboard_my_cases_action", self.worker)
        self.assertIn(mine, shown)
        self.assertNotIn(theirs, shown)
        self.assertEqual(
            self.open_dashboard("siao_dashboard_my_cases_action", self.worker_2), theirs
        )

    def test_worker_sees_their_activities_on_siao_files(self):
        person = self.create_person(user_id=self.worker.id)
        mine = person.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.worker.id
        )
        theirs = person.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.worker_2.id
        )
        elsewhere = self.prison.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.worker.id
        )
        shown = self.open_dashboard("siao_dashboard_my_activities_action", self.worker)
        self.assertIn(mine, shown)
        self.assertNotIn(theirs, shown)
        self.assertNotIn(elsewhere, shown)
