import base64
import io
import zipfile
from datetime import date, datetime

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SiaoCase

START, END = date(2025, 1, 1), date(2025, 12, 31)


def at(day, func, *args, **kwargs):
    """``func`` called at ``day``, frozen."""
    with freeze_time(day):
        return func(*args, **kwargs)


@tagged("post_install", "-at_install", "siao_cpom")
class TestCpomIndicators(SiaoCase):
    """A hand-built year in a company of its own, with answers worked out by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.persons = persons = cls._year_persons()
        cls._year_releases(persons)
        cls._year_requests(persons)
        cls._year_measures(persons)
        cls._year_commissions(persons)
        cls._year_places(persons)
        cls._year_contingent(persons)
        cls._year_office_hours(persons)
        cls.env.flush_all()

    @classmethod
    def _year_person(cls, name, **values):
        return cls.env["siao.detainee"].create(
            dict(
                last_name=name,
                first_name="Test",
                birthdate=date(1990, 5, 17),
                prison_number=f"67B{name}",
                prison_id=cls.prison.id,
                company_id=cls.company_b.id,
                user_id=cls.worker_b.id,
                consent_date=date(2024, 6, 1),
                incarceration_date=date(2024, 1, 1),
                **values,
            )
        )

    @classmethod
    def _year_persons(cls):
        """The year's persons, two of them under supervision outside prison."""
        # Under court supervision outside prison: counted apart, while supervised.
        for name, end in (("Sierra", date(2025, 12, 1)), ("Tango", date(2024, 12, 1))):
            at(
                date(2024, 6, 1),
                cls._year_person,
                name,
                state="supervised",
                supervision_type="ddse",
                supervision_start_date=date(2024, 6, 1),
                supervision_end_date=end,
            )
        p1 = cls._year_person("Alpha", expected_release_date=date(2025, 3, 10))
        p2 = cls._year_person("Bravo", expected_release_date=date(2025, 5, 20))
        p3 = cls._year_person("Charlie", expected_release_date=date(2025, 7, 1))
        p4 = cls._year_person("Delta", expected_release_date=date(2024, 12, 31))
        p5 = cls._year_person(
            "Echo", sentence_months=12, sentence_end_date=date(2025, 9, 30)
        )
        p6 = cls._year_person(
            "Foxtrot",
            sentence_months=12,
            sentence_end_date=date(2025, 10, 31),
            expected_release_date=date(2025, 9, 1),
        )
        p7 = cls._year_person("Golf", expected_release_date=date(2025, 6, 1))
        p8 = cls._year_person("Hotel", expected_release_date=date(2025, 12, 1))
        return p1 | p2 | p3 | p4 | p5 | p6 | p7 | p8

    @classmethod
    def _year_releases(cls, persons):
        """Releases: two with a solution, one dry exit; one before the period."""
        p1, p2, p3, p4, p5, p6, p7, p8 = persons
        # Releases: two with a solution, one dry exit; one before the period.
        p1.action_record_release(release_date=date(2025, 3, 10), outcome="housing")
        p2.action_record_release(
            release_date=date(2025, 5, 20), outcome="dry_exit", reason="no_place"
        )
        p3.action_record_release(release_date=date(2025, 7, 1), outcome="family")
        p4.action_record_release(release_date=date(2024, 12, 31), outcome="shelter")

    @classmethod
    def _year_requests(cls, persons):
        """Requests filed in time or late, oriented, admitted, refused."""
        p1, p2, p3, p4, p5, p6, p7, p8 = persons
        Request = cls.env["siao.request"]
        r1 = Request.create(
            {"detainee_id": p6.id, "orientation": "chrs", "structure_id": cls.chrs.id}
        )
        at(date(2025, 2, 1), r1.action_submit)  # 7 months before release: in time
        at(date(2025, 2, 21), r1.action_orient)  # 20 days
        at(date(2025, 2, 25), r1.action_propose)
        r1.admission_date = date(2025, 3, 3)
        at(date(2025, 3, 3), r1.action_admit)  # 30 days
        # Golf has a dog and may not go to the city centre: the structure's
        # refusal counts under both needs.
        cls.dog = cls.env["siao.need.tag"].create({"name": "Chien"})
        cls.centre = cls.env["siao.need.tag"].create(
            {"name": "Centre-ville", "kind": "prohibited_zone"}
        )
        p7.need_tag_ids = cls.dog | cls.centre
        r2 = Request.create({"detainee_id": p7.id, "orientation": "chu"})
        at(date(2025, 4, 1), r2.action_submit)  # 2 months before release: late
        at(date(2025, 4, 11), r2.action_orient)  # 10 days
        at(date(2025, 4, 20), r2.action_refuse, "structure", "no_place")
        at(date(2025, 4, 25), r2.action_submit)
        at(date(2025, 5, 2), r2.action_refuse, "person", "location")
        r3 = Request.create({"detainee_id": p8.id, "orientation": "chrs"})
        at(date(2024, 11, 1), r3.action_submit)
        at(date(2025, 1, 10), r3.action_orient)  # 70 days

    @classmethod
    def _year_measures(cls, persons):
        """AVDL measures referred, entered, renewed, closed, cancelled."""
        p1, p2, p3, p4, p5, p6, p7, p8 = persons
        Measure = cls.env["siao.avdl.measure"]
        m1 = at(
            date(2025, 1, 15),
            Measure.create,
            {"detainee_id": p1.id, "user_id": cls.worker_b.id},
        )
        m1.write(
            {"housing_entry_date": date(2025, 3, 10), "housing_type": "social_housing"}
        )
        at(date(2025, 3, 10), m1.action_enter_housing)
        at(date(2025, 5, 1), m1.action_renew, "Logement à consolider")
        at(date(2025, 6, 30), m1.action_close, date(2025, 6, 30), "housing_kept")
        m2 = at(
            date(2025, 6, 1),
            Measure.create,
            {"detainee_id": p3.id, "user_id": cls.worker_b.id},
        )
        m2.write(
            {"housing_entry_date": date(2025, 7, 1), "housing_type": "pension_famille"}
        )
        at(date(2025, 7, 1), m2.action_enter_housing)
        at(date(2025, 9, 15), m2.action_close, date(2025, 9, 15), "rehoused")
        at(
            date(2025, 10, 1),
            Measure.create,
            {"detainee_id": p7.id, "user_id": cls.worker_b.id},
        )
        m4 = at(
            date(2025, 11, 1),
            Measure.create,
            {"detainee_id": p2.id, "user_id": cls.worker_b.id},
        )
        at(date(2025, 11, 10), m4.action_cancel)

    @classmethod
    def _year_commissions(cls, persons):
        """Two commissions held, one before the period."""
        p1, p2, p3, p4, p5, p6, p7, p8 = persons
        company = cls.company_b
        Meeting = cls.env["siao.commission.meeting"]
        for when, persons in (
            (datetime(2025, 4, 8, 12, 0), p5 | p6),
            (datetime(2024, 12, 10, 13, 0), p6),
        ):
            meeting = Meeting.create({"date": when, "company_id": company.id})
            meeting.action_start()
            cls.env["siao.commission.line"].create(
                [
                    {
                        "meeting_id": meeting.id,
                        "detainee_id": p.id,
                        "decision": "maintain",
                    }
                    for p in persons
                ]
            )
            meeting.action_close()

    @classmethod
    def _year_places(cls, persons):
        """A place reserved for people leaving prison, occupied and booked."""
        p1, p2, p3, p4, p5, p6, p7, p8 = persons
        company = cls.company_b
        Place = cls.env["siao.housing.place"]
        reserved = Place.create(
            {
                "name": "B1",
                "structure_id": cls.chrs.id,
                "justice_reserved": True,
                "available_from": date(2025, 1, 1),
                "company_id": company.id,
            }
        )
        Place.create(
            {"name": "B2", "structure_id": cls.chrs.id, "company_id": company.id}
        )
        Reservation = cls.env["siao.housing.reservation"]
        Reservation.create(
            {
                "place_id": reserved.id,
                "detainee_id": p3.id,
                "kind": "occupation",
                "date_from": date(2025, 3, 1),
                "date_to": date(2025, 3, 31),
            }
        )
        Reservation.create(
            {
                "place_id": reserved.id,
                "detainee_id": p8.id,
                "kind": "reservation",
                "date_from": date(2025, 11, 1),
                "date_to": date(2025, 11, 30),
            }
        )

    @classmethod
    def _year_contingent(cls, persons):
        """A contingent of places and its stays."""
        p1, p2, p3, p4, p5, p6, p7, p8 = persons
        company = cls.company_b
        Place = cls.env["siao.housing.place"]
        Reservation = cls.env["siao.housing.reservation"]
        # A contingent of three places, two identified: C1 open from the
        # convention's start (334 days), C2 from 1 July (184); Echo's stay counts
        # from 1 February (59 days) and ends on 31 March after 81 days, Foxtrot's
        # is open (122 days); a reservation counts none.
        c1 = Place.create(
            {
                "name": "C1",
                "structure_id": cls.chrs.id,
                "available_from": date(2024, 1, 1),
                "company_id": company.id,
            }
        )
        c2 = Place.create(
            {
                "name": "C2",
                "structure_id": cls.chrs.id,
                "available_from": date(2025, 7, 1),
                "company_id": company.id,
            }
        )
        Convention = cls.env["siao.convention"]
        Convention.create(
            {
                "name": "Contingent du CHRS",
                "partner_id": cls.chrs.id,
                "kind": "contingent",
                "place_count": 3,
                "place_ids": [(6, 0, (c1 | c2).ids)],
                "signature_date": date(2025, 1, 20),
                "date_start": date(2025, 2, 1),
                "date_end": date(2026, 1, 31),
                "company_id": company.id,
            }
        )
        # Not signed: not in force.
        Convention.create(
            {
                "name": "Contingent en discussion",
                "partner_id": cls.chrs.id,
                "kind": "contingent",
                "place_count": 5,
                "company_id": company.id,
            }
        )
        for place, person_, kind, start, end in (
            (c1, p5, "occupation", date(2025, 1, 10), date(2025, 3, 31)),
            (c1, p8, "reservation", date(2025, 6, 1), date(2025, 6, 30)),
            (c2, p6, "occupation", date(2025, 9, 1), False),
        ):
            Reservation.create(
                {
                    "place_id": place.id,
                    "detainee_id": person_.id,
                    "kind": kind,
                    "date_from": start,
                    "date_to": end,
                }
            )

    @classmethod
    def _year_office_hours(cls, persons):
        """Office hours in prison held, cancelled, before the period."""
        p1, p2, p3, p4, p5, p6, p7, p8 = persons
        company = cls.company_b
        # Office hours: two held in the period (Echo met twice, once with a
        # request opened; Foxtrot met; Hotel refused), one cancelled, one before.
        Session = cls.env["siao.permanence"]
        for when, state, outcomes in (
            (datetime(2025, 6, 10, 9, 0), "done", {p5: "request_opened", p6: "met"}),
            (datetime(2025, 9, 10, 9, 0), "done", {p5: "met", p8: "refused"}),
            (datetime(2025, 10, 10, 9, 0), "cancelled", {p7: "met"}),
            (datetime(2024, 12, 1, 9, 0), "done", {p7: "met"}),
        ):
            session = at(
                when,
                Session.create,
                {"prison_id": cls.prison.id, "date": when, "company_id": company.id},
            )
            cls.env["siao.permanence.line"].create(
                [
                    {"permanence_id": session.id, "detainee_id": p.id, "outcome": o}
                    for p, o in outcomes.items()
                ]
            )
            if state == "done":
                session.action_done()
            else:
                session.action_cancel()

    def indicators(self, user=None, lang=None):
        Indicators = self.env["siao.cpom.indicators"].with_user(user or self.env.user)
        if lang:
            Indicators = Indicators.with_context(lang=lang)
        rows = Indicators.compute(START, END, self.company_b.ids)
        return {row["code"]: row for row in rows}

    def test_every_indicator_to_its_exact_value(self):
        expected = {
            "persons_followed": 7,
            "avdl_measures_new": 4,
            "avdl_measures_closed": 2,
            "avdl_active_end": 1,
            "avdl_active_mean": 373 / 365,
            "avdl_mean_length_days": (112 + 76) / 2,
            "avdl_renewals": 1,
            "exit_rate_ordinary_housing": 1 / 2,
            "exit_rate_adapted_housing": 1 / 2,
            "releases_total": 3,
            "releases_with_solution": 2,
            "dry_exits": 1,
            "dry_exit_rate": 1 / 3,
            # No release-day plan recorded in this world: no first night covered.
            "first_night_covered_rate": 0 / 3,
            "dry_exits_avoided": 0,
            "held_place_nights": 0,
            "requests_filed": 2,
            "requests_filed_in_time": 1 / 2,
            "median_days_to_orientation": 20,
            "median_days_to_admission": 30,
            "persons_in_requests_filed": 2,
            "hearings_decided": 0,
            "hearings_refused_for_housing": None,
            "letters_sent": 0,
            "letter_replies": 0,
            "refusals_person": 1,
            "refusals_structure": 1,
            "lsc_blocked": 1,
            "commission_meetings": 1,
            "commission_cases_reviewed": 2,
            "reserved_places_occupancy_rate": 31 / 365,
            "supervised_followed": 1,
            "permanence_sessions": 2,
            "permanence_persons_met": 2,
            "permanence_requests_opened": 1,
            "contingent_places": 3,
            "contingent_occupancy_rate": 181 / 518,
            "contingent_mean_stay_days": 81,
        }
        indicators = self.indicators()
        self.assertEqual(set(indicators), set(expected))
        for code, value in expected.items():
            with self.subTest(code=code):
                self.assertAlmostEqual(indicators[code]["value"], value, places=6)
                self.assertTrue(indicators[code]["definition"])
        self.assertEqual(
            (
                indicators["dry_exit_rate"]["numerator"],
                indicators["dry_exit_rate"]["denominator"],
            ),
            (1, 3),
        )

    def test_a_rate_without_denominator_is_empty(self):
        rows = {
            row["code"]: row
            for row in self.env["siao.cpom.indicators"].compute(
                date(2020, 1, 1), date(2020, 12, 31), self.company_b.ids
            )
        }
        self.assertIsNone(rows["dry_exit_rate"]["value"])
        self.assertEqual(rows["releases_total"]["value"], 0)

    def workbook(self, user=None, lang="fr_FR"):
        wizard = (
            self.env["siao.cpom.report.wizard"]
            .with_user(user or self.env.user)
            .with_context(lang=lang)
            .create(
                {
                    "date_from": START,
                    "date_to": END,
                    "company_ids": [(6, 0, self.company_b.ids)],
                }
            )
        )
        wizard.action_export()
        self.assertTrue(wizard.file_name.endswith(".xlsx"))
        return base64.b64decode(wizard.file_data)

    def test_workbook_has_every_figure_its_sheets_and_charts(self):
        content = self.workbook()
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(
            book.sheetnames,
            [
                "Synthèse",
                "Mesures",
                "Demandes",
                "Sorties",
                "Commission",
                "Contingents",
                "Permanences en détention",
                "Refus par besoin",
                "Refus de la personne",
                "Sorties par établissement",
                "Graphiques",
            ],
        )
        self.assertEqual(book["Synthèse"]["A3"].value, "Code stable")
        # The sheets speak the language of who exports them.
        english = openpyxl.load_workbook(io.BytesIO(self.workbook(lang="en_US")))
        self.assertEqual(
            english.sheetnames,
            [
                "Summary",
                "Measures",
                "Requests",
                "Releases",
                "Commission",
                "Contingents",
                "Office hours in prison",
                "Refusals by need",
                "Refusals by the person",
                "Releases by establishment",
                "Charts",
            ],
        )
        summary = book["Synthèse"]
        rows = {
            row[0]: row
            for row in summary.iter_rows(min_row=4, values_only=True)
            if row[0]
        }
        indicators = self.indicators(lang="fr_FR")
        for code, indicator in indicators.items():
            with self.subTest(code=code):
                self.assertAlmostEqual(
                    rows[code][2] or 0, indicator["value"] or 0, places=6
                )
                self.assertEqual(rows[code][5], indicator["definition"])
        # A share is a percentage in the sheet, and only a share.
        for cells in summary.iter_rows(min_row=4):
            code = cells[0].value
            if code and cells[2].value is not None:
                with self.subTest(code=code):
                    self.assertEqual(
                        "%" in cells[2].number_format, indicators[code]["is_rate"]
                    )
        self.assertTrue(
            all(i["is_rate"] for c, i in indicators.items() if "_rate" in c)
        )
        self.assertFalse(indicators["persons_followed"]["is_rate"])
        self.assertEqual(book["Sorties"].max_row, 1 + 3)
        self.assertEqual(book["Mesures"].max_row, 1 + 4)
        self.assertTrue(book["Demandes"].auto_filter.ref)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            charts = [
                name
                for name in archive.namelist()
                if name.startswith("xl/charts/chart")
            ]
        self.assertEqual(len(charts), 3)

    def test_the_sheets_of_contingents_office_hours_and_refusals_by_need(self):
        book = openpyxl.load_workbook(io.BytesIO(self.workbook()))
        contingents = list(book["Contingents"].iter_rows(values_only=True))
        self.assertEqual(len(contingents), 2)  # the signed one only
        self.assertEqual(
            contingents[1][:6], ("Contingent du CHRS", "CHRS du test", 3, 2, 518, 181)
        )
        self.assertAlmostEqual(contingents[1][6], 181 / 518)
        self.assertEqual(contingents[1][7], 1)
        self.assertEqual(contingents[1][8], 81)
        sessions = list(book["Permanences en détention"].iter_rows(values_only=True))
        self.assertEqual(
            sessions[0][:3], ("Date", "Établissement", "Personnes inscrites")
        )
        self.assertEqual([row[2] for row in sessions[1:]], [2, 2])
        refusals = list(book["Refus par besoin"].iter_rows(values_only=True))
        self.assertEqual(
            refusals[0],
            (
                "Motif du refus",
                "Refus des structures",
                "Centre-ville",
                "Chien",
                "Aucun besoin noté",
            ),
        )
        self.assertEqual(refusals[1], ("Pas de place disponible", 1, 1, 1, 0))
        # The person's own refusals, by the reason they gave.
        by_person = list(book["Refus de la personne"].iter_rows(values_only=True))
        self.assertEqual(
            by_person,
            [("Motif donné par la personne", "Refus de la personne"), ("Lieu", 1)],
        )

    def test_no_name_birth_date_or_prison_number_in_any_cell(self):
        book = openpyxl.load_workbook(io.BytesIO(self.workbook()))
        cells = " | ".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ).upper()
        for person in self.persons:
            for secret in (
                person.last_name,
                person.name,
                person.prison_number,
                "1990-05-17",
                "17/05/1990",
            ):
                self.assertNotIn(secret.upper(), cells)

    def test_accountant_runs_the_workbook_but_cannot_read_persons(self):
        accountant = self._user(
            "accountant_b", "siao_justice.group_siao_reporting", company=self.company_b
        )
        self.workbook(user=accountant)
        groups = (
            self.env["siao.report.release"]
            .with_user(accountant)
            .read_group([], ["release_count:sum"], ["release_outcome"])
        )
        self.assertEqual(sum(g["release_count"] for g in groups), 4)
        with self.assertRaises(AccessError):
            self.env["siao.detainee"].with_user(accountant).search([])
        with self.assertRaises(AccessError):
            self.env["siao.avdl.measure"].with_user(accountant).search([])

    def test_report_views_carry_no_identity(self):
        for model in (
            "siao.report.measure",
            "siao.report.request",
            "siao.report.request.step",
            "siao.report.release",
            "siao.report.commission",
        ):
            fields = set(self.env[model]._fields)
            self.assertFalse(
                fields
                & {
                    "name",
                    "last_name",
                    "first_name",
                    "birthdate",
                    "prison_number",
                    "nir",
                    "notes",
                    "restrictions",
                    "detainee_id",
                },
                model,
            )


@tagged("post_install", "-at_install", "siao_cpom")
class TestCpomDefaultPeriod(SiaoCase):
    def test_the_workbook_opens_on_the_last_year_once_it_holds_data(self):
        Wizard = self.env["siao.cpom.report.wizard"].with_user(self.accountant)
        with freeze_time("2040-06-15"):
            self.assertEqual(
                Wizard._default_period(), (date(2040, 1, 1), date(2040, 6, 15))
            )
            person = self.create_person(
                last_name="Sorti", expected_release_date=date(2039, 5, 1)
            )
            person.action_record_release(date(2039, 5, 2), "family")
            self.assertEqual(
                Wizard._default_period(), (date(2039, 1, 1), date(2039, 12, 31))
            )
            wizard = Wizard.create({})
            self.assertEqual(
                (wizard.date_from, wizard.date_to),
                (date(2039, 1, 1), date(2039, 12, 31)),
            )


@tagged("post_install", "-at_install", "siao_cpom")
class TestCpomWorkbookReport(SiaoCase):
    """The workbook is an XLSX report (report_xlsx) of the wizard: the wizard's
    button and the report's action print the same workbook, for the wizard's user
    only."""

    def wizard(self, user):
        return (
            self.env["siao.cpom.report.wizard"]
            .with_user(user)
            .create({"date_from": date(2026, 1, 1), "date_to": date(2026, 11, 30)})
        )

    def sheets(self, content):
        book = openpyxl.load_workbook(io.BytesIO(content))
        return {
            name: [row for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames
        }

    def test_the_button_and_the_report_print_the_same_workbook(self):
        report = self.env.ref("siao_justice.report_cpom_workbook")
        self.assertEqual(report.report_type, "xlsx")
        self.assertEqual(report.binding_model_id.model, "siao.cpom.report.wizard")
        self.assertEqual(
            set(report.groups_id.get_external_id().values()),
            {"siao_justice.group_siao_manager", "siao_justice.group_siao_reporting"},
        )
        wizard = self.wizard(self.accountant)
        wizard.action_export()
        printed, kind = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_xlsx("siao_justice.report_cpom_workbook", wizard.ids, None)
        )
        self.assertEqual(kind, "xlsx")
        self.assertEqual(
            self.sheets(printed), self.sheets(base64.b64decode(wizard.file_data))
        )
        summary = self.sheets(printed)["Summary"]
        self.assertIn("persons_followed", [row[0] for row in summary])

    def test_another_user_cannot_print_a_wizard_s_workbook(self):
        wizard = self.wizard(self.accountant)
        for user in (self.manager, self.worker, self.internal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["ir.actions.report"].with_user(user)._render_xlsx(
                    "siao_justice.report_cpom_workbook", wizard.ids, None
                )


@tagged("post_install", "-at_install", "siao_cpom")
class TestReportDrillDown(SiaoCase):
    """A pivot cell opens a list that says what its rows are: every report model
    has its list view, its action offers it, its rows have a name."""

    def test_every_report_model_has_a_list_and_named_rows(self):
        reports = [
            name
            for name, model in self.env.registry.items()
            if "siao.report.mixin" in model._inherit and not model._abstract
        ]
        self.assertGreaterEqual(len(reports), 4)
        for name in reports:
            with self.subTest(model=name):
                Report = self.env[name].with_user(self.accountant)
                arch = Report.get_views([(False, "list")])["views"]["list"]["arch"]
                self.assertGreaterEqual(arch.count("<field "), 3)
                self.assertNotIn('name="id"', arch)
                actions = self.env["ir.actions.act_window"].search(
                    [("res_model", "=", name)]
                )
                for action in actions:
                    self.assertIn("list", action.view_mode)
                row = Report.search([], limit=1)
                if row:
                    self.assertNotIn(name, row.display_name)
                    self.assertNotIn(",", row.display_name)
