import os

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@tagged("post_install", "-at_install")
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
