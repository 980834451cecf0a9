#!/usr/bin/env bash
# Back up and restore the Neo4j that deploy/neo4j/neo4j.sh runs, with the
# tool that ships with Neo4j Community: neo4j-admin database dump / load
# (org.neo4j.cli.AdminTool, from the same Maven Central jars neo4j.sh runs).
#
# Usage:  deploy/neo4j/backup.sh dump [DEST_DIR]
#         deploy/neo4j/backup.sh load SRC_DIR
#
#   dump   write DEST_DIR/<database>.dump (a consistent, compressed archive of
#          the store) and DEST_DIR/<database>.dump.sha256, plus backup.txt
#          (what, when, which Neo4j). DEST_DIR must not exist yet; default
#          $NEO4J_BACKUP_ROOT/<data dir name>-<UTC time>.
#   load   replace the database of NEO4J_DATA_DIR with SRC_DIR/<database>.dump
#          after checking its sha256. The data directory may be new (restore
#          into a fresh instance) or an existing one (its database is
#          overwritten).
#
# Offline: Neo4j Community cannot dump or load a database that a running
# server has open (online backup is an Enterprise feature). So both commands
# stop the instance if it runs (neo4j.sh stop: a clean shutdown) and start it
# again afterwards -- also when the dump or load failed. The instance is down
# for the dump (seconds for the dev graph) and a start. A stopped instance
# stays stopped. After a load, check the event log: hubctl audit verify (make
# restore does both).
#
# Environment (defaults in brackets), as for neo4j.sh:
#   NEO4J_DATA_DIR        instance directory [<repo>/.data/neo4j]
#   NEO4J_BOLT_PORT       its Bolt port, for the restart [7687]
#   NEO4J_PASSWORD        password set on the restart [exphub-dev-password]
#   NEO4J_CACHE_DIR       where neo4j.sh caches the jars (fetched on first use)
#   NEO4J_BACKUP_DATABASE database to dump or load [neo4j]; the system
#                         database (users) is not backed up: neo4j.sh sets
#                         the password of user neo4j on every start
#   NEO4J_BACKUP_ROOT     where dump puts backups without DEST_DIR
#                         [<repo>/.data/backups]
#   NEO4J_ADMIN_HEAP      heap of neo4j-admin [512m]
#
# Needs: bash, java (17+), sha256sum; mvn once if the jars are not cached.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
NEO4J_SH=$SCRIPT_DIR/neo4j.sh
POM=$SCRIPT_DIR/pom.xml
BASE_CONF=$SCRIPT_DIR/neo4j.conf

die() { echo "backup.sh: ERROR: $*" >&2; exit 1; }
info() { echo "backup.sh: $*"; }

abs_path() {
    case $1 in
        /*) realpath -m -- "$1" ;;
        *) realpath -m -- "$REPO_ROOT/$1" ;;
    esac
}

NEO4J_VERSION=$(sed -n 's:.*<neo4j.version>\([^<]*\)</neo4j.version>.*:\1:p' "$POM" | head -n 1)
[ -n "$NEO4J_VERSION" ] || die "cannot read <neo4j.version> from $POM"
DATA_DIR=$(abs_path "${NEO4J_DATA_DIR:-.data/neo4j}")
CACHE_DIR=$(abs_path "${NEO4J_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/exphub/neo4j-$NEO4J_VERSION}")
LIB_DIR=$CACHE_DIR/lib
DATABASE=${NEO4J_BACKUP_DATABASE:-neo4j}
BACKUP_ROOT=$(abs_path "${NEO4J_BACKUP_ROOT:-.data/backups}")
ADMIN_HEAP=${NEO4J_ADMIN_HEAP:-512m}

case $DATABASE in ''|*[!a-zA-Z0-9._-]*) die "NEO4J_BACKUP_DATABASE must be a database name, got '$DATABASE'" ;; esac

# neo4j.sh, for the same instance (it reads the same environment).
instance() { NEO4J_DATA_DIR=$DATA_DIR "$NEO4J_SH" "$@"; }

# neo4j-admin, run from the cached jars against the instance directory: its
# home is the data dir (the store is <home>/data, as the launcher has it), its
# configuration the base neo4j.conf, so both see the same paths.
neo4j_admin() {
    [ -f "$LIB_DIR/org.neo4j.neo4j-$NEO4J_VERSION.jar" ] ||
        die "no Neo4j $NEO4J_VERSION jars in $LIB_DIR: start an instance once with deploy/neo4j/neo4j.sh (it fetches them)"
    local conf_dir
    conf_dir=$(mktemp -d)
    # The admin tool reads <NEO4J_CONF>/neo4j.conf; the launcher's settings
    # it does not know are harmless, its store paths are the same.
    cp "$BASE_CONF" "$conf_dir/neo4j.conf"
    local rc=0
    NEO4J_HOME=$DATA_DIR NEO4J_CONF=$conf_dir java "-Xmx$ADMIN_HEAP" \
        --add-opens=java.base/java.nio=ALL-UNNAMED \
        --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
        --enable-native-access=ALL-UNNAMED \
        -Dfile.encoding=UTF-8 \
        -cp "$LIB_DIR/*" org.neo4j.cli.AdminTool "$@" 2>&1 | quiet_progress || rc=$?
    rm -rf "$conf_dir"
    return "$rc"
}

# neo4j-admin reports progress a line per percent; keep the last of them.
quiet_progress() {
    awk '/^Files: [0-9]+\/[0-9]+, data: / { last = $0; next } { if (last != "") { print last; last = "" } print } END { if (last != "") print last }'
}

# Stop the instance when it runs; remember to start it again, on the port
# it ran on (from the configuration neo4j.sh generated for it).
WAS_RUNNING=0
RUN_PORT=${NEO4J_BOLT_PORT:-7687}
stop_instance() {
    if instance status >/dev/null 2>&1; then
        WAS_RUNNING=1
        local port
        port=$(sed -n 's/^server\.bolt\.listen_address=.*:\([0-9]*\)$/\1/p' "$DATA_DIR/neo4j.generated.conf" 2>/dev/null | tail -n 1)
        RUN_PORT=${port:-$RUN_PORT}
        info "stopping the instance of $DATA_DIR (Neo4j Community dumps and loads offline only)"
        instance stop
    fi
}
restart_instance() {
    if [ "$WAS_RUNNING" = 1 ]; then
        WAS_RUNNING=0
        info "starting the instance of $DATA_DIR again (bolt port $RUN_PORT)"
        NEO4J_BOLT_PORT=$RUN_PORT instance start
    fi
}

cmd_dump() {
    local dest=${1:-}
    if [ -z "$dest" ]; then
        dest=$BACKUP_ROOT/$(basename "$DATA_DIR")-$(date -u +%Y%m%dT%H%M%SZ)
    fi
    dest=$(abs_path "$dest")
    [ -e "$dest" ] && die "$dest exists; a backup never overwrites another"
    [ -d "$DATA_DIR/data/databases/$DATABASE" ] || die "no database $DATABASE in $DATA_DIR (nothing to back up)"
    mkdir -p "$dest"
    local t0=$SECONDS
    stop_instance
    trap restart_instance EXIT
    info "dumping database $DATABASE of $DATA_DIR to $dest/$DATABASE.dump ..."
    neo4j_admin database dump "$DATABASE" --to-path="$dest" ||
        die "neo4j-admin database dump failed; $dest is incomplete"
    (cd "$dest" && sha256sum "$DATABASE.dump" >"$DATABASE.dump.sha256")
    {
        echo "database=$DATABASE"
        echo "neo4j=$NEO4J_VERSION"
        echo "source=$DATA_DIR"
        echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "bytes=$(stat -c %s "$dest/$DATABASE.dump")"
        echo "sha256=$(cut -d' ' -f1 "$dest/$DATABASE.dump.sha256")"
    } >"$dest/backup.txt"
    restart_instance
    trap - EXIT
    info "backup complete: $dest ($(du -h "$dest/$DATABASE.dump" | cut -f1), $((SECONDS - t0))s)"
}

cmd_load() {
    local src=${1:-}
    [ -n "$src" ] || die "usage: backup.sh load SRC_DIR"
    src=$(abs_path "$src")
    [ -f "$src/$DATABASE.dump" ] || die "no $DATABASE.dump in $src"
    if [ -f "$src/$DATABASE.dump.sha256" ]; then
        (cd "$src" && sha256sum --check --status "$DATABASE.dump.sha256") ||
            die "$src/$DATABASE.dump does not match its sha256: the backup is damaged"
    else
        info "WARNING: no $DATABASE.dump.sha256 in $src; loading unchecked"
    fi
    local t0=$SECONDS
    mkdir -p "$DATA_DIR"
    stop_instance
    trap restart_instance EXIT
    info "loading $src/$DATABASE.dump into database $DATABASE of $DATA_DIR ..."
    neo4j_admin database load "$DATABASE" --from-path="$src" --overwrite-destination=true ||
        die "neo4j-admin database load failed"
    restart_instance
    trap - EXIT
    info "restore complete: $DATA_DIR ($((SECONDS - t0))s); verify the event log with: go run ./cmd/hubctl audit verify --neo4j-uri bolt://127.0.0.1:$RUN_PORT"
}

case ${1:-} in
    dump) shift; [ $# -le 1 ] || die "usage: backup.sh dump [DEST_DIR]"; cmd_dump "$@" ;;
    load) shift; [ $# -eq 1 ] || die "usage: backup.sh load SRC_DIR"; cmd_load "$@" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac
