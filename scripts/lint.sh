#!/usr/bin/env bash
# make lint: ruff (check and format) and pylint-odoo with OCA's 18.0 settings.
source "$(dirname "$0")/common.sh"
ensure_odoo
cd "$ROOT"
status=0
paths=(siao_justice)
[ -d tests ] && paths+=(tests)
"$VENV/bin/ruff" check --no-fix "${paths[@]}" || status=1
"$VENV/bin/ruff" format --check "${paths[@]}" || status=1
"$VENV/bin/pylint" --rcfile=.pylintrc siao_justice || status=1
exit $status
