"""End-to-end tests: a real Odoo server on the test database, driven over JSON-RPC
as a client would. scripts/test.sh runs them after Odoo's own tests, with the
database settings in the environment."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name", "")
        self.message = data.get("message", error.get("message", ""))
        super().__init__(f"{self.name}: {self.message}")


class Client:
    """A JSON-RPC client logged in as one user."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        self.uid = self.call("common", "login", db, login, password)
        assert self.uid, f"cannot log in as {login}"

    def call(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
            "id": 1,
        }
        request = urllib.request.Request(
            f"{self.url}/jsonrpc",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer["result"]

    def __call__(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )


def business_day(client):
    """The association's day, as the server counts it (``res.company.siao_today``,
    in the company's time zone): the day the tests build their dates from."""
    return date.fromisoformat(client("res.company", "siao_today", []))


def database_options():
    """Odoo's options for the PostgreSQL server the test command started (PG*)."""
    options = []
    for option, variable in (
        ("--db_host", "PGHOST"),
        ("--db_port", "PGPORT"),
        ("--db_user", "PGUSER"),
        ("--db_password", "PGPASSWORD"),
    ):
        if os.environ.get(variable):
            options += [option, os.environ[variable]]
    return options


def start_server(db, log_name, options=(), refused_requests_logged=False):
    """An Odoo server process on ``db`` (with more Odoo ``options``); returns
    (process, url). Its records go to ``log_name``, anything else it writes
    (standard output and error) beside it in a ``.stderr`` file: scripts/test.sh
    checks both line by line (log_check). Unless ``refused_requests_logged``, the
    requests these tests expect to be refused (bad input, lost races) are not
    logged; every other record is."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = ROOT / ".test-output" / log_name
    raw = log.with_suffix(".stderr")
    log.parent.mkdir(exist_ok=True)
    log.unlink(missing_ok=True)
    command = [
        sys.executable,
        # Odoo's own entry point (scripts/common.sh finds it), as it is deployed.
        os.environ["ODOO_BIN"],
        "-d",
        db,
        "--db-filter",
        f"^{db}$",
        "--addons-path",
        os.environ["ODOO_ADDONS_PATH"],
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(port),
        "--max-cron-threads",
        "0",
        "--log-level",
        "info",
        "--logfile",
        str(log),
    ]
    if not refused_requests_logged:
        command += [
            # Errors returned to a client (ValidationError...) are logged by Odoo
            # as warnings; internal errors stay at ERROR and fail the run.
            "--log-handler",
            "odoo.http:ERROR",
            # A race lost to PostgreSQL (the races of tests/test_concurrency.py) is
            # logged by Odoo's cursor as a "bad query" before the request is
            # replayed or refused; any query that fails a request reaches odoo.http.
            "--log-handler",
            "odoo.sql_db:CRITICAL",
        ]
    command += list(options) + database_options()
    with open(raw, "wb") as raw_file:
        process = subprocess.Popen(
            command, stdout=raw_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/web/login", timeout=5)
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                stop_server(process)
                pytest.fail(f"the Odoo server did not start: see {log}")
            time.sleep(0.5)
    # The first request for a static file makes Odoo read every manifest (its
    # map of the modules' static folders): done once here, alone, rather than by
    # the two style sheets wkhtmltopdf asks for at once, whose threads parsing
    # the same manifests together trip CPython 3.11's parser.
    urllib.request.urlopen(f"{url}/web/static/img/favicon.ico", timeout=30)
    return process, url


def stop_server(process):
    """Stop the server and what it started (workers, real-time process): its
    process group."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def server():
    db = os.environ.get("SIAO_TEST_DB")
    if not db:
        pytest.fail("SIAO_TEST_DB is not set: run these tests with 'make test'")
    process, url = start_server(db, "e2e-server.log")
    admin = Client(url, db, "admin", "admin")
    # wkhtmltopdf fetches the report's styles from this server.
    admin("ir.config_parameter", "set_param", "report.url", url)
    yield url, db
    stop_server(process)


@pytest.fixture(scope="session")
def second_server(server):
    """Another Odoo server process on the same database, as a second server behind
    a load balancer would be."""
    _url, db = server
    process, url = start_server(db, "e2e-server-2.log")
    yield url, db
    stop_server(process)


@pytest.fixture(scope="session")
def login(server):
    url, db = server

    def make(user, password=None):
        return Client(url, db, user, password or user)

    return make


@pytest.fixture(scope="session")
def registry():
    """Odoo loaded in this process on the test database, for tests that need
    transactions of their own (two threads, two cursors)."""
    import odoo  # noqa: PLC0415 (Odoo is only importable in the project's environment)

    db = os.environ["SIAO_TEST_DB"]
    log = ROOT / ".test-output" / "e2e-inprocess.log"
    log.unlink(missing_ok=True)
    args = [
        "-d",
        db,
        "--addons-path",
        os.environ["ODOO_ADDONS_PATH"],
        "--log-level",
        "warn",
        # Checked line by line by scripts/test.sh, as the servers' logs are.
        "--logfile",
        str(log),
    ]
    args += database_options()
    odoo.tools.config.parse_config(args, setup_logging=True)
    return odoo.modules.registry.Registry(db)
