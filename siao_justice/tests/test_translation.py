import ast
import os
import re

import polib

from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import file_path, html2plaintext
from odoo.tools.translate import TranslationModuleReader

from ..models.record_tools import wizard_action

I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@tagged("post_install", "-at_install", "siao_settings")
class TestFrenchTranslation(TransactionCase):
    def test_every_term_of_the_module_is_translated_in_french(self):
        french = {
            entry.msgid: entry.msgstr
            for entry in polib.pofile(os.path.join(I18N, "fr.po"))
            if not entry.obsolete
        }
        terms = {
            source
            for _m, _t, _n, _r, source, _v, _c in TranslationModuleReader(
                self.env.cr, ["siao_justice"]
            )
        }
        self.assertGreater(len(terms), 100)
        missing = sorted(term for term in terms if not french.get(term))
        self.assertEqual(
            missing, [], f"{len(missing)} terms without a French translation"
        )

    def test_template_and_french_file_list_the_same_terms(self):
        template = {
            entry.msgid
            for entry in polib.pofile(os.path.join(I18N, "siao_justice.pot"))
        }
        french = {
            entry.msgid
            for entry in polib.pofile(os.path.join(I18N, "fr.po"))
            if not entry.obsolete
        }
        self.assertEqual(template, french)


@tagged("post_install", "-at_install", "siao_settings")
class TestDialogsHaveFrenchTitles(TransactionCase):
    """A dialog the addon opens is titled, in French for a French user: no dialog
    titled "Odoo"."""

    MODULE = os.path.dirname(os.path.dirname(__file__))

    def test_every_dialog_action_in_the_code_has_a_title(self):
        untitled = []
        for folder, _dirs, files in os.walk(self.MODULE):
            if os.sep + "tests" in folder:
                continue
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as source:
                    tree = ast.parse(source.read())
                for node in ast.walk(tree):
                    if not isinstance(node, ast.Dict):
                        continue
                    keys = {
                        key.value: value
                        for key, value in zip(node.keys, node.values, strict=True)
                        if isinstance(key, ast.Constant)
                    }
                    target, kind = keys.get("target"), keys.get("type")
                    if (
                        isinstance(target, ast.Constant)
                        and target.value == "new"
                        and isinstance(kind, ast.Constant)
                        and kind.value == "ir.actions.act_window"
                        and "name" not in keys
                    ):
                        untitled.append(
                            f"{os.path.relpath(path, self.MODULE)}:{node.lineno}"
                        )
        self.assertEqual(untitled, [])

    def test_every_wizard_of_the_addon_opens_with_a_french_title(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.env(context={"lang": "fr_FR"})
        wizards = (
            self.env["ir.model"]
            .browse(
                self.env["ir.model.data"]
                .search([("module", "=", "siao_justice"), ("model", "=", "ir.model")])
                .mapped("res_id")
            )
            .filtered("transient")
        )
        checked = 0
        for wizard in wizards:
            kind = self.env[wizard.model]._fields.get("kind")
            kinds = [value for value, _label in kind.selection] if kind else [None]
            for value in kinds:
                defaults = {"kind": value} if value else {}
                english = wizard_action(self.env, wizard.model, **defaults)["name"]
                title = wizard_action(french, wizard.model, **defaults)["name"]
                with self.subTest(wizard=wizard.model, kind=value):
                    self.assertTrue(title)
                    self.assertNotEqual(title, "Odoo")
                    self.assertNotEqual(title, english, "not translated")
                checked += 1
        self.assertGreater(checked, 10)
        actions = self.env["ir.actions.act_window"].search(
            [("target", "=", "new"), ("res_model", "like", "siao.%")]
        )
        for action in actions:
            with self.subTest(action=action.xml_id):
                self.assertNotEqual(
                    action.with_env(french).name, action.name, "not translated"
                )


@tagged("post_install", "-at_install", "siao_settings")
class TestDemoSpeaksFrench(TransactionCase):
    """The demo database a new team opens (make run) speaks French, its history
    included, and carries a believable French association, not Odoo's demo
    company."""

    def test_no_english_message_in_the_demos_chatter(self):
        english = {
            entry.msgid.casefold()
            for entry in polib.pofile(os.path.join(I18N, "fr.po"))
            if entry.msgstr and entry.msgstr != entry.msgid
        }
        messages = self.env["mail.message"].search([("model", "like", "siao.%")])
        self.assertTrue(messages)
        wrong = []
        for message in messages:
            text = html2plaintext(message.body or "").strip()
            if text.casefold() in english or re.search(
                r"\b(created|updated)\b", text, re.IGNORECASE
            ):
                wrong.append(f"{message.model},{message.res_id}: {text}")
        self.assertEqual(wrong, [])

    def test_the_demo_opens_on_a_working_day(self):
        """Activities scheduled at install, requests of different ages, a past
        commission with its minutes."""
        alerts = self.env["siao.deadline.alert"]
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "siao.detainee"),
                ("activity_type_id", "in", alerts._activity_type_ids()),
            ]
        )
        self.assertGreaterEqual(len(activities), 3)
        ages = set(self.env["siao.request"].search([]).mapped("age_days"))
        self.assertGreaterEqual(len(ages), 3)
        closed = self.env["siao.commission.meeting"].search([("state", "=", "closed")])
        self.assertTrue(closed)
        # Written at their first opening (no web server runs at install).
        action = (
            closed[:1]
            .with_user(self.env.ref("siao_justice.user_spip"))
            .action_open_minutes()
        )
        self.assertTrue(closed[:1].minutes_attachment_id)
        self.assertIn(str(closed[:1].minutes_attachment_id.id), action["url"])

    def test_the_demo_company_is_a_french_association(self):
        partner = self.env.ref("base.main_company").partner_id
        self.assertEqual(partner.country_id, self.env.ref("base.fr"))
        self.assertEqual(partner.zip[:2], "68")
        for value in (partner.email, partner.phone, partner.street, partner.city):
            self.assertNotRegex(
                value or "", r"(?i)yourcompany|san francisco|\+1 |executive park"
            )
        self.assertTrue(partner.phone.startswith("+33"))

    def test_the_demo_holds_only_its_own_world(self):
        """No sample company, contact or Discuss channel of Odoo's demo is
        reachable; the administrator is the association's; the commissions are
        named in French."""
        Data = self.env["ir.model.data"]
        samples = Data.search(
            [
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("module", "!=", "siao_justice"),
                "&",
                ("model", "=", "discuss.channel"),
                ("module", "=", "mail"),
            ]
        )
        self.assertTrue(samples)
        kept = {
            "base.main_partner",
            "base.partner_root",
            "base.partner_admin",
            "base.public_partner",
            "base.partner_demo",
            "base.partner_demo_portal",
            "mail.channel_all_employees",
            "mail.channel_admin",
        }
        active = [
            f"{entry.module}.{entry.name}"
            for entry in samples
            if f"{entry.module}.{entry.name}" not in kept
            and self.env[entry.model].browse(entry.res_id).exists().active
        ]
        self.assertEqual(active, [])
        self.assertNotIn("Mitchell", self.env.ref("base.partner_admin").name)
        meetings = self.env["siao.commission.meeting"].search([])
        self.assertTrue(meetings)
        for meeting in meetings:
            self.assertRegex(meeting.name, r"^Commission justice du \d\d/\d\d/\d{4}$")

    def test_odoo_s_privacy_lookup_has_a_french_name(self):
        action = self.env.ref(
            "privacy_lookup.ir_action_server_action_privacy_lookup_partner"
        )
        self.assertEqual(
            action.with_context(lang="fr_FR").name,
            "Recherche de données personnelles",
        )


@tagged("post_install", "-at_install", "siao_portal")
class TestPortalChatterSpeaksFrench(HttpCase):
    def test_every_word_of_the_chatter_s_messages_reaches_the_portal_in_french(self):
        """The portal loads its words from the frontend's translations: every
        word mail's message model (the chatter's dates and authors) may show is
        served there in French, Odoo's own or the addon's."""
        response = self.url_open("/website/translations/siao?lang=fr_FR")
        served = {}
        for module in response.json()["modules"].values():
            for message in module["messages"]:
                served[message["id"]] = message["string"]
        mail_po = polib.pofile(file_path("mail/i18n/fr.po"))
        shown = [
            entry.msgid
            for entry in mail_po
            if any(
                path.endswith("core/common/message_model.js")
                for path, _line in entry.occurrences
            )
        ]
        self.assertIn("Today at %(time)s", shown)
        for msgid in shown:
            with self.subTest(msgid=msgid):
                self.assertTrue(served.get(msgid), msgid)
                self.assertNotEqual(served[msgid], msgid)
