from datetime import date, timedelta

from odoo.tests import tagged, users, warmup
from odoo.tools import SQL

from .common import SiaoCase
from .web_client import open_board, view_limit, view_specification

HORIZON_DAYS = (10, 45, 120, 300)  # one person per column of the board: m1 .. later


@tagged("post_install", "-at_install", "siao_perf")
class TestQueryCounts(SiaoCase):
    """The board and the form cost the same number of queries whatever the number
    of persons: a regression to one query per record fails here."""

    def _add_persons(self, per_column):
        """``per_column`` persons in each column, each with a request, resources to
        reopen and an activity: everything a card shows."""
        today = self.today
        persons = self.Person.create(
            [
                {
                    "last_name": f"Charge{days}x{n}",
                    "first_name": "Test",
                    "prison_id": self.prison.id,
                    "prison_number": f"P{days}-{n}-{len(self.Person.search([]))}",
                    "legal_status": "convicted",
                    "incarceration_date": date(2024, 1, 1),
                    "sentence_months": 20,
                    "sentence_end_date": today + timedelta(days=days + 30),
                    "expected_release_date": today + timedelta(days=days),
                    "consent_date": today,
                    "user_id": (self.worker | self.worker_2)[n % 2].id,
                }
                for days in HORIZON_DAYS
                for n in range(per_column)
            ]
        )
        self.env["siao.request"].create(
            [{"detainee_id": person.id} for person in persons]
        )
        for person in persons:
            person.activity_schedule(
                "mail.mail_activity_data_todo", user_id=person.user_id.id
            )
        self.env.flush_all()
        return persons

    def _board(self, model="siao.detainee", domain=None):
        """Open the board twice (the first fills the caches a running server has)
        and return the queries of each call of the second opening."""
        spec = view_specification(self.env, model, "kanban")
        limit = view_limit(self.env, model, "kanban")
        domain = domain or [
            ("state", "=", "detained"),
            ("prison_id", "=", self.prison.id),
        ]
        for _attempt in range(2):
            self.env.invalidate_all()
            calls = open_board(self.env, model, domain, "release_horizon", spec, limit)
        return calls

    def assertConstant(self, small, large):
        """Same calls; at most one more query per column (the count of a column
        that holds more than a page of cards)."""
        self.assertEqual(len(small), len(large), (small, large))
        self.assertLessEqual(sum(large), sum(small) + len(large) - 1, (small, large))
        self.assertLessEqual(max(large), 16, large)

    @users("siao_worker", "siao_manager")
    @warmup
    def test_person_board(self):
        self._add_persons(41)
        spec = view_specification(self.env, "siao.detainee", "kanban")
        limit = view_limit(self.env, "siao.detainee", "kanban")
        domain = [("state", "=", "detained"), ("prison_id", "=", self.prison.id)]
        self.env.invalidate_all()
        # A worker's access check reads the AVDL workers of the cards' persons
        # (confidential files are theirs too) and whom each file is shared with;
        # what still blocks entry into housing reads the cards' rights: a few
        # queries per column, whatever the number of cards.
        with self.assertQueryCount(siao_worker=62, siao_manager=50):
            calls = open_board(
                self.env, "siao.detainee", domain, "release_horizon", spec, limit
            )
        self.assertEqual(len(calls), 1 + len(HORIZON_DAYS))
        if self.warm:
            # Each column is one request: its cards, their activities (with their
            # types and users, and the access check on their persons), their
            # rights still to do, prisons, referents and the column's count; the
            # company's dry-exit alert is kept between requests.
            self.assertLessEqual(max(calls[1:]), 15, calls)

    @users("siao_worker", "siao_manager")
    def test_person_board_does_not_grow_with_the_persons(self):
        self._add_persons(2)
        small = self._board()
        self._add_persons(45)  # every column now holds more than a page of cards
        self.assertConstant(small, self._board())

    @users("siao_worker")
    @warmup
    def test_person_form(self):
        spec = view_specification(self.env, "siao.detainee", "form")
        person = self._add_persons(1)[0]
        self.env.invalidate_all()
        # The file, its relations' names, its tabs (the Path tab's stays and their
        # prisons among them, the consents given and withdrawn), its needs' tags,
        # the count of its exchanges with the SPIP, the person's wishes, the
        # letters written to them, their hearings, the attestations issued and the
        # release-day plans: a
        # constant number of queries, whatever the database.
        with self.assertQueryCount(siao_worker=21):
            person.web_read(spec)
        self._add_persons(40)
        self.env.invalidate_all()
        with self.assertQueryCount(siao_worker=21):
            person.web_read(spec)

    def plan(self, Model, domain, limit, sorted_by_index=False):
        """PostgreSQL's plan of a page of ``Model``'s records in its order, with
        the table read whole ruled out (and sorting, if ``sorted_by_index``): the
        tests' tables are too small for it to prefer an index on its own."""
        query = Model._search(domain, limit=limit, order=Model._order)
        cr = self.env.cr
        cr.execute("SET LOCAL enable_seqscan = off")
        if sorted_by_index:
            cr.execute("SET LOCAL enable_sort = off")
        try:
            cr.execute(SQL("EXPLAIN %s", query.select()))
            return "\n".join(row[0] for row in cr.fetchall())
        finally:
            cr.execute("RESET enable_seqscan; RESET enable_sort")

    @users("siao_worker")
    def test_a_board_column_reads_its_first_cards_from_an_index(self):
        # The board's column: its company's files of one horizon, in the board's
        # order; not the whole table walked in that order (at 100,000 persons the
        # last column read every file).
        self._add_persons(2)
        Person = self.env["siao.detainee"]
        plan = self.plan(
            Person,
            [("state", "=", "detained"), ("release_horizon", "=", "later")],
            20,
            sorted_by_index=True,
        )
        self.assertIn("siao_detainee_board_index", plan)
        self.assertNotIn("Sort", plan)

    def test_an_officer_s_list_reads_their_persons_from_an_index(self):
        officer = self.env["res.partner"].create({"name": "CPIP Index"})
        self.create_person(spip_referent_id=officer.id)
        Person = self.env["siao.detainee"]
        plan = self.plan(Person, [("spip_referent_id", "=", officer.id)], 50)
        self.assertIn("siao_detainee__spip_referent_id_index", plan)

    @users("siao_manager")
    def test_commission_board(self):
        counts = []
        for month, size in ((1, 2), (2, 45)):
            self._add_persons(size)
            meeting = self.env["siao.commission.meeting"].create(
                {"date": f"{self.today.year + 1}-0{month}-15 08:00:00"}
            )
            meeting.action_generate_agenda()
            self.env.flush_all()
            counts.append(
                self._board("siao.commission.line", [("meeting_id", "=", meeting.id)])
            )
        self.assertConstant(*counts)
        # Each column: its cases, their persons, the prisons, the persons' wishes
        # and the column's count (the cases are not fetched a second time for the
        # access rules).
        self.assertLessEqual(max(counts[1][1:]), 5, counts)
