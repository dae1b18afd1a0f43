"""Who may do what: every cell of data/role_matrix.csv and data/record_scopes.csv is
tried. Changing the matrix without changing the code (or the reverse) fails here."""

import csv
import os
from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.res_users import ROLE_HOME_ACTIONS
from .common import SiaoCase

DATA = os.path.join(os.path.dirname(__file__), "data")
OPERATIONS = ("read", "write", "create", "unlink")


def load(name):
    with open(os.path.join(DATA, name), newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@tagged("post_install", "-at_install", "siao_access")
class TestRoleMatrix(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "reader": cls.reader,
            "user": cls.worker,
            "manager": cls.manager,
            "reporting": cls.accountant,
            "internal": cls.internal,
            "portal": cls.portal,
        }
        person = cls.create_person(
            consent_date=date(2025, 1, 1),
            consent_scope="siao_spip",
            expected_release_date=cls.today + timedelta(days=20),
        )
        complete = cls.create_complete_file(person, text="matrix")
        request, meeting = complete["siao.request"], complete["siao.commission.meeting"]
        line, measure = complete["siao.commission.line"], complete["siao.avdl.measure"]
        place = complete["siao.housing.place"]
        reservation = complete["siao.housing.reservation"]
        # A structure's refusal, a contingent: their records and figures.
        cls._a_structure_s_refusal()
        tag = cls.env["siao.need.tag"].create({"name": "Animal de la matrice"})
        convention = cls._a_contingent(place)
        permanence = complete["siao.permanence"]
        permanence_line = complete["siao.permanence.line"]
        access = cls._an_officer_s_access()
        person.action_record_release(release_date=cls.today, outcome="family")
        cls.env.flush_all()
        cls.records = {
            "siao.detainee": person,
            "siao.request": request,
            "siao.request.history": request.history_ids[:1],
            "siao.resource.right": person.resource_right_ids[:1],
            "siao.deadline.alert": person.alert_ids[:1],
            "siao.commission.meeting": meeting,
            "siao.commission.line": line,
            "siao.file.handover": complete["siao.file.handover"],
            "siao.avdl.measure": measure,
            "siao.avdl.file": cls.env["siao.avdl.file"].search(
                [("user_id", "=", cls.worker.id)]
            ),
            "siao.avdl.renewal": measure.renewal_ids,
            "siao.housing.place": place,
            "siao.housing.reservation": reservation,
            "siao.detainee.stay": person.stay_ids,
            "siao.detainee.transfer": person.stay_ids.transfer_ids,
            "siao.spip.exchange": complete["siao.spip.exchange"],
            "siao.need.tag": tag,
            "siao.spip.access": access,
            "siao.spip.proposal": cls.env["siao.spip.proposal"].create(
                {
                    "kind": "referral",
                    "access_id": access.id,
                    "company_id": cls.company.id,
                    "last_name": "Proposé",
                }
            ),
            "siao.convention": convention,
            "siao.permanence": permanence,
            "siao.permanence.line": permanence_line,
            "siao.consent": person.consent_ids[:1],
            "siao.wish": complete["siao.wish"][:1],
            "siao.request.member": complete["siao.request.member"],
            "siao.letter": complete["siao.letter"],
            "siao.attestation": complete["siao.attestation"],
            "siao.hearing": complete["siao.hearing"],
            "siao.release.plan": complete["siao.release.plan"],
            "siao.access.log": cls._read_by_the_worker(person),
            "siao.cpom.report.wizard": cls.env["siao.cpom.report.wizard"].create({}),
            "siao.settings": cls.env["siao.settings"].create({}),
            "siao.detainee.merge": cls.env["siao.detainee.merge"].create(
                {"detainee_ids": [(6, 0, person.ids)], "target_id": person.id}
            ),
        }
        cls.transient_values = {
            "siao.cpom.report.wizard": {},
            "siao.settings": {},
            "siao.detainee.merge": {
                "detainee_ids": [(6, 0, person.ids)],
                "target_id": person.id,
            },
        }
        meeting.action_close()
        cls.meeting = meeting
        cls.env.flush_all()
        for model in [*cls.report_models(), "siao.report.contingent"]:
            cls.records[model] = cls.env[model].search([], limit=1)

    @classmethod
    def _a_structure_s_refusal(cls):
        refused = cls.create_person(
            last_name="Refusé",
            consent_date=date(2025, 1, 1),
            expected_release_date=cls.today + timedelta(days=40),
        )
        refusal = cls.env["siao.request"].create(
            {"detainee_id": refused.id, "orientation": "chrs"}
        )
        refusal.action_submit()
        refusal.action_orient()
        refusal.action_refuse("structure", "no_place")

    @classmethod
    def _a_contingent(cls, place):
        return cls.env["siao.convention"].create(
            {
                "name": "Contingent de la matrice",
                "partner_id": place.structure_id.id,
                "kind": "contingent",
                "place_count": 1,
                "place_ids": [(6, 0, place.ids)],
                "signature_date": cls.today - timedelta(days=40),
                "date_start": cls.today - timedelta(days=30),
            }
        )

    @classmethod
    def _an_officer_s_access(cls):
        spip = cls.env["res.partner"].create(
            {
                "name": "SPIP de la matrice",
                "is_company": True,
                "siao_partner_type": "spip",
            }
        )
        officer = cls.create_officer("cpip_matrice", spip)
        return cls.env["siao.spip.access"]._access_of(officer)

    @classmethod
    def _read_by_the_worker(cls, person):
        """The log's entry of the worker's reading of ``person``."""
        person.with_user(cls.worker).read(["name"])
        cls.env.cr.flush()  # the request's end writes the log
        return cls.env["siao.access.log"].search(
            [("detainee_id", "=", person.id), ("user_id", "=", cls.worker.id)]
        )

    @classmethod
    def report_models(cls):
        """Every anonymised report view the registry knows."""
        return [
            name
            for name, model in cls.env.registry.items()
            if "siao.report.mixin" in model._inherit and not model._abstract
        ]

    def allowed(self, record, user, operation):
        if record._transient:
            # A wizard is its creator's alone: the matrix says who may have one.
            record = self.env[record._name].browse()
            if self.env[record._name].with_user(user).has_access("create"):
                record = (
                    self.env[record._name]
                    .with_user(user)
                    .sudo()
                    .create(self.transient_values[record._name])
                )
        try:
            record = record.with_user(user)
            if record._name == "ir.attachment":  # its access is the document's
                record.check(operation)
            elif operation == "create":
                record.browse().check_access("create")
            else:
                record.check_access(operation)
        except AccessError:
            return False
        return True

    def test_every_cell_of_the_role_matrix(self):
        rows = load("role_matrix.csv")
        self.assertEqual(
            {row["model"] for row in rows},
            set(self.records),
            "every model is in the matrix",
        )
        for row in rows:
            record = self.records[row["model"]]
            self.assertTrue(record, row["model"])
            user = self.users[row["group"]]
            for operation in OPERATIONS:
                with self.subTest(
                    model=row["model"], group=row["group"], operation=operation
                ):
                    self.assertEqual(
                        self.allowed(record, user, operation), row[operation] == "1"
                    )

    def scope_records(self, scope, user):
        """The record a scope is about, seen by ``user``'s group."""
        secret = self.create_person(
            last_name="Secret", confidential=True, user_id=self.worker_2.id
        )
        if scope == "other_company_person":
            return self.create_person(
                last_name="Other",
                company_id=self.company_b.id,
                user_id=self.worker_b.id,
                prison_id=False,
            )
        if scope == "confidential_person_of_another_worker":
            return secret
        if scope == "confidential_person_followed":
            return self.create_person(
                last_name="Mine", confidential=True, user_id=user.id
            )
        if scope in ("measure_of_another_worker", "own_measure"):
            owner = user if scope == "own_measure" else self.worker_2
            return self.env["siao.avdl.measure"].create(
                {
                    "detainee_id": self.create_person(
                        last_name="M",
                        consent_date=date(2025, 1, 1),
                        consent_scope="partners",
                    ).id,
                    "user_id": owner.id,
                }
            )
        if scope.startswith("person_consent_"):
            consent = scope.removeprefix("person_consent_")
            return self.create_person(
                last_name="Consent",
                user_id=self.worker_2.id,
                consent_date=date(2025, 1, 1) if consent != "none" else False,
                consent_scope=consent if consent != "none" else False,
            )
        if scope == "chatter_of_confidential_person":
            secret.message_post(body="Note confidentielle", message_type="comment")
            return secret.message_ids[:1]
        if scope == "attachment_of_confidential_person":
            return self.env["ir.attachment"].create(
                {
                    "name": "secret.txt",
                    "raw": b"x",
                    "res_model": "siao.detainee",
                    "res_id": secret.id,
                }
            )
        if scope == "activity_of_confidential_person":
            return secret.activity_schedule(
                "mail.mail_activity_data_todo", user_id=self.worker_2.id
            )
        if scope == "followers_of_confidential_person":
            secret.message_subscribe(partner_ids=self.worker_2.partner_id.ids)
            return secret.message_follower_ids[:1]
        if scope == "commission_minutes":
            return self.meeting.minutes_attachment_id
        raise AssertionError(scope)

    def test_every_record_scope(self):
        for row in load("record_scopes.csv"):
            user = self.users[row["group"]]
            record = self.scope_records(row["scope"], user)
            self.assertTrue(record, row["scope"])
            for operation in ("read", "write"):
                with self.subTest(
                    scope=row["scope"], group=row["group"], operation=operation
                ):
                    self.assertEqual(
                        self.allowed(record, user, operation), row[operation] == "1"
                    )

    def company_models(self):
        """Every model of the addon whose records carry a company of their own."""
        return [
            name
            for name, record in self.records.items()
            if not record._transient
            and (field := record._fields.get("company_id"))
            and field.store
            and not field.related
            and not field.compute
        ]

    def test_no_record_moves_into_another_company(self):
        """Each role, on every model of the addon with a company: a record never
        goes into a company its user does not work in, by a change or at its
        creation; a coordinator of both companies moves no record with a history
        (its file's records move with it, through the file's transfer)."""
        models = self.company_models()
        self.assertGreaterEqual(len(models), 10, models)
        self.assertTrue(self.records["siao.detainee"]._has_history())
        both = self._user("siao_manager_ab", "siao_justice.group_siao_manager")
        both.company_ids = self.company | self.company_b
        refused = UserError  # access errors and validation errors are user errors
        for model in models:
            record = self.records[model]
            company = record.company_id  # its own, or none (shared)
            for group, user in self.users.items():
                with self.subTest(model=model, group=group):
                    with self.assertRaises(refused), self.env.cr.savepoint():
                        record.with_user(user).write({"company_id": self.company_b.id})
                    self.assertEqual(record.company_id, company)
            # A coordinator of both companies: a record with a history stays.
            if getattr(record, "_has_history", lambda: True)():
                with self.subTest(model=model, group="both companies"):
                    with self.assertRaises(refused), self.env.cr.savepoint():
                        record.with_user(both).write({"company_id": self.company_b.id})
                    self.assertEqual(record.company_id, company)
            for group, user in self.users.items():
                Model = self.env[model].with_user(user)
                if not Model.has_access("create"):
                    continue
                with self.subTest(model=model, group=group, creation=True):
                    with self.assertRaises(refused), self.env.cr.savepoint():
                        Model.create({"company_id": self.company_b.id})

    def test_a_coordinator_moves_a_file_with_its_records(self):
        both = self._user("siao_manager_both", "siao_justice.group_siao_manager")
        both.company_ids = self.company | self.company_b
        person = self.create_person(last_name="Demenage")
        request = self.env["siao.request"].create({"detainee_id": person.id})
        with self.assertRaises(AccessError):
            person.with_user(self.manager).action_move_to_company(self.company_b.id)
        with self.assertRaises(AccessError):
            person.with_user(self.worker).action_move_to_company(self.company_b.id)
        # The person's consent first, as the sending company's rules ask.
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            person.with_user(both).action_move_to_company(self.company_b.id)
        person.with_user(both).action_move_to_company(
            self.company_b.id, consent_date=self.today
        )
        self.assertEqual(
            (person.company_id, request.company_id, person.stay_ids.company_id),
            (self.company_b, self.company_b, self.company_b),
        )
        # Through a handover, accepted at once: its past counts where it was.
        self.assertEqual(person.handover_ids.state, "accepted")
        self.assertTrue(person.handed_over)
        # A file with support under way in its company (a case on a commission
        # to come, a place held, an AVDL measure) stays.
        kept = self.records["siao.detainee"]
        with self.assertRaises(UserError), self.env.cr.savepoint():
            kept.with_user(both).action_move_to_company(self.company_b.id)
        self.assertEqual(kept.company_id, self.company)

    def test_an_accountant_cannot_join_the_rows_of_report_views(self):
        """The rule: what an accountant reads ties no two rows of different report
        views (nor a refusal's need and any other row) to one person: no person
        key is offered, and each view's ids are its own, unrelated to the ids of
        another view or of the association's records."""
        views = [*self.report_models(), "siao.report.contingent"]
        ids = {}
        for model in views:
            Model = self.env[model].with_user(self.accountant)
            self.assertNotIn("person_key", Model._fields)
            self.assertFalse(
                [
                    name
                    for name, field in Model._fields.items()
                    if field.type in ("char", "text", "html") and name != "display_name"
                ],
                model,
            )
            with self.assertRaises(ValueError):
                Model.search_read([], ["person_key"])
            ids[model] = set(Model.search([]).ids)
            self.assertTrue(ids[model], model)
        for index, first in enumerate(views):
            for second in views[index + 1 :]:
                self.assertFalse(ids[first] & ids[second], (first, second))
        # Nor the source's ids, by any arithmetic the views once used.
        sources = set()
        for model in ("siao.request", "siao.request.history", "siao.avdl.measure"):
            sources |= set(self.env[model].search([]).ids)
        for model in views:
            derived = ids[model] | {i // 100000 for i in ids[model]}
            derived |= {i // 10000 for i in ids[model]}
            self.assertFalse(derived & sources, model)

    def test_restricted_fields_are_refused_and_absent_from_the_figures(self):
        person = self.records["siao.detainee"]
        for field in ("restrictions", "notes", "need_tag_ids"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                person.with_user(self.reader).read([field])
            with self.subTest(field=field), self.assertRaises(AccessError):
                person.with_user(self.reader).write({field: "x"})
        with self.assertRaises(AccessError):
            person.with_user(self.worker).read(["nir"])
        for model in self.report_models():
            self.assertFalse(
                {"nir", "restrictions", "notes"} & set(self.env[model]._fields), model
            )


@tagged("post_install", "-at_install", "siao_access")
class TestRoleHomeAndMenus(SiaoCase):
    """Each role opens on its own screen (not Discuss), and sees the menus of its
    work only."""

    def test_each_role_opens_on_its_screen_the_highest_role_first(self):
        users = {
            "siao_justice.group_siao_manager": self.manager,
            "siao_justice.group_siao_user": self.worker,
            "siao_justice.group_siao_reader": self.reader,
            "siao_justice.group_siao_reporting": self.accountant,
        }
        for group, action in ROLE_HOME_ACTIONS:
            with self.subTest(group=group):
                self.assertEqual(users[group].action_id.id, self.env.ref(action).id)
                # A window the web client can open for that role.
                self.assertTrue(
                    self.env["ir.actions.actions"]
                    .with_user(users[group])
                    ._for_xml_id(action)
                )
        self.assertFalse(self.internal.action_id)
        # A worker made coordinator opens on the coordinator's screen.
        self.worker.groups_id = [
            (4, self.env.ref("siao_justice.group_siao_manager").id)
        ]
        self.assertEqual(
            self.worker.action_id.id, self.env.ref(ROLE_HOME_ACTIONS[0][1]).id
        )
        # A home chosen for someone is theirs to keep.
        chosen = self.env["ir.actions.actions"].browse(
            self.env.ref("siao_justice.siao_commission_meeting_action").id
        )
        self.reader.action_id = chosen
        self.reader.groups_id = [(4, self.env.ref("siao_justice.group_siao_user").id)]
        self.assertEqual(self.reader.action_id.id, chosen.id)

    def test_the_reader_and_the_accountant_see_no_place_board_nor_dialog_first(self):
        Menu = self.env["ir.ui.menu"]
        places = self.env.ref("siao_justice.siao_housing_place_board_menu")
        for user in (self.reader, self.accountant):
            visible = Menu.with_user(user)._visible_menu_ids()
            self.assertNotIn(places.id, visible)
        # The accountant's app opens on a report, not on the workbook dialog: the
        # web client opens the first visible menu, level by level.
        menu = self.env.ref("siao_justice.siao_justice_menu_root")
        visible = Menu.with_user(self.accountant)._visible_menu_ids()
        while not menu.action:
            menu = menu.child_id.filtered(lambda m: m.id in visible).sorted(
                lambda m: (m.sequence, m.id)
            )[:1]
            self.assertTrue(menu)
        self.assertNotEqual(menu.action.target, "new")

    def test_outside_partners_and_accountants_see_no_apps_menu(self):
        apps = self.env.ref("base.menu_management")
        dashboards = self.env.ref(
            "spreadsheet_dashboard.spreadsheet_dashboard_menu_root"
        )
        for user in (self.reader, self.accountant):
            with self.subTest(user=user.login):
                menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
                for menu in (apps, dashboards):
                    self.assertNotIn(menu.id, menus["root"]["children"])
                    self.assertNotIn(menu.id, menus)
        # Who works the files keeps what Odoo gives every internal user.
        menus = self.env["ir.ui.menu"].with_user(self.worker).load_menus(False)
        self.assertEqual(
            apps.id in menus["root"]["children"],
            apps.id
            in self.env["ir.ui.menu"].with_user(self.internal)._visible_menu_ids(),
        )

    def test_who_may_not_change_a_file_is_not_offered_to_schedule_activities(self):
        for model in ("siao.detainee", "siao.request", "siao.avdl.measure"):
            with self.subTest(model=model):
                views = (
                    self.env[model].with_user(self.reader).get_views([(False, "form")])
                )
                self.assertFalse(views["models"][model].get("has_activities"))
                views = (
                    self.env[model].with_user(self.worker).get_views([(False, "form")])
                )
                self.assertTrue(views["models"][model].get("has_activities"))
