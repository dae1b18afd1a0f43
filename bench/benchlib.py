"""What the benchmark scripts share."""

import statistics
import time

import odoo
from odoo.tools import config

LOAD_USERS = 20
# SPIP officers on the portal beside them, each SPIP referent of PORTAL_PERSONS
# persons whose consent covers the SPIP.
PORTAL_USERS = 20
PORTAL_PERSONS = 500
LOAD_PASSWORD = "bench-load-2026"
# The peer of the boards: Odoo's own project tasks' kanban, filled by generate.py
# with the same cards and activities as the person board.
PEER_PROJECT = "Projet témoin (tableau Odoo de même taille)"


def open_registry(odoo_args):
    """Parse Odoo's own options (-d, --db_host...) and open the database's registry."""
    config.parse_config(odoo_args, setup_logging=True)
    return odoo.modules.registry.Registry(config["db_name"])


def median_time(func, runs=5, before=None):
    """Median wall time of ``runs`` calls (``before`` is called untimed before each)."""
    times = []
    result = None
    for _run in range(runs):
        if before:
            before()
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result
