#!/usr/bin/env bash
# Part of make test: Odoo's own tests of what siao_justice extends, on a database where
# the addon is installed first. The addon overrides methods of mail.thread,
# mail.message, mail.activity, res.partner, res.users, the portal and Privacy Lookup,
# which every model of the database uses: Odoo's tests of them (test_mail's message,
# security, followers and activity tests; portal's; privacy_lookup's) must pass with it
# as they do without it. Fails on a failing test or a log line that is not INFO.
source "$(dirname "$0")/common.sh"
ensure_odoo
ensure_postgres

OUT=$ROOT/.test-output
writable_by_odoo "$OUT"
DB=${ODOO_TESTS_DB:-siao_justice_odoo}
LOG=$OUT/odoo-own-tests.log RAW=$OUT/odoo-own-tests.stderr
rm -f "$LOG" "$RAW"
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    stop_postgres_if_started_here
}
trap cleanup EXIT
dropdb --if-exists "$DB"

# test_mail's classes of messages, their access, followers and activities.
CLASSES=(
    TestMailNotifyAPI TestMessageNotify TestMessageLog TestMessagePost
    TestMessagePostHelpers TestMessagePostGlobal TestMessagePostLang
    TestMailMessageAccess TestMessageSubModelAccess
    BaseFollowersTest AdvancedFollowersTest AdvancedResponsibleNotifiedTest
    RecipientsNotificationTest UnfollowUnreadableRecordTest UnfollowFromInboxTest
    UnfollowFromEmailTest
    TestActivityRights TestActivityFlow TestActivityMixin TestActivitySystray
    TestActivityViewHelpers
)
TAGS=/portal,/privacy_lookup
for class in "${CLASSES[@]}"; do TAGS=$TAGS,/test_mail:$class; done

odoo() {
    "${ODOO[@]}" "${DB_ARGS[@]}" -d "$DB" --addons-path "$ADDONS_PATH" \
        --http-interface 127.0.0.1 --http-port "$(free_port)" --workers 0 --max-cron-threads 0 \
        --stop-after-init --log-level info --logfile "$LOG" "$@" >>"$RAW" 2>&1
}
say "Odoo's own tests: siao_justice installed first on '$DB' (log: $LOG)"
odoo -i siao_justice --without-demo=all || die "installing siao_justice failed: see $LOG"
say "Odoo's own tests: test_mail (messages, access, followers, activities), portal, privacy_lookup"
set +e
odoo -i test_mail -u portal,privacy_lookup --without-demo=all --test-enable --test-tags "$TAGS"
rc=$?
set -e
report=$(grep -E 'odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$LOG" | tail -n 1 || true)
[ -n "$report" ] || die "Odoo ran no test (exit code $rc): see $LOG"
read -r f e n < <(sed -E 's/.*: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/' <<<"$report")
say "Odoo's own tests: $n run, $f failed, $e in error"
grep -E '(FAIL|ERROR): ' "$LOG" | cut -c1-300 >&2 || true
[ "$rc" = 0 ] && [ "$n" -gt 0 ] && [ "$f$e" = 00 ] || exit 1
log_check "$LOG" "$RAW"
