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


@tagged("post_install", "-at_install", "siao_file")
class TestSpipListImport(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.speak_french(cls.worker)
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

    def test_a_date_that_does_not_exist_is_named_in_french_with_its_row(self):
        before = self.Person.search_count([])
        result = self.import_list(
            "DUPONT;Karim;14/03/1988;Maison d'arrêt de test;68T001;01/03/2027;",
            "LEROY;Sébastien;31/02/1975;Maison d'arrêt de test;68X002;10/10/2027;",
            "WEBER;Thomas;30/01/2001;Maison d'arrêt de test;68T003;;",
            "MARTIN;Léa;2001-13-01;Maison d'arrêt de test;68T004;;",
        )
        self.assertFalse(result.get("ids"))
        self.assertEqual(len(result["messages"]), 1)
        message = result["messages"][0]["message"]
        self.assertIn("Date de naissance", message)
        # Rows are counted as every other message of the import counts them.
        self.assertIn("Ligne 2 : « 31/02/1975 »", message)
        self.assertIn("Ligne 4 : « 2001-13-01 »", message)
        self.assertNotIn("Ligne 1 ", message)
        self.assertNotIn("out of range", message)
        self.assertNotIn("birthdate", message)
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


@tagged("post_install", "-at_install", "siao_file")
class TestImportFollowsThePerson(SiaoCase):
    """The SPIP's list names a known person under a new prison number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.speak_french(cls.worker)
        cls.other_prison = cls.env["res.partner"].create(
            {"name": "Centre de détention d'Écrouves", "siao_partner_type": "prison"}
        )
        cls.spip = cls.env["res.partner"].create(
            {
                "name": "SPIP du Haut-Rhin",
                "is_company": True,
                "siao_partner_type": "spip",
            }
        )
        cls.cpip = cls.env["res.partner"].create(
            {"name": "Claire Officier", "parent_id": cls.spip.id}
        )

    def load(self, fields, *rows):
        return (
            self.Person.with_user(self.worker)
            .with_context(import_file=True, lang="fr_FR")
            .load(fields, [list(row) for row in rows])
        )

    def assertRowRefused(self, result, row, text, count_before):
        """The import stopped on ``row`` alone, saying ``text``; nothing was
        imported."""
        self.assertFalse(result["ids"])
        self.assertEqual(
            [(m["type"], m["record"]) for m in result["messages"]], [("error", row)]
        )
        self.assertIn(text, result["messages"][0]["message"])
        self.assertEqual(self.Person.search_count([]), count_before)

    FIELDS = (
        "last_name",
        "first_name",
        "birthdate",
        "prison_id",
        "prison_number",
        "expected_release_date",
        "sentence_months",
        "spip_referent_id",
    )

    def test_a_transfer_is_recognised_and_reported(self):
        person = self.create_person(
            last_name="N'Diaye",
            first_name="Aïssatou",
            birthdate=date(1992, 7, 5),
            prison_number="68T001",
        )
        stay = person.current_stay_id
        result = self.load(
            self.FIELDS,
            (
                "NDIAYE",
                "aissatou",
                "1992-07-05",
                "CENTRE DE DETENTION D'ECROUVES",
                "67O999",
                "2027-01-14",
                "18",
                "Claire Officier",
            ),
        )
        self.assertEqual(
            [m["type"] for m in result["messages"]], ["info"], result["messages"]
        )
        self.assertIn("transfert", result["messages"][0]["message"])
        self.assertEqual(result["ids"], [person.id])
        self.assertEqual(
            self.Person.search_count([("birthdate", "=", date(1992, 7, 5))]), 1
        )
        self.assertEqual(person.prison_id, self.other_prison)
        self.assertEqual(person.prison_number, "67O999")
        self.assertEqual(person.current_stay_id, stay)
        self.assertEqual(stay.transfer_ids.from_prison_id, self.prison)
        self.assertEqual(stay.transfer_ids.from_prison_number, "68T001")
        # The new columns: sentence length (LSC date) and CPIP.
        self.assertEqual(person.sentence_months, 18)
        self.assertEqual(person.spip_referent_id, self.cpip)
        self.assertEqual(person.expected_release_date, date(2027, 1, 14))

    def test_a_released_person_found_again_starts_a_new_stay(self):
        person = self.create_person(
            last_name="Weber",
            first_name="Thomas",
            birthdate=date(2001, 1, 30),
            prison_number="68T003",
        )
        person.action_record_release(release_date=date(2024, 6, 1), outcome="family")
        result = self.load(
            (*self.FIELDS[:6], "incarceration_date"),
            (
                "Weber",
                "Thomas",
                "2001-01-30",
                "Maison d'arrêt de test",
                "68T777",
                "2026-10-01",
                "2026-02-01",
            ),
        )
        self.assertEqual([m["type"] for m in result["messages"]], ["info"])
        self.assertIn(
            "nouvelle incarcération", result["messages"][0]["message"].lower()
        )
        self.assertEqual(person.state, "detained")
        self.assertEqual(len(person.stay_ids), 2)
        self.assertEqual(person.incarceration_date, date(2026, 2, 1))
        self.assertEqual(person.prison_number, "68T777")
        self.assertEqual(person.expected_release_date, date(2026, 10, 1))
        self.assertEqual(
            person.stay_ids.filtered("actual_release_date").prison_number, "68T003"
        )

    def test_two_candidates_stop_the_row(self):
        for number in ("A1", "A2"):
            self.create_person(
                last_name="Leroy",
                first_name="Sébastien",
                birthdate=date(1975, 11, 22),
                prison_number=number,
            )
        before = self.Person.search_count([])
        result = self.load(
            self.FIELDS[:5],
            ("LEROY", "Sebastien", "1975-11-22", "Maison d'arrêt de test", "A3"),
        )
        self.assertRowRefused(result, 0, "Plusieurs dossiers", before)

    def test_one_person_twice_in_the_list_stops_the_second_row(self):
        self.create_person(
            last_name="Haas",
            first_name="Luc",
            birthdate=date(1985, 4, 2),
            prison_number="H1",
        )
        before = self.Person.search_count([])
        lists = (
            # Known: under her number and under a new one.
            (
                ("Haas", "Luc", "1985-04-02", "Maison d'arrêt de test", "H1"),
                ("HAAS", "luc", "1985-04-02", "Maison d'arrêt de test", "H2"),
            ),
            # Known, under two new numbers.
            (
                ("Haas", "Luc", "1985-04-02", "Maison d'arrêt de test", "H3"),
                ("Haas", "Luc", "1985-04-02", "Maison d'arrêt de test", "H4"),
            ),
            # Unknown, twice.
            (
                ("Neuf", "Jean", "1990-01-01", "Maison d'arrêt de test", "N1"),
                ("NEUF", "Jean", "1990-01-01", "Maison d'arrêt de test", "N2"),
            ),
        )
        for rows in lists:
            result = self.load(self.FIELDS[:5], *rows)
            self.assertRowRefused(result, 1, "déjà à la ligne 1", before)

    def test_a_file_the_importer_may_not_read_is_not_revealed(self):
        self.create_person(
            last_name="Secret",
            first_name="Jean",
            birthdate=date(1980, 1, 1),
            prison_number="S1",
            confidential=True,
            user_id=self.worker_2.id,
        )
        result = self.load(
            self.FIELDS[:5],
            ("Secret", "Jean", "1980-01-01", "Maison d'arrêt de test", "S2"),
        )
        self.assertEqual(result["messages"], [])
        created = self.Person.browse(result["ids"])
        self.assertEqual(created.prison_number, "S2")
        self.assertEqual(len(created.stay_ids), 1)
