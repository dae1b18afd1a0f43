#!/usr/bin/env bash
# make lint: ruff (check and format), pylint-odoo with OCA's 18.0 settings, OCA's
# module and .po checks (oca-odoo-pre-commit-hooks), and README.rst / index.html up to
# date with the readme/ fragments. Fails on any message.
source "$(dirname "$0")/common.sh"
ensure_odoo
ensure_tools
cd "$ROOT"
status=0
paths=(siao_justice)
[ -d tests ] && paths+=(tests)
paths+=(scripts bench)
"$VENV/bin/ruff" check --no-fix "${paths[@]}" || status=1
"$VENV/bin/ruff" format --check "${paths[@]}" || status=1
"$VENV/bin/pylint" --rcfile=.pylintrc siao_justice || status=1
# As OCA's pre-commit configuration: every module check; po-pretty-format is left out
# (it would empty the translations equal to their source, e.g. "CHRS", which the
# translation test requires).
"$TOOLS_VENV/bin/oca-checks-odoo-module" --no-verbose siao_justice/__manifest__.py || status=1
"$TOOLS_VENV/bin/oca-checks-po" --no-verbose --disable=po-pretty-format siao_justice/i18n/*.po siao_justice/i18n/*.pot || status=1
"$PY" scripts/gen_readme.py --check siao_justice || status=1
exit $status
