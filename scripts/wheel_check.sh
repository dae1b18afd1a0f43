#!/usr/bin/env bash
# Part of make test: build the addon's wheel with whool (pip wheel ./siao_justice),
# install it into a fresh virtual environment that sees Odoo but not this checkout, and
# install the module from there into a fresh database. Fails if the module is not
# found in site-packages (odoo/addons/siao_justice), if it does not end up
# 'installed' with French (its users' language) active, or if the Odoo log has any
# line that is not an INFO record (log_check).
# The temporary environment and database are removed afterwards.
source "$(dirname "$0")/common.sh"
ensure_odoo
ensure_tools
ensure_postgres

OUT=$ROOT/.test-output
writable_by_odoo "$OUT"
LOG=$OUT/wheel-install.log RAW=$OUT/wheel-install.stderr
rm -f "$LOG" "$RAW"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/siao-wheel.XXXXXX")
chmod 755 "$TMP"  # Odoo may run as its own system user (ensure_odoo_user)
DB=${WHEEL_DB:-siao_justice_wheel}
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "$TMP"
    stop_postgres_if_started_here
}
trap cleanup EXIT

# 1. The wheel, built by whool (pinned in requirements/tools-constraints.txt).
say "building the wheel of siao_justice"
"$TOOLS_VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation \
    --wheel-dir "$TMP/dist" "$ROOT/siao_justice" || die "building the wheel failed"
WHEEL=$(ls "$TMP"/dist/odoo_addon_siao_justice-18.0.*-py3-none-any.whl 2>/dev/null | head -n 1)
[ -n "$WHEEL" ] || die "no odoo_addon_siao_justice-18.0.*-py3-none-any.whl was built"
say "built $(basename "$WHEEL")"

# 2. A fresh virtual environment that sees the Odoo environment's packages through a
#    .pth file (the cached environment is left untouched), and the wheel installed in it.
system_site=""  # an Odoo found in the system's Python (see ensure_odoo) stays visible
grep -qi '^include-system-site-packages *= *true' "$VENV/pyvenv.cfg" 2>/dev/null && system_site=--system-site-packages
"$PYTHON" -m venv $system_site "$TMP/venv" || die "could not create a virtual environment with $PYTHON"
WPY=$TMP/venv/bin/python
ODOO_SITE=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
"$WPY" - "$ODOO_SITE" <<'PY'
import sys, sysconfig
with open(sysconfig.get_paths()["purelib"] + "/odoo-venv.pth", "w") as pth:
    pth.write(f"import site; site.addsitedir({sys.argv[1]!r})\n")
PY
"$WPY" -m pip install -q --no-index --no-deps "$WHEEL" || die "installing the wheel failed"

# 3. Odoo must find the module in the new site-packages, with an addons path that
#    holds only Odoo's own addons (not this checkout).
ODOO_ADDONS=${ADDONS_PATH#"$ROOT",}
found=$("$WPY" - "$ODOO_ADDONS" <<'PY'
import sys
import odoo
from odoo.modules import module
odoo.tools.config.parse_config(["--addons-path", sys.argv[1]], setup_logging=False)
module.initialize_sys_path()
print(module.get_module_path("siao_justice", display_warning=False) or "")
PY
)
case "$found" in
    "$TMP"/venv/*/site-packages/odoo/addons/siao_justice) say "Odoo finds the module at $found" ;;
    *) die "Odoo does not find siao_justice in the new site-packages (found: '${found:-nothing}')" ;;
esac

# 4. Install it on a fresh database.
PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$DB"
say "installing siao_justice from the wheel on a fresh database '$DB' (log: $LOG)"
set +e
"${AS_ODOO[@]}" "$WPY" "$ODOO_BIN" "${DB_ARGS[@]}" -d "$DB" --addons-path "$ODOO_ADDONS" -i siao_justice \
    --without-demo=all --http-interface 127.0.0.1 --http-port "$(free_port)" --workers 0 \
    --max-cron-threads 0 --stop-after-init --log-level info --logfile "$LOG" >"$RAW" 2>&1
rc=$?
set -e
status=0
[ "$rc" = 0 ] || { say "Odoo exited with code $rc: see $LOG"; status=1; }
log_check "$LOG" "$RAW" || status=1
state=$(psql -qAt -d "$DB" -c "SELECT state FROM ir_module_module WHERE name = 'siao_justice'" 2>/dev/null || true)
if [ "$state" = installed ]; then
    say "siao_justice is installed from the wheel"
else
    say "siao_justice is '${state:-absent}' in '$DB', not installed"
    status=1
fi
# Its users work in French: French comes with the addon, without --load-language.
french=$(psql -qAt -d "$DB" -c "SELECT active FROM res_lang WHERE code = 'fr_FR'" 2>/dev/null || true)
if [ "$french" = t ]; then
    say "French is installed with siao_justice"
else
    say "French is not installed with siao_justice"
    status=1
fi
exit $status
