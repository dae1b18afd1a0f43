"""How the server's time splits, request by request, from the servers' own logs.

Usage (through ``make bench``): python bench/split.py OUT.json SERVER.log [...]

Each request Odoo serves is logged by its HTTP layer (``werkzeug`` at INFO) with
its figures: the number of SQL queries, the seconds in PostgreSQL and the seconds
left (Python: the ORM, the access rules, the JSON or the page rendered). Grouped by
route (the model and method of a call, a portal page), this says where a slow
request spends its time inside the server; what the clients measured beyond it is
the wait in nginx's and the workers' queues on a busy machine. Prints the routes
by total time and adds them to OUT.json.
"""

import json
import re
import statistics
import sys

REQUEST = re.compile(
    r'werkzeug: \S+ - - \[[^\]]+\] "(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" '
    r"(?P<status>\d{3}) \S+ (?P<queries>\d+) (?P<sql>[\d.]+) (?P<python>[\d.]+)"
)


def route(path):
    """A request's route: its path without query string nor record ids."""
    path = path.split("?", 1)[0]
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def split(paths):
    by_route = {}
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as log:
            for line in log:
                found = REQUEST.search(line)
                if not found:
                    continue
                key = f"{found['method']} {route(found['path'])}"
                by_route.setdefault(key, []).append(
                    (int(found["queries"]), float(found["sql"]), float(found["python"]))
                )
    rows = []
    for key, samples in by_route.items():
        totals = [sql + python for _queries, sql, python in samples]
        rows.append(
            {
                "route": key,
                "count": len(samples),
                "queries_median": statistics.median(q for q, _s, _p in samples),
                "sql_ms_median": round(
                    statistics.median(s for _q, s, _p in samples) * 1000, 1
                ),
                "python_ms_median": round(
                    statistics.median(p for _q, _s, p in samples) * 1000, 1
                ),
                "server_ms_p95": round(percentile(totals, 0.95) * 1000, 1),
                "server_seconds_total": round(sum(totals), 1),
            }
        )
    rows.sort(key=lambda row: -row["server_seconds_total"])
    return rows


def main():
    out_path, *logs = sys.argv[1:]
    rows = split(logs)
    print("inside the servers, by route (all the load runs; median per request):")
    for row in rows[:14]:
        print(
            f"  {row['route'][:62]:<62} {row['count']:>6} req  "
            f"{row['queries_median']:>4g} queries  "
            f"SQL {row['sql_ms_median']:>7.1f} ms  "
            f"Python {row['python_ms_median']:>7.1f} ms  "
            f"p95 in the server {row['server_ms_p95']:>7.1f} ms"
        )
    with open(out_path, encoding="utf-8") as out_file:
        data = json.load(out_file)
    data["server_split"] = rows
    with open(out_path, "w", encoding="utf-8") as out_file:
        json.dump(data, out_file, indent=1, default=str)


if __name__ == "__main__":
    main()
