#!/usr/bin/env bash
# Cuadrilla set-up. Two commands, as root on a fresh Debian machine:
#   ./setup.sh serve   install, build the demo town, serve it on http://127.0.0.1:5000
#   ./setup.sh test    install, prepare PostgreSQL + PostGIS, run every test on both backends
set -euo pipefail
cd "$(dirname "$0")"

VENV=${CUADRILLA_VENV:-.venv}
PG_TEST_DB=${PG_TEST_DB:-cuadrilla_test}
export SPATIALITE_LIBRARY_PATH=${SPATIALITE_LIBRARY_PATH:-mod_spatialite}

say() { printf '\n==> %s\n' "$*"; }

apt_install() {
    # Install only the Debian packages that are missing; apt-get update once, when needed.
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "Installing Debian packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

python_ok() {
    command -v python3 >/dev/null && python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

install_project() {
    local extra=$1
    apt_install libsqlite3-mod-spatialite
    python_ok || apt_install python3 python3-venv python3-pip
    if [ ! -x "$VENV/bin/python" ]; then
        say "Creating virtualenv $VENV"
        python3 -m venv "$VENV"
    fi
    say "Installing Cuadrilla into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".$extra"
}

postgres_ready() {
    apt_install postgresql postgresql-15-postgis-3
    if ! pg_isready -q; then
        say "Starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect 15 main start || pg_ctlcluster 15 main start
        for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
    fi
    # Connect over the local socket as this OS user (peer auth works on a stock Debian install).
    local me; me=$(id -un)
    if ! psql -d postgres -qAtc "SELECT 1" >/dev/null 2>&1; then
        say "Creating PostgreSQL role $me"
        runuser -u postgres -- psql -qc "CREATE ROLE \"$me\" SUPERUSER LOGIN"
    fi
    local psql=(psql -v ON_ERROR_STOP=1 -qAt)
    if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_TEST_DB'")" != "1" ]; then
        say "Creating database $PG_TEST_DB"
        "${psql[@]}" -d postgres -c "CREATE DATABASE $PG_TEST_DB"
    fi
    "${psql[@]}" -d "$PG_TEST_DB" -c "CREATE EXTENSION IF NOT EXISTS postgis"
    export POSTGIS_TEST_URL=${POSTGIS_TEST_URL:-postgresql+psycopg:///$PG_TEST_DB?host=/var/run/postgresql}
}

case "${1:-}" in
    serve)
        install_project ""
        say "Building the demo town"
        "$VENV/bin/cuadrilla" db upgrade
        "$VENV/bin/cuadrilla" demo --accounts "${DEMO_ACCOUNTS:-5000}" --seed 7 --reset
        # A demo-only office user, so the API can be tried at once. Never use it in production.
        echo "cuadrilla-demo" | "$VENV/bin/cuadrilla" create-user --username demo --full-name "Demo" \
            --role admin --password-stdin --exist-ok
        say "Serving on http://127.0.0.1:5000  (API docs: http://127.0.0.1:5000/api/docs)"
        say "Demo log-in: user 'demo', password 'cuadrilla-demo' (POST /api/v1/auth/login)"
        exec "$VENV/bin/cuadrilla" run --host 127.0.0.1 --port 5000
        ;;
    test)
        install_project "[test]"
        postgres_ready
        say "Running all tests on SpatiaLite and PostGIS"
        shift
        exec "$VENV/bin/python" -m pytest -p no:cacheprovider "$@"
        ;;
    *)
        echo "usage: ./setup.sh serve | ./setup.sh test [pytest args]" >&2
        exit 2
        ;;
esac
