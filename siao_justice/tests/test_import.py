from datetime import date

from odoo.tests import tagged

from .common import SiaoCase

HEADERS = (
    "Nom;Prénom;Date de naissance;Établissement;Numéro d'écrou;"
    "Date de libération prévisible;Fin de peine"
)
OPTIONS = {
    "has_headers": True,
    "separator": ";",
    "quoting": '"',
    "encoding": "utf-8",
    "date_format": "%d/%m/%Y",
}


@tagged("post_install", "-at_install")
class TestSpipListImport(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["siao_justice"], ["fr_FR"])
        cls.worker.lang = "fr_FR"
        cls.env["res.partner"].create(
            {"name": "Centre de détention d'Écrouves", "siao_partner_type": "prison"}
        )

    def import_list(self, *rows):
        """The worker imports a SPIP list through the standard import, in French."""
        content = "\n".join((HEADERS, *rows)) + "\n"
        wizard = (
            self.env["base_import.import"]
            .with_user(self.worker)
            .with_context(lang="fr_FR")
            .create(
                {
                    "res_model": "siao.detainee",
                    "file": content.encode(),
                    "file_name": "liste_spip.csv",
                    "file_type": "text/csv",
                }
            )
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertNotIn("error", preview)
        fields = [
            "/".join(preview["matches"].get(index, [])) or False
            for index in range(len(preview["headers"]))
        ]
        self.assertEqual(
            fields,
            [
                "last_name",
                "first_name",
                "birthdate",
                "prison_id",
                "prison_number",
                "expected_release_date",
                "sentence_end_date",
            ],
        )
        return wizard.execute_import(fields, preview["headers"], dict(OPTIONS))

    def persons(self):
        return self.Person.search(
            [("prison_number", "in", ("68T001", "67O002", "68T003"))]
        )

    def test_reimporting_the_list_updates_the_release_date_without_duplicates(self):
        first = self.import_list(
            "DUPONT;Karim;14/03/1988;Maison d'arrêt de test;68T001;01/03/2027;"
            "01/09/2027",
            "N'DIAYE;Aïssatou;05/07/1992;CENTRE DE DETENTION D'ECROUVES;67O002;"
            "14/01/2028;14/04/2028",
        )
        self.assertEqual(first["messages"], [])
        persons = self.persons()
        self.assertEqual(len(persons), 2)
        karim = persons.filtered(lambda p: p.first_name == "Karim")
        self.assertEqual(karim.prison_id, self.prison)
        self.assertEqual(karim.birthdate, date(1988, 3, 14))
        self.assertEqual(karim.user_id, self.worker)
        self.assertEqual(
            persons.filtered(lambda p: p.prison_number == "67O002").prison_id.name,
            "Centre de détention d'Écrouves",
        )

        second = self.import_list(
            "DUPONT;Karim;14/03/1988;Maison d'arrêt de test;68T001;15/04/2027;",
            "N'DIAYE;Aïssatou;05/07/1992;Centre de détention d'Écrouves;67O002;"
            "14/01/2028;14/04/2028",
            "WEBER;Thomas;30/01/2001;Maison d'arrêt de test;68T003;;",
        )
        self.assertEqual(second["messages"], [])
        self.assertEqual(len(self.persons()), 3, "only the new person is created")
        self.assertIn(karim.id, second["ids"])
        self.assertEqual(karim.expected_release_date, date(2027, 4, 15))
        self.assertEqual(
            karim.sentence_end_date,
            date(2027, 9, 1),
            "an empty cell leaves the known end of sentence",
        )
        tracking = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", karim.message_ids.ids),
                    ("field_id.name", "=", "expected_release_date"),
                ]
            )
        )
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.old_value_datetime.date(), date(2027, 3, 1))
        self.assertEqual(tracking.new_value_datetime.date(), date(2027, 4, 15))

    def test_unknown_prison_is_a_clear_error_and_imports_nothing(self):
        before = self.Person.search_count([])
        result = self.import_list(
            "DUPONT;Karim;14/03/1988;Maison d'arrêt de test;68T001;01/03/2027;",
            "LEROY;Sébastien;22/11/1975;Maison d'arrêt de Nulle-Part;68X002;"
            "10/10/2027;",
        )
        self.assertFalse(result["ids"])
        self.assertEqual(len(result["messages"]), 1)
        message = result["messages"][0]
        self.assertEqual(message["type"], "error")
        self.assertEqual(message["rows"], {"from": 1, "to": 1})
        self.assertIn("Maison d'arrêt de Nulle-Part", message["message"])
        self.assertIn("inconnu", message["message"])
        self.assertEqual(self.Person.search_count([]), before)

    def test_a_person_of_another_company_is_not_updated(self):
        elsewhere = self.create_person(
            company_id=self.company_b.id,
            user_id=self.worker_b.id,
            prison_number="68T001",
            expected_release_date=date(2027, 1, 1),
        )
        result = (
            self.Person.with_user(self.worker)
            .with_context(import_file=True)
            .load(
                ["last_name", "prison_id", "prison_number", "expected_release_date"],
                [["Dupont", "Maison d'arrêt de test", "68T001", "2027-06-01"]],
            )
        )
        self.assertEqual(result["messages"], [])
        created = self.Person.browse(result["ids"])
        self.assertNotEqual(created, elsewhere)
        self.assertEqual(created.company_id, self.company)
        self.assertEqual(elsewhere.expected_release_date, date(2027, 1, 1))

    def test_a_prison_name_given_twice_is_refused(self):
        self.env["res.partner"].create(
            {"name": "Maison d'arrêt de test", "siao_partner_type": "prison"}
        )
        result = self.import_list(
            "DUPONT;Karim;14/03/1988;Maison d'arrêt de test;68T001;01/03/2027;"
        )
        self.assertFalse(result["ids"])
        self.assertIn("Plusieurs établissements", result["messages"][0]["message"])
        self.assertFalse(self.persons())

    def test_a_hidden_file_with_the_same_prison_number_is_not_duplicated(self):
        secret = self.create_person(
            last_name="Secret",
            confidential=True,
            user_id=self.worker_2.id,
            prison_number="68T001",
        )
        result = self.import_list(
            "DUPONT;Karim;14/03/1988;Maison d'arrêt de test;68T001;01/03/2027;"
        )
        self.assertFalse(result["ids"])
        self.assertIn(
            "Une autre personne a déjà ce numéro d'écrou",
            " ".join(message["message"] for message in result["messages"]),
        )
        self.assertEqual(self.persons(), secret)
        self.assertEqual(secret.last_name, "Secret")

    def test_the_import_template_is_the_sample_spip_list(self):
        templates = self.Person.get_import_templates()
        self.assertEqual(
            templates[0]["template"],
            "/siao_justice/static/import/liste_spip_exemple.csv",
        )
