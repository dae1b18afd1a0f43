"""Two people act at the same time: each in their own transaction (REPEATABLE READ,
as Odoo runs requests), both snapshots taken before either commits, replayed on
serialization errors as Odoo replays a request. The data is committed, then removed."""

import threading
import uuid
from datetime import date, timedelta

import pytest
from conftest import Client, RpcError

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.service.model import retrying
from odoo.tools import mute_logger

ROUNDS = 6


class TestConcurrency:
    @pytest.fixture(autouse=True)
    def _registry(self, registry):
        self.registry = registry

    def cursor(self):
        return self.registry.cursor()

    def assertEqual(self, first, second, message=None):
        assert first == second, message

    def assertFalse(self, value):
        assert not value

    def committed(self, func):
        with self.cursor() as cr:
            result = func(api.Environment(cr, SUPERUSER_ID, {}))
            cr.commit()
            return result

    def race(self, action):
        """Run ``action(env)`` in two threads that both read the database, then wait
        for each other before acting; replayed on serialization errors as Odoo does."""
        barrier = threading.Barrier(2, timeout=60)
        results, errors = [], []

        def run(index):
            first_try = [True]
            try:
                with self.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})

                    def attempt():
                        env["res.company"].search_count(
                            []
                        )  # the snapshot is taken here
                        if first_try[0]:
                            first_try[0] = False
                            barrier.wait()
                        return action(env, index)

                    results.append(retrying(attempt, env))
                    cr.commit()
            except ValidationError as error:
                errors.append(error)

        threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
        with mute_logger("odoo.service.model", "odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        return results, errors

    def test_two_referrals_never_exceed_the_cap(self):
        tag = uuid.uuid4().hex[:8]

        def setup(env):
            company = env.ref("base.main_company")
            old_cap = company.siao_avdl_max_active
            company.siao_avdl_max_active = 3
            worker = env["res.users"].create(
                {
                    "name": f"Race {tag}",
                    "login": f"race_{tag}",
                    "groups_id": [(6, 0, [env.ref("siao_justice.group_siao_user").id])],
                }
            )
            persons = env["siao.detainee"].create(
                [
                    {"last_name": f"Race {tag} {index}"}
                    for index in range(2 + 2 * ROUNDS)
                ]
            )
            env["siao.avdl.measure"].create(
                [
                    {"detainee_id": person.id, "user_id": worker.id}
                    for person in persons[:2]
                ]
            )
            return old_cap, worker.id, persons.ids

        old_cap, worker_id, person_ids = self.committed(setup)
        try:
            for round_index in range(ROUNDS):
                pair = person_ids[2 + 2 * round_index : 4 + 2 * round_index]
                results, errors = self.race(
                    lambda env, index, pair=pair: env["siao.avdl.measure"]
                    .create({"detainee_id": pair[index], "user_id": worker_id})
                    .state
                )
                self.assertFalse(errors)
                self.assertEqual(
                    sorted(results), ["pre_entry", "waiting"], f"round {round_index}"
                )

                def check_and_free(env, pair=pair):
                    Measure = env["siao.avdl.measure"]
                    company = env.ref("base.main_company")
                    count = Measure._active_file_counts({(worker_id, company.id)})[
                        (worker_id, company.id)
                    ]
                    self.assertEqual(count, 3)
                    # free the slot for the next round
                    Measure.search(
                        [("detainee_id", "in", pair), ("state", "=", "pre_entry")]
                    ).action_cancel()

                self.committed(check_and_free)
        finally:

            def cleanup(env):
                env.cr.execute(
                    "DELETE FROM siao_avdl_measure WHERE user_id = %s", (worker_id,)
                )
                env.cr.execute(
                    "DELETE FROM siao_avdl_file WHERE user_id = %s", (worker_id,)
                )
                env["siao.detainee"].browse(person_ids).unlink()
                env["res.users"].browse(worker_id).active = False
                env.ref("base.main_company").siao_avdl_max_active = old_cap

            self.committed(cleanup)

    def test_two_bookings_of_one_place_never_overlap(self):
        tag = uuid.uuid4().hex[:8]
        day = date(2031, 3, 1)

        def setup(env):
            structure = env["res.partner"].create(
                {"name": f"CHRS {tag}", "siao_partner_type": "host_structure"}
            )
            place = env["siao.housing.place"].create(
                {"name": f"Place {tag}", "structure_id": structure.id}
            )
            persons = env["siao.detainee"].create(
                [{"last_name": f"Booking {tag} {index}"} for index in range(2 * ROUNDS)]
            )
            return place.id, persons.ids

        place_id, person_ids = self.committed(setup)
        try:
            for round_index in range(ROUNDS):
                start = day + timedelta(days=30 * round_index)
                pair = person_ids[2 * round_index : 2 + 2 * round_index]
                results, errors = self.race(
                    lambda env, index, pair=pair, start=start: env[
                        "siao.housing.reservation"
                    ]
                    .create(
                        {
                            "place_id": place_id,
                            "detainee_id": pair[index],
                            "date_from": start + timedelta(days=index),
                            "date_to": start + timedelta(days=10),
                        }
                    )
                    .id
                )
                self.assertEqual(
                    (len(results), len(errors)), (1, 1), f"round {round_index}"
                )

            def count(env):
                return env["siao.housing.reservation"].search_count(
                    [("place_id", "=", place_id)]
                )

            self.assertEqual(self.committed(count), ROUNDS)
        finally:

            def cleanup(env):
                env.cr.execute(
                    "DELETE FROM siao_housing_reservation WHERE place_id = %s",
                    (place_id,),
                )
                env["siao.detainee"].browse(person_ids).unlink()
                env["siao.housing.place"].browse(place_id).active = False

            self.committed(cleanup)

    def test_two_workers_changing_the_release_date_lose_nothing(self):
        tag = uuid.uuid4().hex[:8]
        first = date(2032, 5, 1)
        dates = [date(2032, 6, 1), date(2032, 7, 1)]

        def setup(env):
            return (
                env["siao.detainee"]
                .create({"last_name": f"Edit {tag}", "expected_release_date": first})
                .id
            )

        person_id = self.committed(setup)
        try:

            def change(env, index):
                env["siao.detainee"].browse(person_id).expected_release_date = dates[
                    index
                ]
                return index

            results, errors = self.race(change)
            self.assertFalse(errors)
            self.assertEqual(sorted(results), [0, 1])

            def history(env):
                person = env["siao.detainee"].browse(person_id)
                values = person.message_ids.tracking_value_ids.filtered(
                    lambda v: v.field_id.name == "expected_release_date"
                )
                changes = sorted(
                    (v.old_value_datetime.date(), v.new_value_datetime.date())
                    for v in values
                )
                return person.expected_release_date, changes

            final, changes = self.committed(history)
            # The second writer was replayed on top of the first: both changes are kept.
            self.assertEqual(len(changes), 2)
            other = dates[0] if final == dates[1] else dates[1]
            self.assertEqual(sorted(changes), sorted([(first, other), (other, final)]))
        finally:

            def cleanup(env):
                env["siao.detainee"].browse(person_id).unlink()

            self.committed(cleanup)


class TestConcurrencyAcrossServers:
    """The same races, each contender sending its request to a different Odoo server
    process on the same database: still exactly one wins."""

    @pytest.fixture(autouse=True)
    def _servers(self, server, second_server):
        (self.url_a, self.db), (self.url_b, _db) = server, second_server

    def clients(self, login="admin"):
        return [Client(url, self.db, login, login) for url in (self.url_a, self.url_b)]

    def race(self, calls):
        """Send each call at the same instant, one per server; return the results
        and the refusals."""
        barrier = threading.Barrier(len(calls), timeout=60)
        results, errors = [], []

        def run(call):
            barrier.wait()
            try:
                results.append(call())
            except RpcError as error:
                errors.append(error)

        threads = [threading.Thread(target=run, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return results, errors

    def test_last_avdl_slot_goes_to_one_referral_across_two_servers(self):
        a, b = self.clients()
        tag = uuid.uuid4().hex[:8]
        company = a("res.users", "read", [a.uid], ["company_id"])[0]["company_id"][0]
        [old_cap] = [
            c["siao_avdl_max_active"]
            for c in a("res.company", "read", [company], ["siao_avdl_max_active"])
        ]
        user_group = a(
            "ir.model.data", "check_object_reference", "siao_justice", "group_siao_user"
        )[1]
        worker = a(
            "res.users",
            "create",
            {
                "name": f"Race {tag}",
                "login": f"race_servers_{tag}",
                "groups_id": [(6, 0, [user_group])],
            },
        )
        persons = [
            a("siao.detainee", "create", {"last_name": f"Race {tag} {index}"})
            for index in range(2 * ROUNDS)
        ]
        a("res.company", "write", [company], {"siao_avdl_max_active": 1})
        try:
            for round_index in range(ROUNDS):
                pair = persons[2 * round_index : 2 + 2 * round_index]
                results, errors = self.race(
                    [
                        lambda client=client, person=person: client(
                            "siao.avdl.measure",
                            "read",
                            [
                                client(
                                    "siao.avdl.measure",
                                    "create",
                                    {"detainee_id": person, "user_id": worker},
                                )
                            ],
                            ["state"],
                        )[0]["state"]
                        for client, person in zip((a, b), pair, strict=True)
                    ]
                )
                assert not errors, errors
                assert sorted(results) == ["pre_entry", "waiting"], round_index
                active = a(
                    "siao.avdl.measure",
                    "search",
                    [("user_id", "=", worker), ("state", "=", "pre_entry")],
                )
                assert len(active) == 1
                a("siao.avdl.measure", "action_cancel", active)
        finally:
            a("res.company", "write", [company], {"siao_avdl_max_active": old_cap})
            a("res.users", "write", [worker], {"active": False})

    def test_one_place_goes_to_one_booking_across_two_servers(self):
        a, b = self.clients()
        tag = uuid.uuid4().hex[:8]
        structure = a(
            "res.partner",
            "create",
            {"name": f"CHRS {tag}", "siao_partner_type": "host_structure"},
        )
        place = a(
            "siao.housing.place",
            "create",
            {"name": f"Place {tag}", "structure_id": structure},
        )
        persons = [
            a("siao.detainee", "create", {"last_name": f"Booking {tag} {index}"})
            for index in range(2 * ROUNDS)
        ]
        for round_index in range(ROUNDS):
            start = date(2033, 1, 1) + timedelta(days=30 * round_index)
            pair = persons[2 * round_index : 2 + 2 * round_index]
            results, errors = self.race(
                [
                    lambda client=client,
                    person=person,
                    shift=shift,
                    start=start: client(
                        "siao.housing.reservation",
                        "create",
                        {
                            "place_id": place,
                            "detainee_id": person,
                            "date_from": str(start + timedelta(days=shift)),
                            "date_to": str(start + timedelta(days=10)),
                        },
                    )
                    for shift, (client, person) in enumerate(
                        zip((a, b), pair, strict=True)
                    )
                ]
            )
            assert (len(results), len(errors)) == (1, 1), round_index
            assert errors[0].name == "odoo.exceptions.ValidationError"
        assert (
            a("siao.housing.reservation", "search_count", [("place_id", "=", place)])
            == ROUNDS
        )
