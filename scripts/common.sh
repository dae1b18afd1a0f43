# Shared set-up for the project's scripts (sourced, not run).
# Finds or installs Odoo 18.0 in a per-user cache, links it as .venv, and starts
# the private PostgreSQL cluster of this checkout (or uses PGHOST/PGPORT...).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
ODOO_SERIES=18.0
DEFAULT_ODOO_SRC=https://github.com/odoo/odoo/archive/refs/heads/18.0.tar.gz
VENV=$ROOT/.venv
PGDIR=$ROOT/.pgdata
PG_STARTED_HERE=0

private_runtime_dir() {  # $1: a user; prints a runtime folder of theirs, made once
    local dir=${TMPDIR:-/tmp}/siao-runtime-$1
    [ -d "$dir" ] && [ ! -L "$dir" ] || { rm -f "$dir"; mkdir -p "$dir"; }
    chown "$1" "$dir" 2>/dev/null || true
    chmod 700 "$dir"
    echo "$dir"
}
# wkhtmltopdf (PDF reports) wants a private runtime folder.
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(private_runtime_dir "$(id -un)")}

say() { printf '[siao_justice] %s\n' "$*" >&2; }
die() { printf '[siao_justice] %s\n' "$*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "Python was not found: set PYTHON=/path/to/python3 (3.10 to 3.12)."
PYVER=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
USER_HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${SIAO_CACHE_DIR:-${XDG_CACHE_HOME:-$USER_HOME/.cache}/siao_justice}
ODOO_HOME=$CACHE/odoo-$ODOO_SERIES-py$PYVER

odoo_importable() {  # $1: a python executable
    "$1" - <<'PY' 2>/dev/null
import odoo.release
raise SystemExit(0 if odoo.release.serie == "18.0" else 1)
PY
}

fetch_odoo_source() {  # fills $ODOO_HOME/src from ODOO_SRC (folder, archive or URL)
    local src=${ODOO_SRC:-$DEFAULT_ODOO_SRC} tmp archive top
    local hint="Odoo 18.0 could not be found or installed: set ODOO_SRC=/path/to/odoo-18.0 (a source folder or a .tar.gz/.zip archive of it) and run again."
    tmp=$(mktemp -d "$CACHE/.src.XXXXXX")
    chmod 755 "$tmp"  # a source tree, readable as the one it copies
    if [ -d "$src" ]; then
        [ -f "$src/odoo/release.py" ] && [ -f "$src/odoo-bin" ] || { rm -rf "$tmp"; die "$src is not an Odoo source folder. $hint"; }
        say "copying Odoo from $src"
        tar -C "$src" --exclude=.git -cf - odoo addons odoo-bin | tar -C "$tmp" -xf -
    else
        archive=$src
        if [[ $src == http://* || $src == https://* ]]; then
            say "downloading $src"
            archive=$tmp/odoo-archive
            curl -fsSL --max-time 900 -o "$archive" "$src" 2>/dev/null || { rm -rf "$tmp"; die "$hint"; }
        fi
        [ -f "$archive" ] || { rm -rf "$tmp"; die "$hint"; }
        mkdir "$tmp/x"
        case "$src" in
            *.zip) "$PYTHON" -m zipfile -e "$archive" "$tmp/x" >/dev/null 2>&1 ;;
            *) tar -xf "$archive" -C "$tmp/x" 2>/dev/null ;;
        esac || { rm -rf "$tmp"; die "$hint"; }
        top=$(dirname "$(find "$tmp/x" -maxdepth 3 -path '*/odoo/release.py' | head -n 1)")
        [ "$top" != "." ] && [ -f "$top/release.py" ] || { rm -rf "$tmp"; die "$hint"; }
        top=$(dirname "$top")
        mv "$top/odoo" "$top/odoo-bin" "$tmp/" && { [ ! -d "$top/addons" ] || mv "$top/addons" "$tmp/"; }
        rm -rf "$tmp/x" "$tmp/odoo-archive"
    fi
    "$PYTHON" - "$tmp" <<'PY' || { rm -rf "$tmp"; die "the Odoo source given is not 18.0. $hint"; }
import sys, re
text = open(sys.argv[1] + "/odoo/release.py").read()
raise SystemExit(0 if re.search(r"version_info = \(18, 0,", text) else 1)
PY
    rm -rf "$ODOO_HOME/src"
    mv "$tmp" "$ODOO_HOME/src"
}

requirements_stamp() {
    cat "$ROOT"/requirements/{constraints,dev,odoo,addons}.txt | "$PYTHON" -c 'import hashlib,sys; print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest()[:12])'
}

ensure_odoo() {
    mkdir -p "$CACHE"
    if [ ! -f "$ODOO_HOME/ready" ]; then
        rm -rf "$ODOO_HOME"
        mkdir -p "$ODOO_HOME"
        local system_site=""
        if odoo_importable "$PYTHON"; then
            say "using the Odoo already importable in $PYTHON"
            system_site=--system-site-packages
        else
            fetch_odoo_source
        fi
        "$PYTHON" -m venv $system_site "$ODOO_HOME/venv" || die "could not create a virtual environment with $PYTHON (install python3-venv)."
        "$ODOO_HOME/venv/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
        if [ -d "$ODOO_HOME/src" ]; then
            "$ODOO_HOME/venv/bin/python" -c 'import sysconfig,sys; open(sysconfig.get_paths()["purelib"] + "/odoo-src.pth", "w").write(sys.argv[1] + "\n")' "$ODOO_HOME/src"
        fi
        touch "$ODOO_HOME/ready"
    fi
    local stamp
    stamp=$(requirements_stamp)
    if [ ! -f "$ODOO_HOME/venv/.requirements-$stamp" ]; then
        say "installing Python dependencies (requirements/constraints.txt)"
        local reqs=(-r "$ROOT/requirements/dev.txt")
        [ -d "$ODOO_HOME/src" ] && reqs+=(-r "$ROOT/requirements/odoo.txt")
        "$ODOO_HOME/venv/bin/python" -m pip install -q "${reqs[@]}" -c "$ROOT/requirements/constraints.txt" \
            || die "installing the Python dependencies failed (see above); Odoo 18.0 needs Python 3.10 to 3.12 and libpq-dev."
        # OCA's addons require the 'odoo' distribution, which a source checkout is
        # not: they are installed without their dependencies (Odoo's are above).
        say "installing OCA's addons (requirements/addons.txt)"
        "$ODOO_HOME/venv/bin/python" -m pip install -q --no-deps -r "$ROOT/requirements/addons.txt" \
            || die "installing OCA's addons failed (see above)."
        rm -f "$ODOO_HOME"/venv/.requirements-*
        touch "$ODOO_HOME/venv/.requirements-$stamp"
    fi
    odoo_importable "$ODOO_HOME/venv/bin/python" || { rm -f "$ODOO_HOME/ready"; die "Odoo 18.0 is not importable in $ODOO_HOME/venv: set ODOO_SRC=/path/to/odoo-18.0 and run again."; }
    if [ "$(readlink "$VENV" 2>/dev/null)" != "$ODOO_HOME/venv" ]; then
        rm -rf "$VENV"
        ln -s "$ODOO_HOME/venv" "$VENV"
    fi
    PY=$VENV/bin/python
    ODOO_DIR=$("$PY" -c 'import odoo, os; print(os.path.dirname(odoo.__file__))')
    ADDONS_PATH=$ODOO_DIR/addons
    [ -d "$ODOO_DIR/../addons" ] && ADDONS_PATH=$(cd "$ODOO_DIR/../addons" && pwd),$ADDONS_PATH
    ADDONS_PATH=$ROOT,$ADDONS_PATH
    # Odoo's own entry point, as it is deployed: with --workers, Odoo starts its
    # real-time (gevent) process by running this same script again.
    ODOO_BIN=
    if [ -f "$ODOO_DIR/../odoo-bin" ]; then
        ODOO_BIN=$(cd "$ODOO_DIR/.." && pwd)/odoo-bin
    elif [ -x "$VENV/bin/odoo" ]; then
        ODOO_BIN=$VENV/bin/odoo
    elif command -v odoo >/dev/null 2>&1; then
        ODOO_BIN=$(command -v odoo)
    fi
    [ -n "$ODOO_BIN" ] || die "Odoo's entry point (odoo-bin, or the odoo script) was not found: set ODOO_SRC=/path/to/odoo-18.0 and run 'make clean-odoo', then run again."
    export ODOO_BIN
    ensure_odoo_user
    ODOO=("${AS_ODOO[@]}" "$PY" "$ODOO_BIN")
}

# Odoo should not run as root (it says so on its standard error, and a deployment runs
# it as a user of its own): run as root, every process of the project that runs Odoo
# (servers, tests, bench) runs as the system user ODOO_SYSTEM_USER, as PostgreSQL runs
# as 'postgres'. Its Odoo data (filestore, sessions) is then in that user's home.
ODOO_SYSTEM_USER=${ODOO_SYSTEM_USER:-siao-odoo}
AS_ODOO=()

reachable_by() {  # $1: a system user; $2...: paths whose parent folders it must traverse
    local user=$1 path
    shift
    for path in "$@"; do
        [ -e "$path" ] || continue
        while [ "$path" != / ] && [ -n "$path" ]; do
            runuser -u "$user" -- test -x "$path" 2>/dev/null || chmod o+x "$path"
            path=$(dirname "$path")
        done
    done
}

ensure_odoo_user() {
    AS_ODOO=()
    [ "$(id -u)" = 0 ] || return 0
    if ! id "$ODOO_SYSTEM_USER" >/dev/null 2>&1; then
        say "running as root: Odoo runs as the system user '$ODOO_SYSTEM_USER' (created now)"
        useradd --system --user-group --create-home --home-dir "/var/lib/$ODOO_SYSTEM_USER" \
            --shell /usr/sbin/nologin "$ODOO_SYSTEM_USER" \
            || die "could not create the system user '$ODOO_SYSTEM_USER': run as another user than root, or set ODOO_SYSTEM_USER to an existing one."
    fi
    [ ! -d "$ODOO_HOME/src" ] || chmod 755 "$ODOO_HOME/src"  # caches made before it was readable
    reachable_by "$ODOO_SYSTEM_USER" "$(readlink -f "$PY")" "$ODOO_HOME/venv/bin" "$ODOO_DIR/addons" \
        "$ODOO_BIN" "$ROOT/siao_justice"
    XDG_RUNTIME_DIR=$(private_runtime_dir "$ODOO_SYSTEM_USER")  # wkhtmltopdf's, the user's own
    # setpriv executes the command itself (runuser would stay in between, and speak
    # when the process is stopped); the environment says who runs it.
    local home
    home=$(getent passwd "$ODOO_SYSTEM_USER" | cut -d: -f6)
    AS_ODOO=(env HOME="$home" USER="$ODOO_SYSTEM_USER" LOGNAME="$ODOO_SYSTEM_USER"
        setpriv --reuid="$ODOO_SYSTEM_USER" --regid="$ODOO_SYSTEM_USER" --init-groups --)
}

writable_by_odoo() {  # folders the Odoo processes write into (logs, figures, screenshots)
    mkdir -p "$@"
    [ "${#AS_ODOO[@]}" = 0 ] || chown -R "$ODOO_SYSTEM_USER" "$@"
}

# The one log check of the project (make test, make bench, the wheel check, the
# end-to-end servers). Every Odoo process of the project writes its records to a log
# file (--logfile) and anything else, on standard output or error, to a file of its
# own: a traceback of a process that dies before logging, a warning Python or Odoo
# prints raw. The check fails on any record that is not INFO (WARNING, ERROR,
# CRITICAL), on any traceback, on a log that does not start with a record, and on any
# line of raw output; it prints the first offending lines. A record's message may
# span several lines (a browser's console message in a tour).
log_check() {  # $1: a log file ("" for none), $2: the raw output of the same processes (may not exist)
    local log=$1 raw=${2:-} bad
    bad=$(
        if [ -n "$log" ] && [ ! -f "$log" ]; then
            echo "$log: no log was written (the process did not start?)"
        elif [ -n "$log" ]; then
            awk -v file="$log" '
                /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9],[0-9][0-9][0-9] [0-9]+ [A-Z]+ / {
                    record = 1
                    if ($4 != "INFO") print file ":" NR ": " $0
                    next
                }
                !record || /Traceback \(most recent call last\)/ { print file ":" NR ": " $0 }
            ' "$log"
        fi
        if [ -n "$raw" ] && [ -s "$raw" ]; then
            awk -v file="$raw" '{ print file ":" NR ": " $0 }' "$raw"
        fi
    )
    [ -z "$bad" ] && return 0
    say "$(wc -l <<<"$bad") lines of Odoo's logs are not INFO records; the first ones:"
    head -n 20 <<<"$bad" | cut -c1-400 >&2
    return 1
}

TOOLS_HOME=$CACHE/tools-py$PYVER
TOOLS_VENV=$ROOT/.venv-tools

ensure_tools() {  # OCA's tools (whool, oca-checks-*, pre-commit) in a virtual environment of their own
    mkdir -p "$CACHE"
    local stamp venv=$TOOLS_HOME/venv
    stamp=$(cat "$ROOT/requirements/tools.txt" "$ROOT/requirements/tools-constraints.txt" \
        | "$PYTHON" -c 'import hashlib,sys; print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest()[:12])')
    if [ ! -f "$venv/.requirements-$stamp" ]; then
        say "installing OCA's tools (requirements/tools.txt)"
        [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv" \
            || die "could not create a virtual environment with $PYTHON (install python3-venv)."
        "$venv/bin/python" -m pip install -q -r "$ROOT/requirements/tools.txt" \
            -c "$ROOT/requirements/tools-constraints.txt" || die "installing OCA's tools failed (see above)."
        rm -f "$venv"/.requirements-*
        touch "$venv/.requirements-$stamp"
    fi
    if [ "$(readlink "$TOOLS_VENV" 2>/dev/null)" != "$venv" ]; then
        rm -rf "$TOOLS_VENV"
        ln -s "$venv" "$TOOLS_VENV"
    fi
}

# The deployment's sizing rule (README, "Deploying"; deploy/odoo.conf): two HTTP
# workers per core plus one, one less when PostgreSQL runs on the same machine
# ($1 = 1, as for the bench and the tests).
deployed_workers() {
    local cores
    cores=$(nproc)
    echo $((2 * cores + 1 - ${1:-0}))
}

# The HTTP workers' socket timeout of the deployment (deploy/siao-justice-odoo.service).
deployed_socket_timeout() {
    sed -n 's/^Environment=ODOO_HTTP_SOCKET_TIMEOUT=//p' "$ROOT/deploy/siao-justice-odoo.service"
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_bin() {
    local b
    for b in "$(command -v pg_ctl 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V -r); do
        [ -n "$b" ] && [ -x "$b" ] && { dirname "$(readlink -f "$b")"; return; }
    done
    die "PostgreSQL was not found: install it (apt-get install postgresql) or set PGHOST, PGPORT, PGUSER and PGPASSWORD."
}

as_pg_owner() {  # PostgreSQL refuses to run as root: use the postgres system user then
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_postgres() {
    if [ -n "${PGHOST:-}" ] || [ -n "${PGPORT:-}" ]; then
        DB_HOST=${PGHOST:-localhost} DB_PORT=${PGPORT:-5432} DB_USER=${PGUSER:-odoo} DB_PASSWORD=${PGPASSWORD:-}
    else
        local bin
        bin=$(pg_bin)
        mkdir -p "$PGDIR"
        if [ "$(id -u)" = 0 ]; then
            id postgres >/dev/null 2>&1 || die "running as root needs the postgres system user (apt-get install postgresql)."
            local d=$PGDIR
            while [ "$d" != / ]; do  # the postgres user must be able to reach the data folder
                runuser -u postgres -- test -x "$d" || chmod o+x "$d"
                d=$(dirname "$d")
            done
            chown postgres "$PGDIR"
        fi
        if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
            say "creating the private PostgreSQL cluster in $PGDIR"
            as_pg_owner "$bin/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGDIR/initdb.log" 2>&1 \
                || die "initdb failed: see $PGDIR/initdb.log"
        fi
        if ! as_pg_owner "$bin/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
            free_port >"$PGDIR/port"
            as_pg_owner "$bin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgresql.log" -w -t 60 \
                -o "-p $(cat "$PGDIR/port") -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null \
                || die "PostgreSQL did not start: see $PGDIR/postgresql.log"
            PG_STARTED_HERE=1
        fi
        DB_HOST=127.0.0.1 DB_PORT=$(cat "$PGDIR/port") DB_USER=odoo DB_PASSWORD=""
        psql -qAt -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -c \
            "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'odoo') THEN CREATE ROLE odoo LOGIN CREATEDB; END IF; END\$\$" >/dev/null
    fi
    export PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=$DB_USER
    [ -n "$DB_PASSWORD" ] && export PGPASSWORD=$DB_PASSWORD
    DB_ARGS=(--db_host "$DB_HOST" --db_port "$DB_PORT" --db_user "$DB_USER")
    [ -n "$DB_PASSWORD" ] && DB_ARGS+=(--db_password "$DB_PASSWORD")
    return 0
}

stop_postgres() {
    [ -f "$PGDIR/data/PG_VERSION" ] || return 0
    as_pg_owner "$(pg_bin)/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

stop_postgres_if_started_here() {
    [ "$PG_STARTED_HERE" = 1 ] && stop_postgres
    return 0
}
