#!/usr/bin/env bash
# make i18n: export the module's terms to i18n/siao_justice.pot and merge them into
# i18n/fr.po (existing translations are kept; new terms come in untranslated, and the
# translation test fails until they are translated).
source "$(dirname "$0")/common.sh"
ensure_odoo
ensure_postgres
trap stop_postgres_if_started_here EXIT
DB=siao_justice_i18n
dropdb --if-exists "$DB"
"${ODOO[@]}" "${DB_ARGS[@]}" -d "$DB" --addons-path "$ADDONS_PATH" -i siao_justice --without-demo all \
    --stop-after-init --log-level warn
I18N=$ROOT/siao_justice/i18n
# Exported where the Odoo process may write (it may run as its own user, see
# ensure_odoo_user), then copied into the checkout.
"${ODOO[@]}" "${DB_ARGS[@]}" -d "$DB" --addons-path "$ADDONS_PATH" --modules siao_justice \
    --i18n-export "$XDG_RUNTIME_DIR/siao_justice.pot" --stop-after-init --log-level warn
cp "$XDG_RUNTIME_DIR/siao_justice.pot" "$I18N/siao_justice.pot"
rm -f "$XDG_RUNTIME_DIR/siao_justice.pot"
dropdb "$DB"
"$PY" - "$I18N" <<'PY'
import os, sys
import polib

i18n = sys.argv[1]
pot = polib.pofile(os.path.join(i18n, "siao_justice.pot"))
po_path = os.path.join(i18n, "fr.po")
old = {e.msgid: e.msgstr for e in polib.pofile(po_path)} if os.path.exists(po_path) else {}
po = polib.POFile(wrapwidth=78)
po.metadata = dict(pot.metadata, Language="fr", **{"Plural-Forms": "nplurals=2; plural=(n > 1);"})
for entry in pot:
    entry.msgstr = old.get(entry.msgid, "")
    po.append(entry)
po.save(po_path)
untranslated = [e.msgid for e in po if not e.msgstr]
print(f"{len(po)} terms, {len(untranslated)} untranslated")
for msgid in untranslated:
    print("  untranslated:", msgid.replace("\n", " ")[:100])
PY
