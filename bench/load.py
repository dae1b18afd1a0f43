"""Simulated users against a running Odoo (prefork), over JSON-RPC.

Usage: python bench/load.py URL DB SECONDS THINK SPECS.json OUT.json

Each simulated user logs in with their own session (load0 ... load19, created by
generate.py) and loops: open the person board, open one of their persons' form,
add a note, file and submit a SIAO request, pausing THINK seconds after each action
(0: as fast as the server answers, which measures saturation). Prints throughput,
p50 and p95 latency per operation and the number of failed requests; a serialization
conflict that Odoo replays successfully is not a failure, an error answer is.
"""

import json
import statistics
import sys
import threading
import time

import requests
from benchlib import LOAD_PASSWORD, LOAD_USERS

RAMP_UP = 10  # seconds over which the users start
OPEN_STATES = ["draft", "submitted", "to_update", "oriented", "proposed"]


class User:
    def __init__(self, url, db, login):
        self.url = url
        self.calls = 0
        response = requests.post(
            url + "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": db, "login": login, "password": LOAD_PASSWORD},
                "id": 1,
            },
            timeout=120,
        )
        response.raise_for_status()
        if "error" in response.json():
            raise RuntimeError(response.json()["error"]["data"]["message"])
        self.cookies = response.cookies.get_dict()
        self.uid = self.call("res.users", "search", [[("login", "=", login)]])[0]
        self.context = {"lang": "fr_FR", "tz": "Europe/Paris"}

    def rpc(self, path, **params):
        self.calls += 1
        response = requests.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
            cookies=self.cookies,
            timeout=120,
        )
        response.raise_for_status()
        answer = response.json()
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]

    def call(self, model, method, args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            model=model,
            method=method,
            args=args,
            kwargs=kwargs,
        )


def scenario(user, specs, stop_at, think, samples, errors, lock, start_in):
    """One user's loop. Users start one after the other (``start_in``), as people
    do, and their first pass is not counted: it fills the workers' caches."""
    domain = [("state", "=", "detained")]
    mine = user.call(
        "siao.detainee",
        "search",
        [domain + [("user_id", "=", user.uid)]],
        limit=50,
    )
    candidates = user.call(
        "siao.detainee",
        "search",
        [
            domain
            + [
                ("user_id", "=", user.uid),
                ("consent_date", "!=", False),
                ("request_state", "not in", OPEN_STATES),
            ]
        ],
    )
    time.sleep(start_in)
    turn = 0
    while time.monotonic() < stop_at:
        person = mine[turn % len(mine)] if mine else None
        turn += 1
        operations = [("board", open_board, (user, specs, domain))]
        if person:
            operations += [
                ("form", read_form, (user, specs, person)),
                ("note", post_note, (user, person, turn)),
            ]
        if candidates:
            operations.append(("submit", submit, (user, candidates.pop())))
        for name, operation, args in operations:
            if time.monotonic() >= stop_at:
                break
            started = time.perf_counter()
            try:
                operation(*args)
            except Exception as error:  # noqa: BLE001 - every failure is counted
                with lock:
                    errors.append(f"{name}: {error}")
                continue
            if turn > 1:
                with lock:
                    samples.setdefault(name, []).append(time.perf_counter() - started)
            time.sleep(think)


def open_board(user, specs, domain):
    """The columns, then the cards of each column, one call per column in turn. The
    web client sends them together; without a proxy in front, Odoo's prefork server
    keeps only 16 connections waiting (8 per worker) and 20 users sending 5 calls
    at once would be refused at the door."""
    groups = user.call(
        "siao.detainee",
        "web_read_group",
        [domain, [], ["release_horizon"]],
        lazy=True,
        context=user.context,
    )["groups"]
    for group in groups:
        if group["release_horizon_count"]:
            user.call(
                "siao.detainee",
                "web_search_read",
                [group["__domain"]],
                specification=specs["kanban"],
                limit=specs["kanban_limit"],
                count_limit=10001,
                context=user.context,
            )


def read_form(user, specs, person):
    user.call(
        "siao.detainee",
        "web_read",
        [[person]],
        specification=specs["form"],
        context=user.context,
    )


def post_note(user, person, turn):
    user.call(
        "siao.detainee",
        "message_post",
        [[person]],
        body=f"Entretien de suivi n° {turn}",
        message_type="comment",
        subtype_xmlid="mail.mt_note",
        context=user.context,
    )


def submit(user, person):
    request_id = user.call(
        "siao.request", "create", [{"detainee_id": person}], context=user.context
    )
    user.call("siao.request", "action_submit", [[request_id]], context=user.context)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main():
    url, db, seconds, think, specs_path, out_path = sys.argv[1:7]
    seconds, think = float(seconds), float(think)
    with open(specs_path, encoding="utf-8") as specs_file:
        specs = json.load(specs_file)["specs"]
    users = [User(url, db, f"load{n}") for n in range(LOAD_USERS)]
    samples, errors, lock = {}, [], threading.Lock()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=scenario,
            args=(
                user,
                specs,
                stop_at,
                think,
                samples,
                errors,
                lock,
                RAMP_UP * n / LOAD_USERS,
            ),
        )
        for n, user in enumerate(users)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    print(
        f"load: {LOAD_USERS} users for {elapsed:.0f} s, {think:g} s between actions, "
        "Odoo with 2 workers",
        flush=True,
    )
    rows = []
    for name, values in sorted(samples.items()):
        row = {
            "operation": f"under load: {name}",
            "count": len(values),
            "per_second": round(len(values) / elapsed, 2),
            "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        }
        rows.append(row)
        print(
            f"  {row['operation']:<24} {row['count']:>6} done  "
            f"{row['per_second']:>7.2f}/s  p50 {row['p50_ms']:>8.1f} ms  "
            f"p95 {row['p95_ms']:>8.1f} ms"
        )
    print(f"  errors: {len(errors)}")
    for error in errors[:5]:
        print(f"    {error[:300]}")
    with open(out_path, encoding="utf-8") as out_file:
        data = json.load(out_file)
    data.setdefault("load", []).append(
        {
            "users": LOAD_USERS,
            "think_seconds": think,
            "seconds": elapsed,
            "rows": rows,
            "errors": len(errors),
            "error_samples": errors[:20],
        }
    )
    with open(out_path, "w", encoding="utf-8") as out_file:
        json.dump(data, out_file, indent=1, default=str)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
