#!/usr/bin/env bash
# Runs every test: lint and static checks, the addon's Odoo tests (install with
# tests, then upgrade, both with a clean log; the gate mixin tests once more
# through pytest-odoo on the installed database), the lifecycle (install on a
# database with sales data, uninstall, reinstall), and the out-of-process tests
# against a served instance with demo data. Ends with one summary line.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TEST_DB="${VSHN_TEST_DB:-vshn_test}"
DEMO_DB="${VSHN_TEST_DEMO_DB:-vshn_test_demo}"
LIFECYCLE_DB="${VSHN_TEST_LIFECYCLE_DB:-vshn_test_lifecycle}"
HTTP_PORT="${VSHN_TEST_HTTP_PORT:-8169}"
REPORTS="$STATE/test-reports"
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    pg_stop
}
trap cleanup EXIT

ensure_system_packages browser
resolve_odoo_src
ensure_venv
pg_start
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
CONF="$STATE/odoo-test.conf"
write_odoo_conf "$CONF" "$HTTP_PORT"
ODOO_ARGS=(-c "$CONF" --log-level=info --max-cron-threads=0)

# odoo_phase NAME DB ARGS...: one Odoo run through the reporting runner.
odoo_phase() {
    local name="$1" db="$2"
    shift 2
    say "Odoo: $name"
    "$VENV/bin/python" "$ROOT/setup/odoo_test_runner.py" "$REPORTS/$name.json" -- \
        "${ODOO_ARGS[@]}" -d "$db" "$@" >"$LOGS/odoo-$name.log" 2>&1 || true
    [ -s "$REPORTS/$name.json" ] || {
        tail -n 40 "$LOGS/odoo-$name.log" >&2
        die "Odoo phase '$name' crashed before reporting (log: $LOGS/odoo-$name.log)"
    }
}

db_drop "$TEST_DB" >/dev/null 2>&1 || true
odoo_phase install-and-test "$TEST_DB" -i "$ADDON" --without-demo=all --test-enable \
    --test-tags "/$ADDON" --stop-after-init
odoo_phase upgrade "$TEST_DB" -u "$ADDON" --stop-after-init

# The addon's tests as a developer runs them: pytest-odoo on an installed
# database, without installing or upgrading anything. (pytest-odoo imports
# odoo.tests before it turns test mode on, which odoo.tests.common reports as
# an error: that one logger is silenced.)
say "pytest-odoo: the gate mixin tests on $TEST_DB"
set +e
(cd "$ROOT" && "$VENV/bin/pytest" -p no:cacheprovider -q -rfEs \
    --odoo-config="$CONF" --odoo-database="$TEST_DB" --odoo-log-level=warn \
    --odoo-extra=log-handler=odoo.tests.common:CRITICAL \
    "$ADDON/tests/test_gate_mixin.py" --junitxml="$REPORTS/pytest-odoo.xml") \
    >"$LOGS/pytest-odoo.log" 2>&1
PYTEST_ODOO_RC=$?
set -e

say "Lifecycle: install on a database with sales data, uninstall, reinstall"
set +e
"$VENV/bin/python" "$ROOT/setup/lifecycle_check.py" "$CONF" "$LIFECYCLE_DB" \
    "$REPORTS/lifecycle.xml" "$LOGS/lifecycle" >"$LOGS/lifecycle.log" 2>&1
LIFECYCLE_RC=$?
set -e

db_drop "$DEMO_DB" >/dev/null 2>&1 || true
odoo_phase install-demo "$DEMO_DB" -i "$ADDON" --stop-after-init

say "Odoo: serving $DEMO_DB on port $HTTP_PORT for the out-of-process tests"
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$DEMO_DB" --log-level=warn \
    --max-cron-threads=0 >"$LOGS/odoo-test-server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT/web/login" && break
    sleep 1
done

say "pytest: out-of-process tests"
set +e
# -p no:odoo: these tests reach Odoo over HTTP and subprocesses; pytest-odoo
# would load a registry in the test process.
(cd "$ROOT" && VSHN_TEST_URL="http://127.0.0.1:$HTTP_PORT" VSHN_TEST_DB="$DEMO_DB" \
    ODOO_SRC="$ODOO_SRC" VSHN_VENV="$VENV" \
    "$VENV/bin/pytest" -p no:cacheprovider -p no:odoo -q -rfEs tests \
    --junitxml="$REPORTS/pytest.xml")
PYTEST_RC=$?
set -e

"$VENV/bin/python" "$ROOT/setup/test_summary.py" "$REPORTS" pytest="$PYTEST_RC" \
    pytest-odoo="$PYTEST_ODOO_RC" lifecycle="$LIFECYCLE_RC"
