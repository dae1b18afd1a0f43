"""Simulated users against a running Odoo (prefork), over JSON-RPC.

Usage: python bench/load.py URL DB SECONDS THINK SPECS.json OUT.json [SERVERS]

Each simulated user logs in with their own session (load0 ... load19, created by
generate.py) and loops: open the person board, open one of their persons' form,
add a note, file and submit a SIAO request, pausing THINK seconds after each action
(0: as fast as the server answers, which measures saturation). Prints throughput,
p50 and p95 latency per operation and the number of failed requests; a serialization
conflict that Odoo replays successfully is not a failure, an error answer is.
Before the first load, the same requests are sent one at a time by one user on the
idle server: each p95 under load is also given as a ratio to that one. Beside
them, 20 SPIP officers with portal accounts (spip0 ... spip19, each SPIP referent
of 500 persons) open their list of persons on the portal and one person's page.
"""

import json
import os
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from benchlib import LOAD_PASSWORD, LOAD_USERS, PORTAL_USERS

RAMP_UP = 10  # seconds over which the users start
IDLE_PASSES = 30  # passes of the idle baseline


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

    def page(self, path):
        """A portal page, as the officer's browser asks for it."""
        self.calls += 1
        response = requests.get(
            self.url + path, cookies=self.cookies, timeout=120, allow_redirects=False
        )
        response.raise_for_status()
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        return response.text

    def call(self, model, method, args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            model=model,
            method=method,
            args=args,
            kwargs=kwargs,
        )


def scenario(
    user, specs, stop_at, think, samples, errors, lock, start_in, turns=None, only=None
):
    """One user's loop (until ``stop_at``, or ``turns`` passes). Users start one
    after the other (``start_in``), as people do, and their first pass is not
    counted: it fills the workers' caches."""
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
                ("request_ids", "not any", [("is_open", "=", True)]),
            ]
        ],
    )
    tasks = (
        user.call(
            "project.task",
            "search",
            [
                [
                    ("project_id", "=", specs["peer_project"]),
                    ("user_ids", "in", [user.uid]),
                ]
            ],
            limit=50,
        )
        if "peer_project" in specs
        else []
    )
    time.sleep(start_in)
    turn = 0
    while time.monotonic() < stop_at and (turns is None or turn < turns):
        person = mine[turn % len(mine)] if mine else None
        task = tasks[turn % len(tasks)] if tasks else None
        turn += 1
        operations = [("board", open_board, (user, specs, domain))]
        if person:
            operations += [
                ("form", read_form, (user, specs, person)),
                ("note", post_note, (user, person, turn)),
            ]
        if candidates:
            operations.append(("submit", submit, (user, candidates.pop())))
        operations += peer_operations(user, specs, task, turn)
        if only:
            # The machine's ceiling for one operation: nothing else is asked.
            operations = [op for op in operations if op[0] == only]
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


def portal_scenario(user, stop_at, think, samples, errors, lock, start_in, turns=None):
    """A SPIP officer on the portal: their list of persons, then one person's
    page, in turn (the first pass not counted)."""
    time.sleep(start_in)
    turn, persons = 0, []
    while time.monotonic() < stop_at and (turns is None or turn < turns):
        turn += 1
        operations = [("portal list", "/my/siao")]
        if persons:
            operations.append(
                ("portal person", f"/my/siao/{persons[turn % len(persons)]}")
            )
        for name, path in operations:
            if time.monotonic() >= stop_at:
                break
            started = time.perf_counter()
            try:
                page = user.page(path)
            except Exception as error:  # noqa: BLE001 - every failure is counted
                with lock:
                    errors.append(f"{name}: {error}")
                continue
            if name == "portal list":
                persons = re.findall(r'href="/my/siao/(\d+)"', page)
            if turn > 1:
                with lock:
                    samples.setdefault(name, []).append(time.perf_counter() - started)
            time.sleep(think)


def open_board(user, specs, domain, model="siao.detainee", groupby="release_horizon"):
    """The columns, then the cards of every column at once, as the web client sends
    them. nginx queues what the workers cannot take yet: without it in front, Odoo's
    prefork server keeps only 16 connections waiting (8 per worker) and 20 users
    sending 5 calls at once would be refused at the door. The peer (Odoo's project
    tasks board) is read with the same page of cards per column."""
    spec = specs["kanban" if model == "siao.detainee" else "peer_kanban"]
    groups = user.call(
        model,
        "web_read_group",
        [domain, [], [groupby]],
        lazy=True,
        context=user.context,
    )["groups"]
    columns = [group for group in groups if group[f"{groupby}_count"]]
    with ThreadPoolExecutor(max_workers=max(1, len(columns))) as pool:
        calls = [
            pool.submit(
                user.call,
                model,
                "web_search_read",
                [group["__domain"]],
                specification=spec,
                limit=specs["kanban_limit"],
                count_limit=10001,
                context=user.context,
            )
            for group in columns
        ]
        for call in calls:
            call.result()


def peer_operations(user, specs, task, turn):
    """The same actions on Odoo's own board and form: the peer, in the same run."""
    if "peer_project" not in specs:
        return []
    domain = [("project_id", "=", specs["peer_project"])]
    operations = [
        ("peer board", open_board, (user, specs, domain, "project.task", "stage_id"))
    ]
    if task:
        operations += [
            ("peer form", read_form, (user, specs, task, "project.task")),
            ("peer note", post_note, (user, task, turn, "project.task")),
        ]
    return operations


def read_form(user, specs, person, model="siao.detainee"):
    user.call(
        model,
        "web_read",
        [[person]],
        specification=specs["form" if model == "siao.detainee" else "peer_form"],
        context=user.context,
    )


def post_note(user, person, turn, model="siao.detainee"):
    user.call(
        model,
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


def idle_baseline(url, db, specs, passes):
    """The same requests sent one at a time on an idle server, by one user (the
    first load user with a caseload): the reference the load test's latencies are
    divided by."""
    for number in range(LOAD_USERS):
        user = User(url, db, f"load{number}")
        caseload = [("state", "=", "detained"), ("user_id", "=", user.uid)]
        if user.call("siao.detainee", "search_count", [caseload]):
            break
    samples, errors, lock = {}, [], threading.Lock()
    # passes + 1 turns, the first one not counted (as in scenario), no pause.
    scenario(user, specs, float("inf"), 0, samples, errors, lock, 0, turns=passes + 1)
    officer = User(url, db, "spip0")
    portal_scenario(
        officer, float("inf"), 0, samples, errors, lock, 0, turns=passes + 1
    )
    if errors:
        raise RuntimeError(f"the idle baseline failed: {errors[0]}")
    return {
        name: {
            "count": len(values),
            "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        }
        for name, values in samples.items()
    }


def ceiling_share(runs):
    """The board's throughput at saturation over the peer board's (each asked
    alone by every user, without pause), once both runs are done."""
    alone = {
        run["only"]: run["requests_per_second"]
        for run in runs
        if run.get("only") and not run["think_seconds"]
    }
    if "board" in alone and "peer board" in alone and alone["peer board"]:
        share = round(alone["board"] / alone["peer board"], 2)
        print(f"  board throughput at saturation: {share:.0%} of Odoo's own board's")
        return share
    return None


def machine_ticks():
    """The machine's CPU time so far, all cores: (busy, total) clock ticks."""
    with open("/proc/stat", encoding="ascii") as stat:
        # user nice system idle iowait irq softirq steal (guest is in user)
        ticks = [int(value) for value in stat.readline().split()[1:9]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


def cpu_shares(ticks_before, ticks_after, own_seconds, elapsed):
    """How busy the machine's cores were during a run, and the share of that the
    simulated clients (this process) took."""
    busy = ticks_after[0] - ticks_before[0]
    total = ticks_after[1] - ticks_before[1]
    cores = os.cpu_count() or 1
    return {
        "machine_busy": round(busy / total, 2) if total else None,
        "clients_cpu": round(own_seconds / (elapsed * cores), 2),
    }


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def idle_of(data, url, db, specs):
    """The idle server's latencies, measured once and kept in the output."""
    if "idle" not in data:
        data["idle"] = idle_baseline(url, db, specs, IDLE_PASSES)
        print(f"idle server, one request at a time ({IDLE_PASSES} passes):")
        for name, row in sorted(data["idle"].items()):
            print(
                f"  idle: {name:<18} {row['count']:>6} done  "
                f"p50 {row['p50_ms']:>8.1f} ms  p95 {row['p95_ms']:>8.1f} ms"
            )
    return data["idle"]


def load_rows(samples, idle, elapsed):
    """Per operation under load: its count, rate and latencies, against the idle
    server's."""
    rows = []
    for name, values in sorted(samples.items()):
        row = {
            "operation": f"under load: {name}",
            "count": len(values),
            "per_second": round(len(values) / elapsed, 2),
            "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        }
        if name in idle:
            row["p95_to_idle"] = round(row["p95_ms"] / idle[name]["p95_ms"], 1)
        rows.append(row)
        print(
            f"  {row['operation']:<24} {row['count']:>6} done  "
            f"{row['per_second']:>7.2f}/s  p50 {row['p50_ms']:>8.1f} ms  "
            f"p95 {row['p95_ms']:>8.1f} ms  "
            f"(p95 {row.get('p95_to_idle', '-')}x the idle server's)"
        )
    return rows


# The peer of each of the addon's operations, measured in the same run.
PEERS = {"board": "peer board", "form": "peer form", "note": "peer note"}
# The targets (issue: boards as light as Odoo's own): with a pause between actions,
# each operation's p95 within this many times its idle p95; each board and the form
# within this many times their peer's p95 in the same run; at saturation no failed
# request and the board's throughput at least this share of the peer board's (the
# machine's ceiling for a board of Odoo's own).
TARGET_P95_TO_IDLE = 3.0
TARGET_TO_PEER = 1.5
TARGET_CEILING_SHARE = 0.8


def peer_ratios(rows):
    """Each operation's p95 over its peer's, in the same run."""
    by_name = {row["operation"].removeprefix("under load: "): row for row in rows}
    ratios = {}
    for name, peer in PEERS.items():
        if name in by_name and peer in by_name:
            ratios[name] = round(by_name[name]["p95_ms"] / by_name[peer]["p95_ms"], 2)
            print(f"  {name}: p95 {ratios[name]}x Odoo's own ({peer})")
    return ratios


def targets(run):
    """What the run says of the targets: a list of the misses (empty: all hold)."""
    misses = []
    if run["errors"]:
        misses.append(f"{run['errors']} failed requests")
    if run["think_seconds"] and not run["only"]:
        for row in run["rows"]:
            name = row["operation"].removeprefix("under load: ")
            if (
                row.get("p95_to_idle", 0) > TARGET_P95_TO_IDLE
                and name not in PEERS.values()
            ):
                misses.append(f"{name}: p95 {row['p95_to_idle']}x the idle server's")
    for name, ratio in run.get("to_peer", {}).items():
        if ratio > TARGET_TO_PEER:
            misses.append(f"{name}: p95 {ratio}x Odoo's own")
    return misses


def main():
    url, db, seconds, think, specs_path, out_path = sys.argv[1:7]
    servers = sys.argv[7] if len(sys.argv) > 7 else "1"
    only = sys.argv[8] if len(sys.argv) > 8 else ""
    seconds, think = float(seconds), float(think)
    with open(specs_path, encoding="utf-8") as specs_file:
        specs = json.load(specs_file)["specs"]
    with open(out_path, encoding="utf-8") as out_file:
        data = json.load(out_file)
    idle = idle_of(data, url, db, specs)
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
                None,
                only or None,
            ),
        )
        for n, user in enumerate(users)
    ]
    officers = [User(url, db, f"spip{n}") for n in range(PORTAL_USERS)]
    threads += (
        []
        if only
        else [
            threading.Thread(
                target=portal_scenario,
                args=(
                    officer,
                    stop_at,
                    think,
                    samples,
                    errors,
                    lock,
                    RAMP_UP * n / PORTAL_USERS,
                ),
            )
            for n, officer in enumerate(officers)
        ]
    )
    started, ticks, own = time.monotonic(), machine_ticks(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cpu = cpu_shares(ticks, machine_ticks(), time.process_time() - own, elapsed)
    workers = os.environ.get("SIAO_BENCH_WORKERS", "?")
    print(
        f"load: {LOAD_USERS} users"
        + ("" if only else f" and {PORTAL_USERS} SPIP officers on the portal")
        + (f", only '{only}'" if only else "")
        + f" for {elapsed:.0f} s, {think:g} s between actions, "
        f"through nginx to {servers} Odoo server(s) of {workers} workers",
        flush=True,
    )
    rows = load_rows(samples, idle, elapsed)
    print(
        f"  the machine's {os.cpu_count()} cores busy {cpu['machine_busy']:.0%} "
        f"of the time, {cpu['clients_cpu']:.0%} by the simulated clients"
    )
    print(f"  errors: {len(errors)}")
    for error in errors[:5]:
        print(f"    {error[:300]}")
    run = {
        "servers": int(servers),
        "workers": workers,
        "users": LOAD_USERS,
        "portal_users": 0 if only else PORTAL_USERS,
        "think_seconds": think,
        "only": only,
        "seconds": elapsed,
        "rows": rows,
        "requests_per_second": round(sum(row["per_second"] for row in rows), 2),
        "to_peer": peer_ratios(rows),
        "errors": len(errors),
        "error_samples": errors[:20],
        **cpu,
    }
    print(f"  throughput: {run['requests_per_second']} operations/s")
    runs = data.setdefault("load", [])
    runs.append(run)
    ceiling = ceiling_share(runs)
    if ceiling is not None:
        run["board_share_of_ceiling"] = ceiling
    run["targets_missed"] = targets(run)
    if ceiling is not None and ceiling < TARGET_CEILING_SHARE:
        run["targets_missed"].append(
            f"board throughput {ceiling:.0%} of Odoo's own board's"
        )
    print(
        "  targets: "
        + (
            "all hold"
            if not run["targets_missed"]
            else "; ".join(run["targets_missed"])
        )
    )
    with open(out_path, "w", encoding="utf-8") as out_file:
        json.dump(data, out_file, indent=1, default=str)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
