# Shared set-up for scripts/run and scripts/test. Source it; do not run it.
# Finds Odoo, installs our Python dependencies and starts a private PostgreSQL
# cluster under $ROOT/.pgdata (listening on 127.0.0.1:$PGPORT only).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGDATA="${PGDATA_DIR:-$ROOT/.pgdata}"
PGPORT="${PGPORT:-55432}"
PGUSER_NAME="odoo"
ODOO_CONF="$ROOT/odoo.conf"
ADDONS_PATH="$ROOT/addons"
DATA_DIR="$ROOT/.run/data"
PYTHON_GIVEN="${PYTHON:-}"
PYTHON="${PYTHON:-python3}"
PG_STARTED_HERE=0
# PostgreSQL's own 128 MB of shared buffers hold a few percent of a million customers' rows: a
# sixth of the memory (the machine runs Odoo too), at most 4 GB, as deploy/README.md advises.
PG_SHARED_BUFFERS="${PG_SHARED_BUFFERS:-$(awk '/^MemTotal:/ { mb = int($2 / 1024 / 6); print (mb > 4096 ? 4096 : (mb < 128 ? 128 : mb)) "MB" }' /proc/meminfo)}"

die() { echo "ERROR: $*" >&2; exit 1; }
info() { echo "==> $*" >&2; }

# Where scripts/install-odoo puts Odoo 19.0 Community: a project-local virtualenv, its source
# checkout in $ODOO_VENV/src/odoo. The official source, at the 19.0 commit we test on.
ODOO_VENV="${ODOO_VENV:-$ROOT/.venv}"
ODOO_OFFICIAL_SOURCE="https://github.com/odoo/odoo.git"
ODOO_PINNED_COMMIT="30bde9ff758834a4912c5ae55843d3a7dad849f1"

find_odoo() {
    if [ -n "${ODOO_PATH:-}" ]; then
        [ -f "$ODOO_PATH/odoo/release.py" ] || die "ODOO_PATH=$ODOO_PATH is not an Odoo checkout (no odoo/release.py)."
        export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
    fi
    local version candidate
    if [ -z "$PYTHON_GIVEN" ]; then
        # the project's own install first (scripts/install-odoo); then any Python on PATH, since
        # the first one may not be the one Odoo was installed into
        for candidate in "$ODOO_VENV/bin/python" python3 $(type -ap python3 python3.11 python 2>/dev/null); do
            if "$candidate" -c 'import odoo.release' >/dev/null 2>&1; then
                PYTHON="$candidate"
                break
            fi
        done
    fi
    if ! "$PYTHON" -c 'import odoo.release' >/dev/null 2>&1; then
        [ -z "${ODOO_PATH:-}" ] \
            || die "Odoo in ODOO_PATH=$ODOO_PATH is not importable by $PYTHON: install its requirements ($PYTHON -m pip install -r $ODOO_PATH/requirements.txt)."
        offer_odoo_install
    fi
    version=$("$PYTHON" -c 'import odoo.release as r; print(r.version_info[0])' 2>/dev/null) \
        || die "Odoo is not importable by $PYTHON."
    [ "$version" = "19" ] || die "Odoo $version found, Odoo 19.0 is required."
}

# Odoo is missing: say how to get it, and install it when asked (at a terminal, or ODOO_INSTALL=yes).
offer_odoo_install() {
    local source="${ODOO_SOURCE:-$ODOO_OFFICIAL_SOURCE}" commit="${ODOO_COMMIT:-$ODOO_PINNED_COMMIT}" answer=""
    cat >&2 <<EOF
Odoo 19.0 Community is not importable (by $PYTHON, nor from $ODOO_VENV) and ODOO_PATH is not set.
Get it in one of these ways:
  1. scripts/install-odoo: a git clone of $source
     at the 19.0 commit $commit in $ODOO_VENV/src/odoo,
     and the virtualenv $ODOO_VENV with Odoo's requirements.txt (python-ldap left out), Odoo
     itself (pip install -e) and ours; scripts/run and scripts/test then use it. About 1.5 GB.
     ODOO_SOURCE=<directory or git URL> takes Odoo from elsewhere, ODOO_COMMIT=<commit> another commit.
  2. By hand, as Odoo's documentation says (Installing Odoo > Source install):
       git clone --branch 19.0 --depth 1 $ODOO_OFFICIAL_SOURCE odoo
       python3 -m pip install -r odoo/requirements.txt && python3 -m pip install -e odoo
  3. ODOO_PATH=<an Odoo 19.0 checkout whose requirements are installed> $0
EOF
    if [ "${ODOO_INSTALL:-}" = "yes" ]; then
        answer=y
    elif [ -t 0 ] && [ -t 2 ] && [ -z "${CI:-}" ]; then
        read -r -p "Install Odoo 19.0 Community now with scripts/install-odoo? [y/N] " answer
    fi
    case "$answer" in
        y | Y | yes) ;;
        *) die "Odoo 19.0 is not installed (the ways to get it are above; ODOO_INSTALL=yes installs it without asking)." ;;
    esac
    "$ROOT/scripts/install-odoo" || die "scripts/install-odoo failed (above)."
    PYTHON="$ODOO_VENV/bin/python"
}

install_python_deps() {
    info "Installing Python dependencies (requirements.txt)"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r "$ROOT/requirements.txt" \
        || die "pip could not install requirements.txt"
}

find_pg_bin() {
    local dir
    if command -v pg_ctl >/dev/null 2>&1; then
        PG_BIN="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
        return 0
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/pg_ctl" ]; then PG_BIN="$dir"; return 0; fi
    done
    return 1
}

ensure_postgresql_installed() {
    find_pg_bin && return 0
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        info "pg_ctl not found: installing Debian's postgresql"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
            || die "PostgreSQL is missing and 'apt-get install postgresql' failed: install PostgreSQL 15 (Debian package postgresql)."
        find_pg_bin || die "PostgreSQL installed but pg_ctl not found under /usr/lib/postgresql/*/bin."
    else
        die "PostgreSQL is missing (no pg_ctl): install it with 'sudo apt-get install postgresql'."
    fi
}

# Headless Chromium for the browser tours and screenshots (Odoo's HttpCase finds it on PATH).
ensure_chromium_installed() {
    command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 \
        || command -v chromium-browser >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        info "Chromium not found: installing Debian's chromium (and CJK fonts for the screenshots)"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null \
            || die "Chromium is missing and 'apt-get install chromium' failed: the browser tours need it."
    else
        die "Chromium is missing: install it with 'sudo apt-get install chromium fonts-noto-cjk' (the browser tours need it)."
    fi
}

# Run a PostgreSQL server binary as the cluster's owner (initdb refuses root).
as_pg_owner() {
    if [ "$(id -u)" = "0" ]; then
        id postgres >/dev/null 2>&1 || die "Running as root but there is no 'postgres' system user to own the cluster."
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_running() {
    as_pg_owner "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

# As root the cluster belongs to 'postgres', who must reach the repo's folder;
# when a parent folder is closed to it, the cluster lives in /var/tmp instead.
choose_pgdata() {
    [ "$(id -u)" = "0" ] && [ -z "${PGDATA_DIR:-}" ] || return 0
    if ! (cd / && runuser -u postgres -- test -x "$ROOT") 2>/dev/null; then
        PGDATA="/var/tmp/sales-pipeline-pgdata-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
        info "The 'postgres' user cannot reach $ROOT: the cluster lives in $PGDATA"
    fi
}

start_postgresql() {
    ensure_postgresql_installed
    choose_pgdata
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
        info "Creating a private PostgreSQL cluster in $PGDATA"
        mkdir -p "$PGDATA"
        if [ "$(id -u)" = "0" ]; then
            chown postgres: "$PGDATA"
            (cd / && runuser -u postgres -- test -w "$PGDATA") \
                || die "The 'postgres' user cannot reach $PGDATA (a parent folder is closed to it): clone the repo where other users can traverse, or set PGDATA_DIR."
        fi
        chmod 700 "$PGDATA"
        as_pg_owner "$PG_BIN/initdb" -D "$PGDATA" -U "$PGUSER_NAME" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null \
            || die "initdb failed for $PGDATA"
    fi
    if pg_running; then
        info "PostgreSQL already running on 127.0.0.1:$PGPORT"
        return 0
    fi
    if (echo >"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; then
        die "Port $PGPORT is used by another server: stop it, or set PGPORT to a free port."
    fi
    info "Starting PostgreSQL on 127.0.0.1:$PGPORT"
    as_pg_owner "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
        -o "-p $PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=200 -c shared_buffers=$PG_SHARED_BUFFERS" \
        start >/dev/null || { tail -20 "$PGDATA/server.log" >&2; die "PostgreSQL did not start (log above)."; }
    PG_STARTED_HERE=1
}

stop_postgresql() {
    if [ "$PG_STARTED_HERE" = "1" ] && pg_running; then
        info "Stopping PostgreSQL"
        as_pg_owner "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true
    fi
}

# A streaming replica of the private cluster (pg_basebackup -R), read-only, on $PGREPLICA_PORT:
# Odoo sends its read-only requests there with --db_replica_host/--db_replica_port.
PGREPLICA_PORT="${PGREPLICA_PORT:-55433}"

start_replica() {
    local replica="${PGREPLICA_DIR:-$PGDATA-replica}"
    if [ ! -f "$replica/PG_VERSION" ]; then
        info "Creating a streaming replica of the cluster in $replica (pg_basebackup -R)"
        mkdir -p "$replica"
        [ "$(id -u)" = "0" ] && chown postgres: "$replica"
        chmod 700 "$replica"
        # a replication slot keeps the WAL the replica has not replayed, even while it is stopped
        psql_cmd -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'sales_pipeline_replica'" >/dev/null
        as_pg_owner "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PGPORT" -U "$PGUSER_NAME" \
            -D "$replica" -R -X stream -C -S sales_pipeline_replica -c fast >/dev/null \
            || die "pg_basebackup could not copy the cluster into $replica."
    fi
    if as_pg_owner "$PG_BIN/pg_ctl" -D "$replica" status >/dev/null 2>&1; then
        info "Replica already running on 127.0.0.1:$PGREPLICA_PORT"
    else
        info "Starting the replica on 127.0.0.1:$PGREPLICA_PORT"
        as_pg_owner "$PG_BIN/pg_ctl" -D "$replica" -l "$replica/server.log" -w -t 60 \
            -o "-p $PGREPLICA_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c hot_standby=on -c max_connections=200 -c shared_buffers=$PG_SHARED_BUFFERS" \
            start >/dev/null || { tail -20 "$replica/server.log" >&2; die "The replica did not start (log above)."; }
    fi
    [ "$("$PG_BIN/psql" -h 127.0.0.1 -p "$PGREPLICA_PORT" -U "$PGUSER_NAME" -d postgres -qtA -c 'SELECT pg_is_in_recovery()')" = "t" ] \
        || die "The server on port $PGREPLICA_PORT is not a replica."
    REPLICA_DIR="$replica"
}

stop_replica() {
    if [ -n "${REPLICA_DIR:-}" ] && as_pg_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; then
        info "Stopping the replica"
        as_pg_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null || true
    fi
}

psql_cmd() {
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U "$PGUSER_NAME" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

database_exists() {
    [ "$(psql_cmd -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = "1" ]
}

odoo_cmd() {
    "$PYTHON" -m odoo -c "$ODOO_CONF" --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" \
        --db_host=127.0.0.1 --db_port="$PGPORT" --db_user="$PGUSER_NAME" "$@"
}

# Our modules whose version installed in database $1 is not their manifest's (comma-separated).
stale_modules() {
    local installed
    installed="$(psql_cmd -d "$1" -F'|' -c "SELECT name, latest_version FROM ir_module_module WHERE state = 'installed'")"
    INSTALLED="$installed" "$PYTHON" - "$ROOT/addons" <<'PY'
import ast, os, pathlib, sys
installed = dict(line.split("|", 1) for line in os.environ["INSTALLED"].splitlines() if "|" in line)
stale = [path.parent.name for path in sorted(pathlib.Path(sys.argv[1]).glob("*/__manifest__.py"))
         if installed.get(path.parent.name) != ast.literal_eval(path.read_text())["version"]]
print(",".join(stale))
PY
}

our_modules() {
    local dirs=()
    for manifest in "$ROOT"/addons/*/__manifest__.py; do
        dirs+=("$(basename "$(dirname "$manifest")")")
    done
    (IFS=,; echo "${dirs[*]}")
}

# What the demo database installs: our modules and Odoo's Chinese chart of accounts (l10n_cn),
# which the demo's Chinese company then uses.
demo_modules() {
    echo "$(our_modules),l10n_cn"
}

setup_all() {
    find_odoo
    install_python_deps
    start_postgresql
    mkdir -p "$DATA_DIR"
}
