#!/usr/bin/env bash
# Runs the product: a local Odoo 18 with vshn_sales_onboarding and demo data.
#   setup/run.sh               serve on http://localhost:8069 until Ctrl-C
#   setup/run.sh --background  start, print the address, return (setup/stop.sh ends it)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${VSHN_DB:-vshn}"
HTTP_PORT="${VSHN_HTTP_PORT:-8069}"
BACKGROUND=0
[ "${1:-}" = "--background" ] && BACKGROUND=1

ensure_system_packages
resolve_odoo_src
ensure_venv
pg_start
CONF="$STATE/odoo-run.conf"
write_odoo_conf "$CONF" "$HTTP_PORT"
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$DB")
STAMP="$STATE/$DB.addon-stamp"

if ! db_exists "$DB"; then
    say "Creating database '$DB' with $ADDON and demo data (a few minutes the first time)"
    rm -f "$STAMP"
    step "install $ADDON" "see the log; drop the database with 'dropdb $DB' to start over" \
        "${ODOO[@]}" -i "$ADDON" --stop-after-init --log-level=warn
    addon_fingerprint >"$STAMP"
elif [ "$(cat "$STAMP" 2>/dev/null)" != "$(addon_fingerprint)" ]; then
    say "Upgrading $ADDON in '$DB'"
    step "upgrade $ADDON" "see the log" \
        "${ODOO[@]}" -u "$ADDON" --stop-after-init --log-level=warn
    addon_fingerprint >"$STAMP"
fi

URL="http://localhost:$HTTP_PORT"
if [ "$BACKGROUND" = 1 ]; then
    nohup "${ODOO[@]}" --log-level=warn >"$LOGS/odoo-server.log" 2>&1 &
    echo $! >"$STATE/odoo-server.pid"
    for _ in $(seq 1 120); do
        curl -fs -o /dev/null "$URL/web/login" && break
        sleep 1
    done
    curl -fs -o /dev/null "$URL/web/login" || die "Odoo did not answer on $URL (log: $LOGS/odoo-server.log)"
    say "Odoo is up at $URL  (database $DB, login: admin, password: admin; stop: setup/stop.sh)"
    exit 0
fi

say "Odoo is starting at $URL  (database $DB, login: admin, password: admin; Ctrl-C stops it)"
trap 'pg_stop' EXIT
"${ODOO[@]}" --log-level=warn
