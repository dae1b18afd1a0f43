"""Odoo as it is deployed (prefork workers) keeps its real-time process up: a
websocket on /websocket receives the bus notification another user's action sends.

Started otherwise than through Odoo's own entry point, the prefork server cannot
start its real-time (gevent) process, which dies and is started again, over and
over; the browser then never hears of a new activity, message or chatter update."""

import json
import os
import signal
import subprocess
import time
from datetime import datetime, timezone

import psutil
import pytest
import requests
import websocket
from conftest import ROOT, Client, _free_port, start_server, stop_server

LISTEN_SECONDS = 60


def realtime_processes(server_process):
    """The real-time processes among the server's descendants: Odoo starts it as
    ``<python> <odoo-bin> gevent <options>``."""
    found = []
    for child in psutil.Process(server_process.pid).children(recursive=True):
        try:
            command = child.cmdline()
        except psutil.NoSuchProcess:
            continue
        if "gevent" in command[1:3]:
            found.append((child.pid, child.create_time()))
    return found


@pytest.fixture(scope="module")
def deployed(server):
    """A server with two HTTP workers and its real-time port, on the test database,
    behind nginx with the deployment's proxy rules (scripts/proxy.sh)."""
    _url, db = server
    realtime_port = _free_port()
    process, direct_url = start_server(
        db,
        "e2e-server-workers.log",
        ["--workers", "2", "--gevent-port", str(realtime_port), "--proxy-mode"],
        refused_requests_logged=True,
    )
    proxy = None
    proxy_dir = ROOT / ".test-output" / "nginx"
    (proxy_dir / "error.log").unlink(missing_ok=True)
    try:
        wait_for(f"http://127.0.0.1:{realtime_port}/websocket/health", process)
        proxy_port = _free_port()
        proxy = subprocess.Popen(
            [
                str(ROOT / "scripts" / "proxy.sh"),
                str(proxy_dir),
                str(proxy_port),
                direct_url.rsplit(":", 1)[1],
                str(realtime_port),
            ],
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{proxy_port}"
        wait_for(f"{url}/web/login", proxy)
        yield process, url, db, realtime_port
    finally:
        if proxy is not None:
            os.killpg(proxy.pid, signal.SIGTERM)
            proxy.wait(timeout=30)
        stop_server(process)
    # nginx logs errors only (scripts/proxy.sh): an upstream refused or cut is one.
    assert (proxy_dir / "error.log").read_text() == ""


def wait_for(url, process, seconds=60):
    """Until ``url`` answers (the real-time process starts after the workers)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url, timeout=5).ok:
                return
        except requests.RequestException:
            pass
        assert process.poll() is None, f"{process.args[0]} stopped"
        assert time.monotonic() < deadline, f"{url} does not answer"
        time.sleep(0.5)


def session_cookie(url, db, login):
    answer = requests.post(
        f"{url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": db, "login": login, "password": login},
            "id": 1,
        },
        timeout=60,
    )
    answer.raise_for_status()
    assert "error" not in answer.json(), answer.json()
    return answer.cookies["session_id"]


def test_workers_bring_up_one_realtime_process_that_stays_up(deployed):
    process, url, db, realtime_port = deployed
    first = realtime_processes(process)
    assert len(first) == 1, f"real-time processes: {first}"
    # It answers through the proxy, which routes /websocket to it...
    health = requests.get(f"{url}/websocket/health", timeout=30)
    assert health.json() == {"status": "pass"}
    # ... and is the same process a while later: not one started again and again.
    time.sleep(5)
    assert realtime_processes(process) == first


def test_a_websocket_hears_an_activity_assigned_by_another_user(deployed):
    process, url, db, realtime_port = deployed
    worker = Client(url, db, "travailleur", "travailleur")
    coordinator = Client(url, db, "coordinatrice", "coordinatrice")
    person = worker("siao.detainee", "search", [("user_id", "=", worker.uid)], limit=1)
    assert person, "the demo data gives the social worker a caseload"
    sid = session_cookie(url, db, "travailleur")
    before = realtime_processes(process)
    # Through the proxy, as the browser connects: nginx routes /websocket to the
    # real-time port (Odoo's HTTP workers cannot upgrade a connection).
    connection = websocket.create_connection(
        url.replace("http://", "ws://") + "/websocket",
        cookie=f"session_id={sid}",
        origin=url,
        timeout=LISTEN_SECONDS,
    )
    try:
        # The user's own channels (their partner's) come with any subscription.
        connection.send(
            json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}})
        )
        time.sleep(1)
        summary = "Préparer l'entretien de sortie (temps réel)"
        coordinator(
            "siao.detainee",
            "activity_schedule",
            person[:1],
            "mail.mail_activity_data_todo",
            summary=summary,
            user_id=worker.uid,
            # Due today as Odoo's server counts it (UTC): Odoo notifies the
            # activities due by then, whatever the users' time zone says.
            date_deadline=str(datetime.now(timezone.utc).date()),
        )
        heard = []
        deadline = time.monotonic() + LISTEN_SECONDS
        while time.monotonic() < deadline:
            # Control frames (the server's pings) return too: the deadline holds.
            opcode, data = connection.recv_data(control_frame=True)
            if opcode != websocket.ABNF.OPCODE_TEXT:
                continue
            notifications = json.loads(data)
            heard += [n["message"]["type"] for n in notifications]
            if "mail.activity/updated" in heard:
                break
        assert "mail.activity/updated" in heard, f"heard only {heard}"
    finally:
        connection.close()
    # The connection was served by the process found before, still the only one.
    assert realtime_processes(process) == before


def test_odoo_sees_the_address_the_browser_used(deployed):
    """nginx forwards the host and scheme, which Odoo reads in proxy mode: an
    administrator's login through the proxy sets the database's base URL (links in
    mails, the minutes' PDF) to the proxy's address, not to the upstream's name."""
    process, url, db, _realtime_port = deployed
    admin = Client(url, db, "admin", "admin")
    before = admin("ir.config_parameter", "get_param", "web.base.url")
    try:
        session_cookie(url, db, "admin")
        assert admin("ir.config_parameter", "get_param", "web.base.url") == url
    finally:
        admin("ir.config_parameter", "set_param", "web.base.url", before)
