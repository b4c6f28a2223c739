#!/usr/bin/env bash
# Stops what setup/run.sh --background started: the Odoo server and the private PostgreSQL.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ -f "$STATE/odoo-server.pid" ]; then
    kill "$(cat "$STATE/odoo-server.pid")" 2>/dev/null || true
    rm -f "$STATE/odoo-server.pid"
fi
pg_stop
say "Stopped"
