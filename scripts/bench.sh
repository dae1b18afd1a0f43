#!/usr/bin/env bash
# make bench [SCALE=1000] [LOAD_SECONDS=120] [THINK_SECONDS=1] [SERVERS=1]
# [SATURATION_RUNS=3]: fill a fresh database with SCALE persons (and Odoo's own
# project board of the same size, the peer), measure the operations users and crons
# run beside their floors and their peers, then load-test Odoo as deployed (SERVERS
# prefork servers of the deployment's workers for this machine, with its socket
# timeout, behind nginx with deploy/'s proxy rules; 20 users and 20 SPIP officers
# pausing THINK_SECONDS between actions, then without pause SATURATION_RUNS times;
# then each board alone without pause, Odoo's and ours), against the same requests
# sent one at a time on the idle server; then where the servers spent each request's
# time. Every log of the run is checked line by line (log_check). Figures are printed
# and written to .bench-output/bench-SCALE.json.
source "$(dirname "$0")/common.sh"

SCALE=${SCALE:-1000}
LOAD_SECONDS=${LOAD_SECONDS:-120}
SERVERS=${SERVERS:-1}
[[ $SCALE =~ ^[0-9]+$ ]] && [ "$SCALE" -ge 100 ] || die "SCALE must be a number of persons (100 or more)."
[[ $SERVERS =~ ^[1-9]$ ]] || die "SERVERS must be a number of Odoo servers (1 to 9)."
ensure_odoo
ensure_postgres
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || die "the load test runs through nginx, as deployed: install it (apt-get install nginx) and run again."
GROUPS_STARTED=()
stop_group() {  # $1: the leader of a process group (a server with its workers and real-time process, nginx)
    local pid=$1
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 20); do
        kill -0 -- "-$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
stop_servers() {
    local pid
    for pid in "${GROUPS_STARTED[@]}"; do stop_group "$pid"; done
    GROUPS_STARTED=()
}
trap 'stop_servers; stop_postgres_if_started_here' EXIT

OUT=$ROOT/.bench-output
rm -rf "$OUT/nginx" "$OUT"/server-*.log
writable_by_odoo "$OUT"
DB=siao_justice_bench
JSON=$OUT/bench-$SCALE.json
[ "$SERVERS" = 1 ] || JSON=$OUT/bench-$SCALE-$SERVERS-servers.json
ODOO_ARGS=("${DB_ARGS[@]}" -d "$DB" --addons-path "$ADDONS_PATH")
LOGS=()  # every Odoo log of this run (NAME.log: records, NAME.stderr: raw output), checked at the end
die_with_logs() {  # what went wrong is in the logs: show it
    local log
    for log in "${LOGS[@]}"; do log_check "$log.log" "$log.stderr" || true; done
    die "$@"
}
started=$(date +%s)

dropdb --if-exists --force "$DB"
say "installing siao_justice into a fresh database '$DB' (log: $OUT/install.log)"
LOGS+=("$OUT/install")
rm -f "$OUT"/*.log "$OUT"/*.stderr
# With Odoo's projects: the peer of the boards (a project's tasks by stage).
"${ODOO[@]}" "${ODOO_ARGS[@]}" -i siao_justice,project --without-demo=all --load-language fr_FR --stop-after-init \
    --log-level warn --logfile "$OUT/install.log" >"$OUT/install.stderr" 2>&1 || die_with_logs "the install failed: see $OUT/install.log"

say "generating $SCALE persons (log: $OUT/generate.log)"
LOGS+=("$OUT/generate")
(cd "$ROOT/bench" && "${AS_ODOO[@]}" "$PY" generate.py "$SCALE" -- "${ODOO_ARGS[@]}" --log-level warn \
    --logfile "$OUT/generate.log" 2>"$OUT/generate.stderr") \
    || die_with_logs "generating the data failed: see $OUT/generate.log"
# The generator rewrites whole tables several times (set-based SQL): compact them, as
# a database grown by daily work is, and refresh the planner's statistics.
psql -qd "$DB" -c "VACUUM (FULL, ANALYZE) siao_detainee, siao_request, siao_request_history, siao_resource_right, siao_avdl_measure, siao_housing_place, siao_housing_reservation, siao_commission_meeting, siao_commission_line, mail_activity"

# Odoo as it is deployed (deploy/): prefork servers of the deployment's workers
# for this machine's cores (PostgreSQL on the same machine), with their real-time
# process and the deployment's socket timeout, behind nginx with the deployment's
# proxy rules. Several servers share the database and the data folder (filestore,
# sessions): the same system user's.
WORKERS=${WORKERS:-$(deployed_workers 1)}
SOCKET_TIMEOUT=$(deployed_socket_timeout)
[ -n "$SOCKET_TIMEOUT" ] || die "deploy/siao-justice-odoo.service gives no ODOO_HTTP_SOCKET_TIMEOUT"
export SIAO_BENCH_WORKERS=$WORKERS
HTTP_PORTS=() REALTIME_PORTS=()
for n in $(seq "$SERVERS"); do
    HTTP_PORTS+=("$(free_port)") REALTIME_PORTS+=("$(free_port)")
    LOGS+=("$OUT/server-$n")
    ODOO_HTTP_SOCKET_TIMEOUT=$SOCKET_TIMEOUT setsid "${ODOO[@]}" "${ODOO_ARGS[@]}" --workers "$WORKERS" --max-cron-threads 0 --http-interface 127.0.0.1 \
        --http-port "${HTTP_PORTS[-1]}" --gevent-port "${REALTIME_PORTS[-1]}" --proxy-mode \
        --db-filter "^$DB\$" --limit-time-real 600 --limit-time-cpu 600 --log-level warn \
        --log-handler werkzeug:INFO \
        --logfile "$OUT/server-$n.log" >"$OUT/server-$n.stderr" 2>&1 &
    GROUPS_STARTED+=($!)
done
PROXY_PORT=$(free_port)
URL=http://127.0.0.1:$PROXY_PORT
join() { local IFS=,; echo "$*"; }
setsid "${AS_ODOO[@]}" "$ROOT/scripts/proxy.sh" "$OUT/nginx" "$PROXY_PORT" "$(join "${HTTP_PORTS[@]}")" \
    "$(join "${REALTIME_PORTS[@]}")" >"$OUT/nginx.stderr" 2>&1 &
GROUPS_STARTED+=($!)
for _ in $(seq 120); do
    up=0
    for port in "${HTTP_PORTS[@]}"; do curl -fs -o /dev/null "http://127.0.0.1:$port/web/login" && up=$((up + 1)); done
    for port in "${REALTIME_PORTS[@]}"; do
        [ "$(curl -fs "http://127.0.0.1:$port/websocket/health" || true)" = '{"status": "pass"}' ] && up=$((up + 1))
    done
    [ "$up" = $((2 * SERVERS)) ] && curl -fs -o /dev/null "$URL/web/login" && break
    sleep 1
done
# The proxy routes /websocket to a real-time process.
[ "$(curl -fs "$URL/websocket/health" || true)" = '{"status": "pass"}' ] \
    || die_with_logs "the real-time process does not answer at $URL/websocket"
realtime_pids() {  # the real-time processes of the servers started here
    local IFS=,
    { pgrep -g "${GROUPS_STARTED[*]}" -f -- "$ODOO_BIN gevent" || true; } | sort | tr '\n' ' '
}
REALTIME_BEFORE=$(realtime_pids)
say "$SERVERS Odoo server(s) of $WORKERS workers (socket timeout ${SOCKET_TIMEOUT} s) behind nginx at $URL; real-time processes: $REALTIME_BEFORE"
psql -qd "$DB" -c "UPDATE ir_config_parameter SET value = '$URL' WHERE key = 'report.url'; INSERT INTO ir_config_parameter (key, value) SELECT 'report.url', '$URL' WHERE NOT EXISTS (SELECT 1 FROM ir_config_parameter WHERE key = 'report.url')"

say "measuring (log: $OUT/measure.log)"
LOGS+=("$OUT/measure")
(cd "$ROOT/bench" && "${AS_ODOO[@]}" "$PY" measure.py "$SCALE" "$JSON" -- "${ODOO_ARGS[@]}" --log-level warn \
    --logfile "$OUT/measure.log" 2>"$OUT/measure.stderr") \
    || die_with_logs "measuring failed: see $OUT/measure.log"
# The measures' rolled-back runs leave dead rows: clean them now rather than let
# autovacuum do it in the middle of the load test.
psql -qd "$DB" -c "VACUUM ANALYZE siao_detainee, siao_request, siao_request_history, siao_commission_line, mail_activity, mail_message"

status=0
# With a pause between actions, then without (saturation), SATURATION_RUNS times.
for think in ${THINK_SECONDS:-1} $(printf '0 %.0s' $(seq "${SATURATION_RUNS:-3}")); do
    say "load test through nginx: 20 users and 20 SPIP officers for $LOAD_SECONDS s, $think s between actions"
    (cd "$ROOT/bench" && "$PY" load.py "$URL" "$DB" "$LOAD_SECONDS" "$think" "$JSON" "$JSON" "$SERVERS") || status=1
done
# The machine's ceiling for a board: every user opening Odoo's own board without
# pause, then the person board the same way; the second's throughput over the first's.
for only in "peer board" "board"; do
    say "saturation through nginx: 20 users opening only the $only for $LOAD_SECONDS s"
    (cd "$ROOT/bench" && "$PY" load.py "$URL" "$DB" "$LOAD_SECONDS" 0 "$JSON" "$JSON" "$SERVERS" "$only") || status=1
done
REALTIME_AFTER=$(realtime_pids)
if [ "$REALTIME_AFTER" = "$REALTIME_BEFORE" ]; then
    say "the real-time processes stayed up: $REALTIME_AFTER"
else
    say "the real-time processes changed during the run: $REALTIME_BEFORE -> $REALTIME_AFTER"
    status=1
fi
stop_servers
# Where the servers spent each request's time (their own request log).
server_logs=()
for n in $(seq "$SERVERS"); do server_logs+=("$OUT/server-$n.log"); done
(cd "$ROOT/bench" && "$PY" split.py "$JSON" "${server_logs[@]}") || status=1
# Every log of the run, line by line: at --log-level warn, any record is a failure;
# nginx logs errors only (scripts/proxy.sh): an upstream refused or cut is one.
bad=0
for log in "${LOGS[@]}"; do
    log_check "$log.log" "$log.stderr" || bad=$((bad + 1))
done
log_check "" "$OUT/nginx/error.log" || bad=$((bad + 1))
log_check "" "$OUT/nginx.stderr" || bad=$((bad + 1))
say "logs checked line by line: $(( ${#LOGS[@]} + 1 )) Odoo processes and nginx, $bad with lines that are not INFO records"
[ "$bad" = 0 ] || status=1
say "done in $(( $(date +%s) - started )) s; figures in $JSON"
exit $status
