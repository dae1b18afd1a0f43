#!/usr/bin/env bash
# Part of make test: a database already in use upgrades without loss. The previous
# version of the module (the last commit before its data structure changed, named
# below by its hash and taken from this repository's own history with git archive)
# is installed with its demo data; the figures are read (the CPOM indicators of three
# periods, the counts of files, requests and measures); the module is upgraded to
# this checkout (-u siao_justice) and the figures are read again. They must be the
# same, every file must have its current stay, and the logs must be clean.
source "$(dirname "$0")/common.sh"
ensure_odoo
ensure_postgres

# 18.0.1.1.0, before the stays in prison (18.0.1.2.0).
PREVIOUS=6eaf2a9d7bf8250d774810e98c22e4f9bc9715a8

OUT=$ROOT/.test-output
writable_by_odoo "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/siao-upgrade.XXXXXX")
chmod 755 "$TMP"  # Odoo may run as its own system user (ensure_odoo_user)
DB=${UPGRADE_DB:-siao_justice_upgrade}
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "$TMP"
    stop_postgres_if_started_here
}
trap cleanup EXIT

git -C "$ROOT" cat-file -e "$PREVIOUS^{commit}" 2>/dev/null \
    || die "the previous version ($PREVIOUS) is not in this clone's history: fetch the whole history (git fetch --unshallow) and run again."
mkdir "$TMP/previous"
git -C "$ROOT" archive "$PREVIOUS" siao_justice | tar -x -C "$TMP/previous"
chmod -R a+rX "$TMP/previous"
ODOO_ADDONS=${ADDONS_PATH#"$ROOT",}

cat >"$TMP/figures.py" <<'PY'
import datetime
import json

today = datetime.date.today()
periods = {
    "last_year": (datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
    "this_year": (datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)),
    "three_years": (datetime.date(today.year - 2, 1, 1), today),
}
companies = env["res.company"].search([]).ids
Indicators = env["siao.cpom.indicators"]
figures = {
    "files": env["siao.detainee"].with_context(active_test=False).search_count([]),
    "requests": env["siao.request"].with_context(active_test=False).search_count([]),
    "measures": env["siao.avdl.measure"].with_context(active_test=False).search_count([]),
    "cpom": {
        name: {row["code"]: row["value"] for row in Indicators.compute(start, end, companies)}
        for name, (start, end) in periods.items()
    },
}
Person = env["siao.detainee"].with_context(active_test=False)
# Each file's state and release as the previous version has them, counted.
for name in ("state", "release_outcome", "supervision_type"):
    if name not in Person._fields:
        continue
    figures[f"files_by_{name}"] = {
        str(value): count for value, count in Person._read_group([], [name], ["__count"])
    }
if "siao.detainee.stay" in env:
    figures["files_without_stay"] = Person.search_count(
        [("state", "!=", "supervised"), ("current_stay_id", "=", False)]
    )
Stay = env["siao.detainee.stay"] if "siao.detainee.stay" in env else None
if Stay is not None and "supervision_type" in Stay._fields:
    # The current stay holds the file's supervision (the figures count it).
    figures["stays_without_supervision"] = Person.search_count(
        [
            ("supervision_type", "!=", False),
            ("current_stay_id", "!=", False),
            ("current_stay_id.supervision_type", "=", False),
        ]
    )
Right = env["siao.resource.right"]
if "domiciliation" in dict(Right._fields["right_type"].selection):
    figures["followed_without_domiciliation"] = Person.search_count(
        [
            ("state", "in", ("detained", "supervised")),
            ("anonymised", "=", False),
            ("resource_right_ids", "not any", [("right_type", "=", "domiciliation")]),
        ]
    )
print("FIGURES " + json.dumps(figures, sort_keys=True, default=str))
PY

figures() {  # $1: addons path, $2: log name; prints the figures' JSON
    local log=$OUT/$2.log raw=$OUT/$2.stderr
    rm -f "$log" "$raw"
    "${ODOO[@]}" shell "${DB_ARGS[@]}" -d "$DB" --addons-path "$1" --no-http \
        --log-level info --logfile "$log" <"$TMP/figures.py" 2>"$raw" | sed -n 's/^FIGURES //p'
    log_check "$log" "$raw" >&2 || return 1
}

run_logged() {  # $1: log name, then Odoo's arguments
    local log=$OUT/$1.log raw=$OUT/$1.stderr
    shift
    rm -f "$log" "$raw"
    "${ODOO[@]}" "${DB_ARGS[@]}" -d "$DB" "$@" --workers 0 --max-cron-threads 0 \
        --http-port "$(free_port)" --http-interface 127.0.0.1 --stop-after-init \
        --log-level info --logfile "$log" >"$raw" 2>&1 || { say "Odoo failed (see $log)"; return 1; }
    log_check "$log" "$raw"
}

dropdb --if-exists "$DB"
say "upgrade: installing the previous version ($PREVIOUS) with its demo data"
run_logged upgrade-install --addons-path "$TMP/previous,$ODOO_ADDONS" -i siao_justice || exit 1
before=$(figures "$TMP/previous,$ODOO_ADDONS" upgrade-figures-before) || exit 1
[ -n "$before" ] || die "the figures of the previous version could not be read"
say "upgrade: -u siao_justice to this checkout"
run_logged upgrade --addons-path "$ADDONS_PATH" -u siao_justice || exit 1
after=$(figures "$ADDONS_PATH" upgrade-figures-after) || exit 1
[ -n "$after" ] || die "the figures after the upgrade could not be read"

"$PY" - "$before" "$after" <<'PY'
import json
import math
import sys

before, after = (json.loads(text) for text in sys.argv[1:3])
problems = []
for key in (
    "files",
    "requests",
    "measures",
    "files_by_state",
    "files_by_release_outcome",
    "files_by_supervision_type",
):
    if key not in before:
        continue  # a field the previous version did not have
    if before[key] != after[key]:
        problems.append(f"{key}: {before[key]} before, {after[key]} after")
for period, values in before["cpom"].items():
    for code, value in values.items():
        new = after["cpom"][period].get(code, "missing")
        same = (
            new == value
            if not isinstance(value, float) or not isinstance(new, float)
            else math.isclose(value, new, rel_tol=1e-9)
        )
        if not same:
            problems.append(f"CPOM {code} ({period}): {value} before, {new} after")
if after.get("files_without_stay"):
    problems.append(f"{after['files_without_stay']} files have no current stay")
if after.get("stays_without_supervision"):
    problems.append(
        f"{after['stays_without_supervision']} current stays lost their supervision"
    )
if after.get("followed_without_domiciliation"):
    problems.append(
        f"{after['followed_without_domiciliation']} files followed have no "
        "domiciliation line"
    )
if problems:
    print("[siao_justice] the upgrade changed the figures:", *problems, sep="\n  ")
    raise SystemExit(1)
print(
    f"[siao_justice] upgrade: {after['files']} files, {after['requests']} requests, "
    f"{after['measures']} measures and {sum(map(len, before['cpom'].values()))} "
    "CPOM figures are the same before and after"
)
PY
