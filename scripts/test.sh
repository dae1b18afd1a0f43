#!/usr/bin/env bash
# make test: lint, the wheel check (scripts/wheel_check.sh), the upgrade check
# (scripts/upgrade_check.sh), Odoo's own tests of what the addon extends
# (scripts/odoo_tests_check.sh), then the addon's tests on a fresh database, then
# tests/ (if any).
# Fails on any failing test and on any line of an Odoo log that is not a well-formed
# INFO record (log_check in common.sh: warnings, errors, tracebacks, raw stderr).
source "$(dirname "$0")/common.sh"

ensure_odoo
BROWSER=$(command -v chromium || command -v chromium-browser || command -v google-chrome || command -v google-chrome-stable || true)
[ -n "$BROWSER" ] || die "browser tours need Chromium: install it (apt-get install chromium) and run again."
"$PY" -c 'import websocket' 2>/dev/null || die "browser tours need websocket-client: run '$PY -m pip install websocket-client'."
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || die "the real-time test runs Odoo behind nginx, as deployed: install it (apt-get install nginx) and run again."

passed=0 failed=0 skipped=0
OUT=$ROOT/.test-output
# The Odoo processes write their logs, the e2e report and the tours' screenshots.
writable_by_odoo "$OUT" "$ROOT/siao_justice/static/description/screenshots"

say "lint"
if "$ROOT/scripts/lint.sh"; then passed=$((passed + 1)); else failed=$((failed + 1)); say "lint FAILED"; fi

ensure_postgres
trap stop_postgres_if_started_here EXIT

say "wheel: build, install in a fresh environment, install the module from it"
if "$ROOT/scripts/wheel_check.sh"; then passed=$((passed + 1)); else failed=$((failed + 1)); say "wheel check FAILED"; fi

say "upgrade: the previous version's database, with its demo data, upgraded to this checkout"
if "$ROOT/scripts/upgrade_check.sh"; then passed=$((passed + 1)); else failed=$((failed + 1)); say "upgrade check FAILED"; fi

say "Odoo's own tests of what siao_justice extends, with siao_justice installed first"
if "$ROOT/scripts/odoo_tests_check.sh"; then passed=$((passed + 1)); else failed=$((failed + 1)); say "Odoo's own tests FAILED"; fi

# The browser's first start for a user builds its caches (fonts...): done here, so
# that the first tour's browser starts within the time Odoo gives it (10 s).
BROWSER_PROFILE=$(mktemp -d "$XDG_RUNTIME_DIR/browser.XXXXXX")
[ "${#AS_ODOO[@]}" = 0 ] || chown "$ODOO_SYSTEM_USER" "$BROWSER_PROFILE"
timeout 120 "${AS_ODOO[@]}" "$BROWSER" --headless --no-sandbox --disable-gpu --user-data-dir="$BROWSER_PROFILE" \
    --dump-dom about:blank >/dev/null 2>&1 || true
rm -rf "$BROWSER_PROFILE"

DB=${TEST_DB:-siao_justice_test}
dropdb --if-exists "$DB"
LOG=$OUT/odoo-test.log RAW=$OUT/odoo-test.stderr
rm -f "$LOG" "$RAW"
say "installing siao_justice with its tests on a fresh database '$DB' (log: $LOG)"
set +e
"${ODOO[@]}" "${DB_ARGS[@]}" -d "$DB" --addons-path "$ADDONS_PATH" \
    -i siao_justice --test-enable --test-tags /siao_justice --load-language fr_FR \
    --http-interface 127.0.0.1 --http-port "$(free_port)" --workers 0 --max-cron-threads 0 \
    --stop-after-init --log-level info --logfile "$LOG" >"$RAW" 2>&1
rc=$?
set -e
grep -E ' (INFO|WARNING|ERROR|CRITICAL) [^ ]+ odoo\.(addons\.siao_justice|tests|modules\.loading)|odoo.tests.result|(WARNING|ERROR|CRITICAL)' "$LOG" | grep -vE ' INFO .* Starting ' | tail -n 40 || true

report=$(grep -E 'odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$LOG" | tail -n 1 || true)
if [ -z "$report" ]; then
    say "Odoo ran no test (exit code $rc): see $LOG"
    failed=$((failed + 1))
else
    read -r f e n < <(sed -E 's/.*: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/' <<<"$report")
    # A test that did not run (Odoo skips a tour whose browser did not start)
    # fails the run: the tours are never skipped.
    s=$(grep -cE 'odoo\.addons\.siao_justice\.[^:]*: skipped ' "$LOG" || true)
    if [ "$s" -gt 0 ]; then
        say "$s tests did not run:"
        grep -E 'odoo\.addons\.siao_justice\.[^:]*: skipped ' "$LOG" | cut -c1-300 >&2
    fi
    passed=$((passed + n - f - e - s)) failed=$((failed + f + e + s))
fi
if [ "$rc" != 0 ]; then
    say "Odoo exited with code $rc"
    if [ -n "$report" ] && [ "$f$e" = 00 ]; then failed=$((failed + 1)); fi
fi
# As OCA's checklog, and stricter: any line that is not an INFO record fails the run.
log_check "$LOG" "$RAW" || failed=$((failed + 1))

if compgen -G "$ROOT/tests/test_*.py" >/dev/null; then
    say "end-to-end tests under tests/"
    rm -rf "$OUT"/e2e-server* "$OUT"/e2e-inprocess.log "$OUT/nginx"
    set +e
    SIAO_TEST_DB="$DB" ODOO_ADDONS_PATH="$ADDONS_PATH" "${AS_ODOO[@]}" "$PY" -m pytest -q -p no:cacheprovider -p no:warnings "$ROOT/tests" \
        --junitxml "$OUT/e2e.xml" >"$OUT/e2e.log" 2>&1
    set -e
    tail -n 15 "$OUT/e2e.log"
    for e2e_log in "$OUT"/e2e-server*.log "$OUT"/e2e-inprocess.log; do
        [ -e "$e2e_log" ] || continue  # no such server in this run
        log_check "$e2e_log" "${e2e_log%.log}.stderr" || failed=$((failed + 1))
    done
    read -r tp tf ts < <("$PY" - "$OUT/e2e.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print(0, 1, 0); raise SystemExit
s = root if root.tag == "testsuite" else root.find("testsuite")
n, f, e, k = (int(s.get(a, 0)) for a in ("tests", "failures", "errors", "skipped"))
print(n - f - e - k, f + e, k)
PY
)
    passed=$((passed + tp)) failed=$((failed + tf)) skipped=$((skipped + ts))
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" = 0 ]
