"""Measure the operations users and crons run, on a database filled by generate.py.

Usage (through ``make bench``): python bench/measure.py SCALE OUT.json -- <odoo options>

Every operation runs in-process against the real registry and PostgreSQL, as the
user who runs it in production; the environment cache is emptied before each run,
as each HTTP request starts with an empty one. Prints one line per figure and
writes them all to OUT.json.
"""

import importlib.util
import io
import json
import os
import statistics
import sys
import time
import tracemalloc
from datetime import date

import xlsxwriter
from benchlib import PEER_PROJECT, open_registry
from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL

RESULTS = []
WEB_CLIENT = {}
# Odoo's own task form, read by measure_peer's user: the person form's peer.
PEER_FORM = {}
SPECS = {}


def record(operation, seconds=None, queries=None, **extra):
    row = {"operation": operation, "seconds": seconds, "queries": queries, **extra}
    RESULTS.append(row)
    parts = [f"{operation:<66}"]
    if seconds is not None:
        parts.append(f"{seconds * 1000:>9.1f} ms")
    if queries is not None:
        parts.append(f"{queries:>6} queries")
    parts += [f"{key}={value}" for key, value in extra.items()]
    print("  ".join(parts), flush=True)


def seconds_of(operation):
    """The median time recorded for ``operation`` in this run, or None."""
    return next(
        (row["seconds"] for row in RESULTS if row["operation"] == operation), None
    )


def counted(env, func):
    """Run func with an empty cache; return (seconds, queries, result)."""
    env.invalidate_all()
    before = env.cr.sql_log_count
    started = time.perf_counter()
    result = func()
    env.flush_all()
    return time.perf_counter() - started, env.cr.sql_log_count - before, result


def timed(env, func, runs=5):
    """Median seconds and the query count of the last run."""
    samples = [counted(env, func) for _run in range(runs)]
    samples.sort(key=lambda sample: sample[0])
    seconds = samples[len(samples) // 2][0]
    return seconds, samples[-1][1], samples[-1][2]


def paired(env, func, reference, runs=7):
    """``func`` beside its reference, run in turn so that the machine's slower
    moments weigh on both: (func's median seconds, its query count, the
    reference's median seconds, the median of the runs' ratios)."""
    ours, theirs, ratios = [], [], []
    for _run in range(runs):
        seconds, queries, _result = counted(env, func)
        reference_seconds = counted(env, reference)[0]
        ours.append(seconds)
        theirs.append(reference_seconds)
        ratios.append(seconds / reference_seconds)
    return (
        statistics.median(ours),
        queries,
        statistics.median(theirs),
        statistics.median(ratios),
    )


def open_board(env, model, domain, groupby, spec):
    """Wall time and per-call query counts of opening a grouped kanban."""
    limit = web_client().view_limit(env, model, "kanban")
    started = time.perf_counter()
    calls = web_client().open_board(env, model, domain, groupby, spec, limit)
    return time.perf_counter() - started, calls


def view_specification(env, model, view_type):
    return web_client().view_specification(env, model, view_type)


def web_client():
    """The addon's description of the web client's calls (tests/web_client.py),
    loaded from its file: importing the tests package outside of tests is refused."""
    if "module" not in WEB_CLIENT:
        import odoo.addons.siao_justice as addon  # noqa: PLC0415 - needs the registry

        path = os.path.join(os.path.dirname(addon.__file__), "tests", "web_client.py")
        spec = importlib.util.spec_from_file_location("siao_web_client", path)
        WEB_CLIENT["module"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(WEB_CLIENT["module"])
    return WEB_CLIENT["module"]


def floor_query(env, model, domain, spec, groupby=None, limit=None):
    """The floor of a view, measured beside it: the same records' stored columns
    (those of ``spec``) read by one SQL query, the user's record rules applied
    (``_search``); for a board, the first ``limit`` cards of each group in the
    board's order. Returns the number of rows read."""
    Model = env[model]
    query = Model._search(domain)
    table = query.table
    columns = [
        SQL("%s AS %s", Model._field_to_sql(table, name, query), SQL.identifier(name))
        for name in spec
        if Model._fields[name].store and Model._fields[name].column_type
    ]
    order = Model._order_to_sql(Model._order, query)
    if groupby:
        rank = SQL(
            "row_number() OVER (PARTITION BY %s ORDER BY %s) AS siao_rank",
            Model._field_to_sql(table, groupby, query),
            order,
        )
        sql = SQL(
            "SELECT * FROM (%s) AS cards WHERE siao_rank <= %s",
            query.select(*columns, rank),
            limit,
        )
    else:
        query.order = order
        sql = query.select(*columns)
    env.cr.execute(sql)
    return len(env.cr.fetchall())


def measure_floor(env, label, seconds, func):
    """Time the floor ``func`` (median of 5) and record the view's ratio to it."""
    floor_seconds, queries, rows = timed(env, func)
    record(
        f"floor: {label}, one SQL query",
        floor_seconds,
        queries,
        rows=rows,
        ratio=round(seconds / floor_seconds, 1),
    )


def measure_board(env, label, model, domain, groupby, runs=5):
    spec = view_specification(env, model, "kanban")
    open_board(env, model, domain, groupby, spec)  # warm-up: a running server's caches
    samples = []
    for _run in range(runs):
        env.invalidate_all()
        samples.append(open_board(env, model, domain, groupby, spec))
    samples.sort()
    seconds, calls = samples[len(samples) // 2]
    record(
        label,
        seconds,
        sum(calls),
        rpc_calls=len(calls),
        max_queries_per_call=max(calls),
        queries_per_call=calls,
    )
    limit = web_client().view_limit(env, model, "kanban")
    measure_floor(
        env,
        label,
        seconds,
        lambda: floor_query(env, model, domain, spec, groupby, limit),
    )
    return calls


def measure_peer(worker):
    """Odoo's project tasks board and task form, beside the person board and
    form: the same user, the same cards, the same page per column."""
    project = worker["project.project"].search([("name", "=", PEER_PROJECT)], limit=1)
    if not project:
        return None
    domain = [("project_id", "=", project.id)]
    limit = web_client().view_limit(worker, "siao.detainee", "kanban")
    spec = view_specification(worker, "project.task", "kanban")
    open_board(worker, "project.task", domain, "stage_id", spec)  # warm-up
    samples = []
    for _run in range(5):
        worker.invalidate_all()
        started = time.perf_counter()
        calls = web_client().open_board(
            worker, "project.task", domain, "stage_id", spec, limit
        )
        samples.append((time.perf_counter() - started, calls))
    samples.sort()
    seconds, calls = samples[len(samples) // 2]
    record(
        "peer: Odoo's project tasks board (same cards and activities)",
        seconds,
        sum(calls),
        rpc_calls=len(calls),
        max_queries_per_call=max(calls),
        queries_per_call=calls,
        cards=worker["project.task"].search_count(domain),
    )
    board = seconds_of("person board, social worker")
    if board:
        record("person board against Odoo's board", ratio=round(board / seconds, 2))
    task = worker["project.task"].search(
        domain + [("user_ids", "in", worker.uid)], limit=1
    ) or worker["project.task"].search(domain, limit=1)
    form = view_specification(worker, "project.task", "form")
    form_seconds, queries, _result = timed(worker, lambda: task.web_read(form))
    record("peer: Odoo's task form (web_read)", form_seconds, queries)
    PEER_FORM["read"] = lambda: task.web_read(form)
    SPECS["peer_project"] = project.id
    SPECS["peer_kanban"] = spec
    SPECS["peer_form"] = form
    return calls


def explain(env, query, table):
    """EXPLAIN ANALYZE of the real SQL: (rows of ``table`` its scans read, kept or
    thrown away by their filters; whether one was a sequential scan)."""
    env.cr.execute(SQL("EXPLAIN (ANALYZE, FORMAT JSON) %s", query.select()))
    nodes = [env.cr.fetchone()[0][0]["Plan"]]
    read, sequential = 0, False
    while nodes:
        node = nodes.pop()
        if node.get("Relation Name") == table:
            kept_and_removed = node["Actual Rows"] + node.get(
                "Rows Removed by Filter", 0
            )
            read += kept_and_removed * node.get("Actual Loops", 1)
            sequential = sequential or "Seq Scan" in node["Node Type"]
        nodes.extend(node.get("Plans", []))
    return read, sequential


def explain_queries(env, label, model, queries, bound):
    """Does each query use an index, and read no more rows of the table than the
    page it serves is drawn from (``bound``: the board's or the list's records),
    whatever the size of the table?"""
    most, indexed = 0, True
    for query in queries:
        read, sequential = explain(env, query, env[model]._table)
        indexed = indexed and not sequential
        most = max(most, read)
    holds = indexed and most <= bound
    record(
        label,
        uses_index_in_every_group=indexed,
        rows_read_max=most,
        rows_of_the_page_s_source=bound,
        groups=len(queries),
        holds=holds,
    )
    return holds


def explain_board(env, label, model, domain, groupby):
    """The search of each column of a board, as the web client asks it."""
    Model = env[model]
    groups = Model.web_read_group(domain, [], [groupby], lazy=True)["groups"]
    limit = web_client().view_limit(env, model, "kanban")
    return explain_queries(
        env,
        label,
        model,
        [
            Model._search(group["__domain"], limit=limit, order=Model._order)
            for group in groups
        ],
        Model.search_count(domain),
    )


def explain_portal(root, login, label):
    """The search of an officer's page of persons on the portal, as the portal
    controller asks it (the one rule, read as superuser)."""
    # Imported once the registry has set the addons path.
    from odoo.addons.siao_justice.controllers.portal import PAGE_SIZE

    officer = root["res.users"].search([("login", "=", login)])
    Person = root["siao.detainee"].with_context(active_test=False)
    domain = Person._portal_domain(officer)
    return explain_queries(
        root,
        label,
        "siao.detainee",
        [Person._search(domain, limit=PAGE_SIZE, order=Person._order)],
        Person.search_count(domain),
    )


def main():
    scale = int(sys.argv[1])
    out_path = sys.argv[2]
    registry = open_registry(sys.argv[sys.argv.index("--") + 1 :])
    with registry.cursor() as cr:
        root = api.Environment(cr, SUPERUSER_ID, {"lang": "fr_FR"})
        run(root, scale)
        cr.rollback()
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(
            {"scale": scale, "results": RESULTS, "specs": SPECS},
            out,
            indent=1,
            default=str,
        )


def user_env(root, login):
    user = root["res.users"].search([("login", "=", login)])
    return root(
        user=user.id,
        context={
            "lang": "fr_FR",
            "tz": "Europe/Paris",
            "allowed_company_ids": user.company_id.ids,
        },
    )


def run(root, scale):
    print(f"scale: {scale} persons", flush=True)
    worker = user_env(root, "worker0_1")
    manager = user_env(root, "manager0")
    # 1. Boards, as the web client opens them.
    detained = [("state", "=", "detained")]
    measure_board(
        worker,
        "person board, social worker",
        "siao.detainee",
        detained,
        "release_horizon",
    )
    measure_board(
        worker,
        "person board, social worker, my cases",
        "siao.detainee",
        detained + [("user_id", "=", worker.uid)],
        "release_horizon",
    )
    measure_board(
        manager,
        "person board, coordinator",
        "siao.detainee",
        detained,
        "release_horizon",
    )
    explain_board(
        worker,
        "person board uses indexes",
        "siao.detainee",
        detained,
        "release_horizon",
    )
    explain_portal(root, "spip0", "an officer's portal list uses indexes")
    # 1b. The peer: Odoo's own board of the same size (a project's tasks by stage,
    # activities on the cards), read by the same user with the same page of cards
    # per column, and Odoo's own form with a chatter.
    measure_peer(worker)
    # 2. One person's form.
    person = worker["siao.detainee"].search(
        [("user_id", "=", worker.uid), ("state", "=", "detained")], limit=1
    )
    spec = view_specification(worker, "siao.detainee", "form")
    SPECS["form"] = spec
    SPECS["kanban"] = view_specification(worker, "siao.detainee", "kanban")
    SPECS["kanban_limit"] = web_client().view_limit(worker, "siao.detainee", "kanban")
    seconds, queries, _result = timed(worker, lambda: person.web_read(spec))
    record("person form (web_read)", seconds, queries, persons_read=len(person))
    if "read" in PEER_FORM:
        # Read in turn with the task's form: the ratio of the same moments.
        _s, _q, _peer, ratio = paired(
            worker, lambda: person.web_read(spec), PEER_FORM["read"], runs=11
        )
        record("person form against Odoo's task form", ratio=round(ratio, 2))
    measure_floor(
        worker,
        "person form",
        seconds,
        lambda: floor_query(worker, "siao.detainee", [("id", "=", person.id)], spec),
    )
    # 4. The agenda of next month's commission, then its board.
    measure_agenda(manager)
    # 5. The CPOM workbook.
    measure_workbook(manager, scale)
    # 6. Reporting pivots.
    measure_pivots(manager)
    # 7. Office hours in prison, and the coordinator's dashboard.
    measure_permanence(worker)
    measure_dashboard(root, manager)
    # 8. Who read a file: the log's cost per request.
    measure_access_log(worker)
    # 3. Daily crons, last: their rolled-back runs leave dead rows behind them.
    measure_crons(root, scale)


def rolled_back(env, func):
    """func, run so that every run has the same work: its writes flushed (so that
    they are measured), then undone. Returns what func returns."""

    def run():
        with env.cr.savepoint(flush=False) as savepoint:
            result = func()
            env.flush_all()
            savepoint.rollback()
        env.invalidate_all()
        return result

    return run


def emptied_then(
    root, func, emptying="UPDATE siao_detainee SET release_horizon = NULL"
):
    """The worst case: ``emptying`` (untimed, by default every horizon emptied),
    then func, rolled back."""
    cr = root.cr
    with cr.savepoint(flush=False) as savepoint:
        cr.execute(emptying)
        root.invalidate_all()
        result = counted(root, func)
        savepoint.rollback()
    root.invalidate_all()
    return result


def measure_crons(root, scale):
    measure_horizon_cron(root)
    measure_deadline_crons(root)
    measure_retention_cron(root)


def measure_horizon_cron(root):
    """The release horizon's nightly job against a per-record ORM loop."""
    Person = root["siao.detainee"]

    def orm_loop(today):
        """The per-record baseline: read each person, write when it changes."""
        persons = Person.with_context(active_test=False).search([])
        for person in persons:
            horizon = person._release_horizons(today)[person]
            if person.release_horizon != horizon:
                person.write({"release_horizon": horizon})

    scenarios = [
        ("tomorrow", root.company.siao_today() + relativedelta(days=1), 5),
        (
            "in a month, every boundary crossed",
            root.company.siao_today() + relativedelta(months=1),
            3,
        ),
        ("every row changed (horizons emptied)", None, 1),
    ]
    for label, day, runs in scenarios:
        if day is None:
            seconds, queries, changed = emptied_then(
                root, Person._cron_update_release_horizon
            )
            loop_seconds, loop_queries, _r = emptied_then(
                root, lambda: orm_loop(root.company.siao_today())
            )
        else:
            seconds, queries, changed = timed(
                root,
                rolled_back(
                    root, lambda day=day: Person._cron_update_release_horizon(day)
                ),
                runs=runs,
            )
            loop_seconds, loop_queries, _r = timed(
                root, rolled_back(root, lambda day=day: orm_loop(day)), runs=1
            )
        record(
            f"cron: release horizon, {label} (SQL)",
            seconds,
            queries,
            rows_changed=len(changed),
        )
        record(
            f"baseline: per-record ORM loop, {label}",
            loop_seconds,
            loop_queries,
            ratio=round(loop_seconds / seconds, 1),
        )


def measure_deadline_crons(root):
    """Deadline activities: the first pass (the generated backlog scheduled again
    from none), then a day's run."""
    Alert = root["siao.deadline.alert"]
    seconds, queries, created = emptied_then(
        root,
        Alert._schedule,
        "DELETE FROM mail_activity WHERE id IN "
        "(SELECT activity_id FROM siao_deadline_alert); "
        "DELETE FROM siao_deadline_alert",
    )
    record(
        "cron: deadline activities, first pass",
        seconds,
        queries,
        activities_created=len(created),
    )
    seconds, queries, _r = timed(root, Alert._cron_schedule_deadlines, runs=3)
    record("cron: deadline activities, daily pass", seconds, queries)


def measure_retention_cron(root):
    """Retention: a day's anonymisation (rolled back so each run has the same
    work)."""
    Person = root["siao.detainee"]
    due = Person.with_context(active_test=False).search(
        Person._retention_domain(root.company.siao_today())
    )
    meetings = (
        root["siao.commission.line"]
        .search([("detainee_id", "in", due.ids), ("meeting_state", "=", "closed")])
        .meeting_id
    )

    Anonymised = Person.with_context(active_test=False)

    def anonymise():
        """A day's anonymisations; returns how many files were anonymised."""
        before = Anonymised.search_count([("anonymised", "=", True)])
        Person._cron_anonymise()
        return Anonymised.search_count([("anonymised", "=", True)]) - before

    seconds, queries, anonymised = timed(root, rolled_back(root, anonymise), runs=3)
    record(
        "cron: retention, a day's anonymisation",
        seconds,
        queries,
        persons_due=len(due),
        persons_anonymised=anonymised,
        minutes_rendered_again=len(meetings),
    )


def measure_agenda(manager):
    company = manager.company
    month = company.siao_today().replace(day=1) + relativedelta(months=1)
    meeting = manager["siao.commission.meeting"].create(
        {
            "date": fields.Datetime.to_datetime(month)
            + relativedelta(days=13, hours=8),
            "company_id": company.id,
        }
    )

    def generate():
        meeting.action_generate_agenda()
        manager.flush_all()
        return len(meeting.line_ids)

    seconds, queries, lines = timed(manager, rolled_back(manager, generate), runs=3)
    record("agenda of a month (action_generate_agenda)", seconds, queries, cases=lines)

    def per_case_loop():
        """The baseline: the same cases, each searched for and created on its own."""
        Line = manager["siao.commission.line"]
        for person in manager["siao.detainee"].search(meeting._agenda_domain()):
            Line.create({"meeting_id": meeting.id, "detainee_id": person.id})
        manager.flush_all()
        return len(meeting.line_ids)

    loop_seconds, loop_queries, loop_lines = timed(
        manager, rolled_back(manager, per_case_loop), runs=1
    )
    record(
        "baseline: agenda, one case at a time (ORM loop)",
        loop_seconds,
        loop_queries,
        cases=loop_lines,
        ratio=round(loop_seconds / seconds, 1),
    )
    meeting.action_generate_agenda()
    manager.flush_all()
    measure_board(
        manager,
        "commission board of that month",
        "siao.commission.line",
        [("meeting_id", "=", meeting.id)],
        "release_horizon",
    )
    explain_board(
        manager,
        "commission board uses indexes",
        "siao.commission.line",
        [("meeting_id", "=", meeting.id)],
        "release_horizon",
    )


def plain_export_writer():
    """Odoo's list-view export writer (its own write_cell), outside of a request."""
    # Imported once the registry has set the addons path.
    from odoo.addons.web.controllers.export import ExportXlsxWriter

    class PlainExportWriter(ExportXlsxWriter):
        """Odoo's list-view export writer (its own write_cell), outside of a request."""

        def __init__(self, fields_, columns_headers, row_count):  # pylint: disable=super-init-not-called
            self.fields = fields_
            self.columns_headers = columns_headers
            self.output = io.BytesIO()
            self.workbook = xlsxwriter.Workbook(self.output, {"in_memory": True})
            self.header_style = self.workbook.add_format({"bold": True})
            self.date_style = self.workbook.add_format(
                {"text_wrap": True, "num_format": "yyyy-mm-dd"}
            )
            self.datetime_style = self.workbook.add_format(
                {"text_wrap": True, "num_format": "yyyy-mm-dd hh:mm:ss"}
            )
            self.base_style = self.workbook.add_format({"text_wrap": True})
            self.float_style = self.workbook.add_format(
                {"text_wrap": True, "num_format": "#,##0.00"}
            )
            self.monetary_style = self.float_style
            self.worksheet = self.workbook.add_worksheet()
            self.value = False

    return PlainExportWriter


def workbook_domain(manager, wizard, model):
    """The rows of a subject's sheet, and the date field that orders them."""
    date_field = manager["report.siao_justice.cpom_workbook"]._date_field(model)
    return [
        ("company_id", "in", wizard.company_ids.ids),
        (date_field, ">=", wizard.date_from),
        (date_field, "<=", wizard.date_to),
    ], date_field


def workbook_by_generic_export(manager, wizard, sheets):
    """Odoo's generic export: export_data of the same rows and columns."""
    outputs = []
    for _name, model, columns in sheets:
        domain, date_field = workbook_domain(manager, wizard, model)
        records = manager[model].search(domain, order=f"{date_field}, id")
        rows = records.export_data(columns)["datas"]
        info = manager[model].fields_get(columns, ["string", "type"])
        with plain_export_writer()(
            [info[c] for c in columns],
            [info[c]["string"] for c in columns],
            len(rows),
        ) as writer:
            for row_index, row in enumerate(rows, start=1):
                for column, value in enumerate(row):
                    writer.write_cell(row_index, column, value)
        outputs.append(writer.value)
    return outputs


def workbook_floor(manager, wizard, sheets):
    """One raw SQL fetch per sheet, cells written in constant_memory mode."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, model, columns in sheets:
        sheet = workbook.add_worksheet(name)
        date_field = manager["report.siao_justice.cpom_workbook"]._date_field(model)
        manager.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE company_id = ANY(%s) AND %s BETWEEN %s "
                "AND %s ORDER BY %s, id",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                SQL.identifier(manager[model]._table),
                wizard.company_ids.ids,
                SQL.identifier(date_field),
                wizard.date_from,
                wizard.date_to,
                SQL.identifier(date_field),
            )
        )
        for row_index, row in enumerate(manager.cr.fetchall(), start=1):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(row_index, column, value, date_format)
                else:
                    sheet.write(row_index, column, value)
    workbook.close()
    return output.getvalue()


def measure_workbook(manager, scale):
    year = manager.company.siao_today().year - 1
    Wizard = manager["siao.cpom.report.wizard"]
    wizard = Wizard.create(
        {"date_from": date(year, 1, 1), "date_to": date(year, 12, 31)}
    )
    Workbook = manager["report.siao_justice.cpom_workbook"]
    sheets = Workbook._subject_sheets()

    def export_data():
        return workbook_by_generic_export(manager, wizard, sheets)

    def floor():
        return workbook_floor(manager, wizard, sheets)

    cells = 0
    for _name, model, columns in sheets:
        domain, _date_field = workbook_domain(manager, wizard, model)
        cells += manager[model].search_count(domain) * len(columns)

    seconds, queries, data = timed(manager, wizard._render_workbook, runs=3)
    ours = seconds
    record(
        "CPOM workbook of a year (ours)", seconds, queries, cells=cells, bytes=len(data)
    )

    seconds, queries, _r = timed(manager, export_data, runs=3)
    record(
        "baseline: generic export (export_data + list export writer)",
        seconds,
        queries,
        ratio_to_ours=round(seconds / ours, 2),
    )

    # Ours and the floor in turn: the ratio of the same moments of the machine.
    _ours, _q, seconds, ratio = paired(manager, wizard._render_workbook, floor, runs=5)
    record(
        "floor: raw SQL + xlsxwriter constant_memory",
        seconds,
        counted(manager, floor)[1],
        ours_to_floor=round(ratio, 2),
    )
    # Peak memory (Python allocations), separate runs: tracing slows the code.
    for label, func in (
        ("ours", wizard._render_workbook),
        ("generic export", export_data),
    ):
        manager.invalidate_all()
        tracemalloc.start()
        func()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        record(f"CPOM workbook peak memory ({label})", peak_mb=round(peak / 2**20, 1))


def measure_permanence(worker):
    """A worker prepares the list of office hours in the prison that holds the
    most persons, then opens the session's form (rolled back)."""
    worker.cr.execute(
        """SELECT prison_id FROM siao_detainee WHERE state = 'detained'
            GROUP BY prison_id ORDER BY count(*) DESC LIMIT 1"""
    )
    prison_id = worker.cr.fetchone()[0]
    Session = worker["siao.permanence"]
    spec = view_specification(worker, "siao.permanence", "form")

    def prepare():
        session = Session.create(
            {"prison_id": prison_id, "user_ids": [(6, 0, [worker.uid])]}
        )
        session.action_prepare_list()
        return session.id, len(session.line_ids)

    seconds, queries, (_id, lines) = timed(worker, rolled_back(worker, prepare), runs=3)
    record("office hours: prepare the list", seconds, queries, persons_listed=lines)

    def prepare_then_open():
        session_id, _lines = prepare()
        worker.invalidate_all()
        before = worker.cr.sql_log_count
        started = time.perf_counter()
        Session.browse(session_id).web_read(spec)
        return time.perf_counter() - started, worker.cr.sql_log_count - before

    samples = sorted(rolled_back(worker, prepare_then_open)() for _run in range(3))
    record("office hours: the form with its list", samples[1][0], samples[1][1])


def measure_access_log(worker):
    """Who read a file: a list page of persons and a person's form, each with the
    request's end (its one INSERT into the log), beside the same reads unlogged
    (rolled back)."""
    logged = worker["siao.detainee"]
    unlogged = logged.with_context(siao_read_logged=True)
    domain = [("state", "=", "detained")]
    list_spec = view_specification(worker, "siao.detainee", "list")
    person = logged.search(domain + [("user_id", "=", worker.uid)], limit=1)

    def ending(func):
        def run():
            result = func()
            worker.cr.flush()  # the request's commit: the log's INSERT
            return result

        return rolled_back(worker, run)

    for label, model in (("logged", logged), ("unlogged (reference)", unlogged)):
        seconds, queries, result = timed(
            worker,
            ending(
                lambda model=model: model.web_search_read(domain, list_spec, limit=80)
            ),
        )
        record(
            f"person list of 80 (web_search_read), {label}",
            seconds,
            queries,
            persons_read=len(result["records"]),
        )
        seconds, queries, _result = timed(
            worker,
            ending(
                lambda model=model: person.with_env(model.env).web_read(SPECS["form"])
            ),
        )
        record(f"person form (web_read), {label}", seconds, queries)
    # One INSERT for the whole list, whatever its length.
    inserts = []

    def count_inserts():
        before = worker.cr.sql_log_count
        logged.web_search_read(domain, list_spec, limit=80)
        worker.flush_all()
        after_reads = worker.cr.sql_log_count
        worker.cr.flush()
        inserts.append(worker.cr.sql_log_count - after_reads)
        return after_reads - before

    rolled_back(worker, count_inserts)()
    record("who read a file: statements its log adds to a request", queries=inserts[0])


def measure_dashboard(root, manager):
    """The coordinator's dashboard as its page asks for it, action by action,
    with twenty contingents of places in force (rolled back)."""
    client = web_client()
    with root.cr.savepoint(flush=False) as savepoint:
        root.cr.execute(
            """SELECT structure_id, company_id, array_agg(id ORDER BY id)
                 FROM siao_housing_place
                GROUP BY structure_id, company_id LIMIT 20"""
        )
        root["siao.convention"].create(
            [
                {
                    "name": f"Contingent {structure_id}",
                    "partner_id": structure_id,
                    "company_id": company_id,
                    "kind": "contingent",
                    "place_count": len(places[:5]),
                    "place_ids": [(6, 0, places[:5])],
                    "signature_date": root.company.siao_today()
                    - relativedelta(years=1),
                }
                for structure_id, company_id, places in root.cr.fetchall()
            ]
        )
        root.flush_all()
        actions = client.board_actions(
            manager, "siao_justice.siao_coordinator_board_view"
        )
        total_seconds, total_queries = 0.0, 0
        for title, model, view_type, domain, spec in actions:
            seconds, queries, result = timed(
                manager,
                lambda m=model, t=view_type, d=domain, s=spec: (
                    client.open_board_action(manager, m, t, d, s)
                ),
                runs=3,
            )
            rows = result["length"] if isinstance(result, dict) else len(result)
            record(f"dashboard: {title}", seconds, queries, rows=rows)
            total_seconds += seconds
            total_queries += queries
        record(
            "dashboard: the whole page",
            total_seconds,
            total_queries,
            actions=len(actions),
        )
        savepoint.rollback()
    root.invalidate_all()


def measure_pivots(manager):
    year = manager.company.siao_today().year - 1
    start, end = date(year, 1, 1), date(year, 12, 31)
    for model, date_field, outcome in (
        ("siao.report.request", "request_date", "state"),
        ("siao.report.release", "release_date", "release_outcome"),
        ("siao.report.measure", "referral_date", "state"),
    ):
        Model = manager[model]
        domain = [(date_field, ">=", start), (date_field, "<=", end)]
        seconds, queries, groups = timed(
            manager,
            lambda Model=Model, domain=domain, date_field=date_field, outcome=outcome: (
                Model.read_group(
                    domain, ["__count"], [f"{date_field}:month", outcome], lazy=False
                )
            ),
        )
        record(
            f"pivot {model} by month and outcome", seconds, queries, cells=len(groups)
        )


if __name__ == "__main__":
    main()
