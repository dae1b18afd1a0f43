#!/usr/bin/env bash
# make readme: regenerate siao_justice/README.rst and static/description/index.html
# from the manifest and the readme/ fragments (make lint fails when they are stale).
source "$(dirname "$0")/common.sh"
ensure_odoo
"$PY" "$ROOT/scripts/gen_readme.py" "$ROOT/siao_justice"
