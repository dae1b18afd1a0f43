#!/usr/bin/env bash
# make run: Odoo with siao_justice and its French demo data on http://localhost:8069.
# Ctrl-C stops Odoo and the private PostgreSQL cluster.
source "$(dirname "$0")/common.sh"
ensure_odoo
ensure_postgres
trap stop_postgres_if_started_here EXIT
DB=${DB:-siao_justice}
HTTP_PORT=${HTTP_PORT:-8069}
if ! psql -d "$DB" -qAtc "SELECT 1 FROM ir_module_module WHERE name = 'siao_justice' AND state = 'installed'" 2>/dev/null | grep -q 1; then
    say "creating database '$DB' with siao_justice and its demo data (a few minutes the first time)"
    createdb "$DB" 2>/dev/null || true
    "${ODOO[@]}" "${DB_ARGS[@]}" -d "$DB" --addons-path "$ADDONS_PATH" -i siao_justice \
        --load-language fr_FR --stop-after-init --log-level warn \
        || die "installing siao_justice failed (see the log above)."
fi
cat >&2 <<MSG
[siao_justice] Odoo is starting on http://localhost:$HTTP_PORT (database '$DB'). Ctrl-C stops it.
[siao_justice] Demo logins (password = login):
    admin          Odoo administrator
    coordinatrice  coordinator (SIAO Justice manager)
    travailleur    social worker (SIAO Justice user)
    spip           SPIP officer at the commission (reader)
    comptable      accountant (reporting only)
MSG
"${ODOO[@]}" "${DB_ARGS[@]}" -d "$DB" --db-filter "^$DB\$" --addons-path "$ADDONS_PATH" \
    --http-port "$HTTP_PORT" "$@"
