#!/usr/bin/env bash
# make bench [SCALE=1000] [LOAD_SECONDS=120] [THINK_SECONDS=1]: fill a fresh database
# with SCALE persons, measure the operations users and crons run, then load-test Odoo
# in prefork mode (20 users pausing THINK_SECONDS between actions, then without pause). Figures are printed and written to .bench-output/bench-SCALE.json.
source "$(dirname "$0")/common.sh"

SCALE=${SCALE:-1000}
LOAD_SECONDS=${LOAD_SECONDS:-120}
[[ $SCALE =~ ^[0-9]+$ ]] && [ "$SCALE" -ge 100 ] || die "SCALE must be a number of persons (100 or more)."
ensure_odoo
ensure_postgres
trap 'stop_server; stop_postgres_if_started_here' EXIT
SERVER_PID=
stop_server() {  # the server, its workers and its gevent process: one process group
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 20); do
        kill -0 -- "-$SERVER_PID" 2>/dev/null || break
        sleep 0.5
    done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    return 0
}

OUT=$ROOT/.bench-output
mkdir -p "$OUT"
DB=siao_justice_bench
JSON=$OUT/bench-$SCALE.json
ODOO_ARGS=("${DB_ARGS[@]}" -d "$DB" --addons-path "$ADDONS_PATH")
started=$(date +%s)

dropdb --if-exists --force "$DB"
say "installing siao_justice into a fresh database '$DB' (log: $OUT/install.log)"
"${ODOO[@]}" "${ODOO_ARGS[@]}" -i siao_justice --without-demo=all --load-language fr_FR \
    --stop-after-init --log-level warn >"$OUT/install.log" 2>&1 || die "the install failed: see $OUT/install.log"

say "generating $SCALE persons"
(cd "$ROOT/bench" && "$PY" generate.py "$SCALE" -- "${ODOO_ARGS[@]}" --log-level warn)
# The generator rewrites whole tables several times (set-based SQL): compact them, as
# a database grown by daily work is, and refresh the planner's statistics.
psql -qd "$DB" -c "VACUUM (FULL, ANALYZE) siao_detainee, siao_request, siao_request_history, siao_resource_right, siao_avdl_measure, siao_housing_place, siao_housing_reservation, siao_commission_meeting, siao_commission_line, mail_activity"

# Odoo as it is deployed: prefork workers. The minutes' PDF needs it too.
PORT=$(free_port)
setsid "${ODOO[@]}" "${ODOO_ARGS[@]}" --workers 2 --max-cron-threads 0 --http-interface 127.0.0.1 \
    --http-port "$PORT" --gevent-port "$(free_port)" --db-filter "^$DB\$" \
    --limit-time-real 600 --limit-time-cpu 600 --log-level warn >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/login" && break
    sleep 1
done
psql -qd "$DB" -c "UPDATE ir_config_parameter SET value = 'http://127.0.0.1:$PORT' WHERE key = 'report.url'; INSERT INTO ir_config_parameter (key, value) SELECT 'report.url', 'http://127.0.0.1:$PORT' WHERE NOT EXISTS (SELECT 1 FROM ir_config_parameter WHERE key = 'report.url')"

say "measuring"
(cd "$ROOT/bench" && "$PY" measure.py "$SCALE" "$JSON" -- "${ODOO_ARGS[@]}" --log-level warn)
# The measures' rolled-back runs leave dead rows: clean them now rather than let
# autovacuum do it in the middle of the load test.
psql -qd "$DB" -c "VACUUM ANALYZE siao_detainee, siao_request, siao_request_history, siao_commission_line, mail_activity, mail_message"

load_rc=0
for think in ${THINK_SECONDS:-1} 0; do
    say "load test: 20 users for $LOAD_SECONDS s, $think s between actions"
    (cd "$ROOT/bench" && "$PY" load.py "http://127.0.0.1:$PORT" "$DB" "$LOAD_SECONDS" "$think" "$JSON" "$JSON") || load_rc=1
done
stop_server
bad=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$OUT/server.log" || true)
say "server log: $bad WARNING/ERROR lines ($OUT/server.log)"
[ "$bad" = 0 ] || load_rc=1
say "done in $(( $(date +%s) - started )) s; figures in $JSON"
exit $load_rc
