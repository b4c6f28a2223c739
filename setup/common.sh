# shellcheck shell=bash
# Shared by setup/run.sh and setup/test.sh: where things are, and the steps
# that make them exist. Every step is idempotent and quiet unless it fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${VSHN_STATE_DIR:-$ROOT/.local}"
VENV="${VSHN_VENV:-$ROOT/.venv}"
PYTHON_BIN="${PYTHON:-python3}"
ADDON=vshn_sales_onboarding
ODOO_DOWNLOAD_URL="${ODOO_DOWNLOAD_URL:-https://github.com/odoo/odoo/archive/refs/heads/18.0.tar.gz}"
LOGS="$STATE/logs"
mkdir -p "$STATE" "$LOGS"

say() { printf '==> %s\n' "$*"; }

die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# step NAME HINT COMMAND...: run quietly, on failure show the log and the fix.
step() {
    local name="$1" hint="$2"
    shift 2
    local log="$LOGS/${name// /_}.log"
    if ! "$@" >"$log" 2>&1; then
        printf 'ERROR in step "%s" (log: %s)\n' "$name" "$log" >&2
        tail -n 30 "$log" >&2
        printf 'How to fix: %s\n' "$hint" >&2
        exit 1
    fi
}

is_odoo18() {
    [ -f "$1/odoo/release.py" ] && [ -f "$1/odoo-bin" ] && [ -d "$1/addons" ] &&
        grep -Eq '^version_info = \(18, 0,' "$1/odoo/release.py"
}

# Odoo's source: $ODOO_SRC, else /opt/odoo/18.0, else the official 18.0 tarball.
resolve_odoo_src() {
    local tried=()
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo18 "$ODOO_SRC" && { ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"; return; }
        tried+=("ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree")
    else
        tried+=("ODOO_SRC is not set")
    fi
    if is_odoo18 /opt/odoo/18.0; then
        ODOO_SRC=/opt/odoo/18.0
        return
    fi
    tried+=("/opt/odoo/18.0 holds no Odoo 18.0 source tree")
    local cache="$STATE/odoo-18.0"
    if is_odoo18 "$cache"; then
        ODOO_SRC="$cache"
        return
    fi
    say "Downloading the official Odoo 18.0 source"
    rm -rf "$cache.partial" && mkdir -p "$cache.partial"
    if curl -fsSL --retry 2 --max-time 900 "$ODOO_DOWNLOAD_URL" |
        tar -xz -C "$cache.partial" --strip-components=1 2>"$LOGS/odoo_download.log" &&
        is_odoo18 "$cache.partial"; then
        mv "$cache.partial" "$cache"
        ODOO_SRC="$cache"
        return
    fi
    rm -rf "$cache.partial"
    tried+=("downloading $ODOO_DOWNLOAD_URL failed")
    printf 'ERROR: no Odoo 18.0 source found:\n' >&2
    printf '  - %s\n' "${tried[@]}" >&2
    die "set ODOO_SRC to an Odoo 18.0 checkout (odoo/, addons/, odoo-bin), or put one at /opt/odoo/18.0"
}

apt_install() {
    [ "$(id -u)" = 0 ] || die "missing system packages ($*): run 'sudo apt-get install -y $*' and retry"
    step "apt update" "check that the Debian mirrors are reachable" apt-get update -qq
    step "apt install $*" "install them by hand: apt-get install -y $*" \
        env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

ensure_system_packages() {
    local missing=()
    command -v "$PYTHON_BIN" >/dev/null || missing+=(python3)
    "$PYTHON_BIN" -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
    command -v curl >/dev/null || missing+=(curl)
    [ -x "$(pg_bin)/initdb" ] || [ -n "${PGHOST:-}" ] || missing+=(postgresql)
    # Odoo's official requirements pin psycopg2 (not -binary): pip builds it
    # from source, with libpq's headers and pg_config, a compiler and Python.h.
    has_libpq_headers || missing+=(libpq-dev)
    command -v gcc >/dev/null || missing+=(gcc)
    has_python_headers || missing+=(python3-dev)
    if [ "${1:-}" = browser ]; then
        command -v chromium >/dev/null || command -v chromium-browser >/dev/null ||
            command -v google-chrome >/dev/null || missing+=(chromium)
    fi
    [ "${#missing[@]}" = 0 ] || apt_install "${missing[@]}"
}

deb_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

has_libpq_headers() {
    deb_installed libpq-dev && return
    local include
    include="$(pg_config --includedir 2>/dev/null)" && [ -f "$include/libpq-fe.h" ]
}

has_python_headers() {
    "$PYTHON_BIN" -c 'import os, sys, sysconfig
sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
        2>/dev/null
}

pg_bin() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    echo "${bin:-/usr/lib/postgresql/15/bin}"
}

venv_is_current() {
    local stamp="$VENV/.vshn-stamp"
    [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] &&
        [ "$(cat "$stamp")" = "$(venv_fingerprint)" ]
}

venv_fingerprint() {
    cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" "$ROOT/setup/odoo_requirements.py" |
        sha256sum | cut -d' ' -f1
    echo "$ODOO_SRC"
}

ensure_venv() {
    venv_is_current && return
    say "Installing Python packages into $VENV (about two minutes the first time)"
    [ -x "$VENV/bin/python" ] || step "create virtualenv" "install python3-venv" \
        "$PYTHON_BIN" -m venv "$VENV"
    step "upgrade pip" "check that PyPI is reachable" \
        "$VENV/bin/python" -m pip install -q --upgrade pip wheel setuptools
    "$VENV/bin/python" "$ROOT/setup/odoo_requirements.py" "$ODOO_SRC/requirements.txt" \
        >"$STATE/odoo-requirements.txt"
    step "install Odoo requirements" \
        "see the log; PyPI must serve these pins (psycopg2 builds from source: libpq-dev gcc python3-dev)" \
        "$VENV/bin/pip" install -q --prefer-binary -r "$STATE/odoo-requirements.txt"
    step "install Odoo" "see the log" "$VENV/bin/python" "$ROOT/setup/link_odoo.py" "$ODOO_SRC"
    step "install project requirements" "see requirements.txt" \
        "$VENV/bin/pip" install -q -r "$ROOT/requirements.txt"
    venv_fingerprint >"$VENV/.vshn-stamp"
}

# --- PostgreSQL ------------------------------------------------------------
# Unless PGHOST names a server, the project runs a private cluster of its own
# under $STATE/pgdata, on its own socket and port.
PG_PORT="${VSHN_PG_PORT:-54329}"
PG_DATA="$STATE/pgdata"
PG_SOCKET="$STATE/pgrun"
PG_OWNED=0

as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    if [ -n "${PGHOST:-}" ]; then
        DB_HOST="$PGHOST"
        DB_PORT="${PGPORT:-5432}"
        DB_USER="${PGUSER:-odoo}"
        DB_PASSWORD="${PGPASSWORD:-}"
        return
    fi
    DB_HOST="$PG_SOCKET"
    DB_PORT="$PG_PORT"
    DB_USER=odoo
    DB_PASSWORD=""
    local bin
    bin="$(pg_bin)"
    mkdir -p "$PG_SOCKET"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$PG_SOCKET"
        # the postgres user must be able to reach the data folder
        chmod o+x "$STATE"
    fi
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        mkdir -p "$PG_DATA"
        [ "$(id -u)" = 0 ] && chown postgres: "$PG_DATA"
        step "initdb" "remove $PG_DATA and retry" \
            as_pg_owner "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8
    fi
    if ! as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        step "start PostgreSQL" "is port $PG_PORT free? set VSHN_PG_PORT to another port" \
            as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
            -o "-p $PG_PORT -k $PG_SOCKET -c listen_addresses=''" start
        PG_OWNED=1
    fi
    if ! psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='odoo'" | grep -q 1; then
        step "create database role" "see the log" psql_admin -c "CREATE ROLE odoo LOGIN SUPERUSER"
    fi
}

psql_admin() {
    as_pg_owner "$(pg_bin)/psql" -h "$PG_SOCKET" -p "$PG_PORT" -U postgres -d postgres -q "$@"
}

pg_stop() {
    [ -z "${PGHOST:-}" ] || return 0
    as_pg_owner "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
}

db_exists() {
    PGPASSWORD="$DB_PASSWORD" "$(pg_bin)/psql" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" \
        -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1
}

db_drop() {
    PGPASSWORD="$DB_PASSWORD" "$(pg_bin)/dropdb" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" \
        --if-exists --force "$1"
}

# write_odoo_conf FILE HTTP_PORT
write_odoo_conf() {
    cat >"$1" <<CONF
[options]
addons_path = $ROOT,$ODOO_SRC/addons,$ODOO_SRC/odoo/addons
data_dir = $STATE/filestore
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
http_port = $2
http_interface = 127.0.0.1
gevent_port = $(($2 + 3))
admin_passwd = admin
list_db = True
CONF
}

addon_fingerprint() {
    (cd "$ROOT" && find "$ADDON" -type f ! -name '*.pyc' -print0 | sort -z |
        xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
