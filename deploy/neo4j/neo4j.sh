#!/usr/bin/env bash
# Run a real Neo4j Community 5.26 for development, tests and CI -- no Docker,
# no Debian package. Neo4j runs embedded (deploy/neo4j/Launcher.java, Java's
# single-file source mode) on jars that Maven fetches from Maven Central on
# first use (deploy/neo4j/pom.xml) into a cache that later starts reuse.
#
# Usage:  deploy/neo4j/neo4j.sh start|stop|status|wait|restart
#
#   start    fetch the jars if not cached, start Neo4j in the background and
#            wait until Bolt accepts a login + RETURN 1 (see "Waiting" below).
#            No-op (exit 0) if the instance of NEO4J_DATA_DIR is already
#            running; if it is still starting, wait for it like a new start.
#   stop     SIGTERM, wait up to NEO4J_STOP_SECONDS for a clean shutdown.
#            Never SIGKILLs: on timeout it fails and says so. No-op if stopped.
#   status   "running ..." (exit 0) or "stopped ..." (exit 3).
#   wait     block until Bolt on 127.0.0.1:NEO4J_BOLT_PORT accepts a login as
#            neo4j/NEO4J_PASSWORD and RETURN 1. With a pid file in
#            NEO4J_DATA_DIR it waits for that instance as start does; without
#            one (any other server there, e.g. a Docker one) it fails after a
#            fixed NEO4J_WAIT_SECONDS.
#   restart  stop, then start.
#
# Waiting (start, and wait on an instance of NEO4J_DATA_DIR): a start can take
# far longer than usual -- after a crash or kill -9 Neo4j first recovers the
# store from its transaction log, on a loaded machine for minutes -- and that
# is progress, not a hang. So there is no fixed deadline. It fails:
#   - at once when the launcher process exits (its log tail is shown);
#   - at once when Bolt rejects neo4j/NEO4J_PASSWORD (Unauthorized) after the
#     launcher has set that password; a rate-limited login is retried;
#   - when the instance made NO progress for NEO4J_WAIT_SECONDS. Progress is
#     a new line in the launcher output (neo4j.log) or in Neo4j's
#     logs/debug.log (recovery logs every 10% there), lines of the Bolt
#     server aside (other clients' failed logins write those), or a tick in
#     neo4j.progress, where the launcher reports that the thread starting
#     Neo4j is running rather than blocked (see ProgressReporter in
#     Launcher.java); before the launcher's main() runs (the JVM compiling
#     Launcher.java: 1-2 s, over 10 s on a loaded machine), CPU time the JVM
#     uses. The launcher's first Cypher statements log nothing for up to
#     ~20 s under load; the ticks cover them;
#   - after NEO4J_MAX_WAIT_SECONDS in all, even with progress: a bound for CI
#     on a start that runs but never gets ready (a livelock, a GC spiral).
# Polled every 0.5 s.
# A start that fails stops the half-started instance (SIGTERM, clean).
#
# Environment (defaults in brackets):
#   NEO4J_BOLT_PORT     Bolt port on 127.0.0.1 [7687]
#   NEO4J_DATA_DIR      instance directory: store (data/), Neo4j logs (logs/),
#                       neo4j.log (launcher output), neo4j.pid, neo4j.ready,
#                       neo4j.progress, neo4j.generated.conf. Relative paths
#                       are taken from the repository root. [<repo>/.data/neo4j]
#   NEO4J_PASSWORD      password of user neo4j, set on every start (>= 8 chars);
#                       falls back to EXPHUB_NEO4J_PASSWORD [exphub-dev-password]
#   NEO4J_CACHE_DIR     where the jars are cached (relative: from the repo root)
#                       [${XDG_CACHE_HOME:-$HOME/.cache}/exphub/neo4j-<version>]
#   NEO4J_HEAP          JVM heap, e.g. 512m or 2g: -Xms and -Xmx both set to it
#                       [-Xms256m -Xmx1g]
#   NEO4J_PAGECACHE     page cache size, e.g. 2g; replaces neo4j.conf's value
#                       [256m, from neo4j.conf]
#   NEO4J_JAVA_OPTS     extra JVM flags, split on whitespace []
#   NEO4J_WAIT_SECONDS  start/wait on our instance: fail after this long
#                       without progress; wait on another server: fail
#                       after this long [120]
#   NEO4J_MAX_WAIT_SECONDS  start/wait on our instance: fail after this long
#                       even with progress; raise it to recover a big store
#                       [3600]
#   NEO4J_STOP_SECONDS  how long stop waits after SIGTERM [60]
#
# Two instances run side by side with different NEO4J_DATA_DIR and
# NEO4J_BOLT_PORT, e.g. dev:   deploy/neo4j/neo4j.sh start
#                       tests: NEO4J_DATA_DIR=.data/neo4j-test NEO4J_BOLT_PORT=7688 deploy/neo4j/neo4j.sh start
#
# Needs: bash, java (17+), mvn (only while the jars are not cached), python3
# (stdlib; deploy/neo4j/bolt_check.py speaks Bolt for the readiness check).
# Base config: deploy/neo4j/neo4j.conf.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
POM=$SCRIPT_DIR/pom.xml
BASE_CONF=$SCRIPT_DIR/neo4j.conf
LAUNCHER=$SCRIPT_DIR/Launcher.java
BOLT_CHECK=$SCRIPT_DIR/bolt_check.py

NEO4J_VERSION=$(sed -n 's:.*<neo4j.version>\([^<]*\)</neo4j.version>.*:\1:p' "$POM" | head -n 1)

die() { echo "neo4j.sh: ERROR: $*" >&2; exit 1; }
info() { echo "neo4j.sh: $*"; }

[ -n "$NEO4J_VERSION" ] || die "cannot read <neo4j.version> from $POM"

abs_path() { # resolve relative paths against the repository root, normalised
    local p=$1
    case $p in
        /*) ;;
        *) p=$REPO_ROOT/$p ;;
    esac
    if command -v realpath >/dev/null 2>&1; then
        realpath -m -- "$p"
    else
        printf '%s\n' "$p"
    fi
}

BOLT_PORT=${NEO4J_BOLT_PORT:-7687}
DATA_DIR=$(abs_path "${NEO4J_DATA_DIR:-.data/neo4j}")
PASSWORD=${NEO4J_PASSWORD:-${EXPHUB_NEO4J_PASSWORD:-exphub-dev-password}}
CACHE_DIR=$(abs_path "${NEO4J_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/exphub/neo4j-$NEO4J_VERSION}")
WAIT_SECONDS=${NEO4J_WAIT_SECONDS:-120}
MAX_WAIT_SECONDS=${NEO4J_MAX_WAIT_SECONDS:-3600}
STOP_SECONDS=${NEO4J_STOP_SECONDS:-60}

case $BOLT_PORT in ''|*[!0-9]*) die "NEO4J_BOLT_PORT must be a port number, got '$BOLT_PORT'" ;; esac
[ "$BOLT_PORT" -ge 1 ] && [ "$BOLT_PORT" -le 65535 ] || die "NEO4J_BOLT_PORT out of range: $BOLT_PORT"
case $WAIT_SECONDS in ''|*[!0-9]*) die "NEO4J_WAIT_SECONDS must be a whole number of seconds" ;; esac
case $MAX_WAIT_SECONDS in ''|*[!0-9]*) die "NEO4J_MAX_WAIT_SECONDS must be a whole number of seconds" ;; esac
case $STOP_SECONDS in ''|*[!0-9]*) die "NEO4J_STOP_SECONDS must be a whole number of seconds" ;; esac

LIB_DIR=$CACHE_DIR/lib
MAIN_JAR=$LIB_DIR/org.neo4j.neo4j-$NEO4J_VERSION.jar
PID_FILE=$DATA_DIR/neo4j.pid
LOG_FILE=$DATA_DIR/neo4j.log
READY_FILE=$DATA_DIR/neo4j.ready
PROGRESS_FILE=$DATA_DIR/neo4j.progress
GEN_CONF=$DATA_DIR/neo4j.generated.conf
DEBUG_LOG=$DATA_DIR/logs/debug.log
LOCK_FILE=$DATA_DIR/.neo4j.sh.lock

need() { # need <command> <why>
    command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH: $2"
}

need_java() {
    need java "install a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)"
    local spec
    spec=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
    case $spec in
        1.*|9|1[0-6]) die "java on PATH is Java $spec; Neo4j $NEO4J_VERSION needs Java 17 or 21" ;;
    esac
}

need_python() {
    need python3 "needed for the Bolt readiness check (deploy/neo4j/bolt_check.py)"
}

# Pid of this data dir's running launcher, or return 1 (no/stale pid file).
running_pid() {
    local pid args
    [ -f "$PID_FILE" ] || return 1
    pid=$(tr -dc '0-9' <"$PID_FILE")
    [ -n "$pid" ] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Guard against pid reuse: it must be our launcher for this data dir.
    if [ -r "/proc/$pid/cmdline" ]; then
        args=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    else
        args=$(ps -p "$pid" -o args= 2>/dev/null || true)
    fi
    case "$args " in
        *"/Launcher.java $DATA_DIR $GEN_CONF "*) echo "$pid" ;;
        *) return 1 ;;
    esac
}

# Port an instance was started with (from its generated conf).
running_port() {
    sed -n 's/^server\.bolt\.listen_address=.*:\([0-9]*\)$/\1/p' "$GEN_CONF" 2>/dev/null | tail -n 1
}

port_in_use() { # something accepts TCP connections on 127.0.0.1:$1
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
sys.exit(0)
EOF
}

log_tail() {
    if [ -f "$LOG_FILE" ]; then
        echo "---- last 40 lines of $LOG_FILE ----" >&2
        tail -n 40 "$LOG_FILE" >&2
        echo "---- (Neo4j's own log: $DEBUG_LOG) ----" >&2
    else
        echo "(no log file at $LOG_FILE)" >&2
    fi
}

lock_data_dir() { # serialise start/stop on one data dir (fd 9, closed for java)
    mkdir -p "$DATA_DIR"
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$LOCK_FILE"
        flock -w $((MAX_WAIT_SECONDS + STOP_SECONDS + 60)) 9 ||
            die "another neo4j.sh is busy with $DATA_DIR (lock $LOCK_FILE)"
    fi
}

# Download the jars on first use: into a temp dir, then one atomic rename, so
# an interrupted fetch never looks like a good cache.
fetch_jars() {
    if [ -f "$MAIN_JAR" ]; then
        return 0
    fi
    if [ -d "$LIB_DIR" ]; then
        info "cache $LIB_DIR is incomplete, fetching it again"
        rm -rf "$LIB_DIR"
    fi
    need mvn "needed once to fetch the Neo4j $NEO4J_VERSION jars from Maven Central (Debian: apt-get install maven)"
    mkdir -p "$CACHE_DIR"
    # One fetch at a time per cache (two instances may start together on a
    # fresh machine); whoever waited finds the jars in place.
    if command -v flock >/dev/null 2>&1; then
        exec 8>"$CACHE_DIR/.fetch.lock"
        flock -w 900 8 || die "timed out waiting for another fetch into $CACHE_DIR"
        if [ -f "$MAIN_JAR" ]; then
            exec 8>&-
            return 0
        fi
    fi
    # Leftovers of interrupted fetches (never used: only a complete lib/ counts).
    find "$CACHE_DIR" -maxdepth 1 -name '.lib.tmp.*' -mmin +60 -exec rm -rf {} + 2>/dev/null || true
    local tmp t0 t1
    tmp=$(mktemp -d "$CACHE_DIR/.lib.tmp.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    info "fetching Neo4j $NEO4J_VERSION jars with Maven into $LIB_DIR (first use only) ..."
    t0=$(date +%s)
    if ! mvn -B -ntp -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
        -DoutputDirectory="$tmp/lib" -Dmdep.prependGroupId=true >"$tmp/mvn.log" 2>&1; then
        tail -n 30 "$tmp/mvn.log" >&2
        die "Maven could not fetch the Neo4j jars (see above)"
    fi
    [ -f "$tmp/lib/org.neo4j.neo4j-$NEO4J_VERSION.jar" ] ||
        die "Maven ran but org.neo4j.neo4j-$NEO4J_VERSION.jar is missing from the download"
    if ! mv -T "$tmp/lib" "$LIB_DIR" 2>/dev/null; then
        # Lost a race with a concurrent fetch: fine if that one is complete.
        [ -f "$MAIN_JAR" ] || die "could not move the jars into $LIB_DIR"
    fi
    rm -rf "$tmp"
    trap - EXIT
    exec 8>&-
    t1=$(date +%s)
    info "fetched $(find "$LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1)) in $((t1 - t0))s"
}

jvm_flags() {
    local heap=${NEO4J_HEAP:-}
    if [ -n "$heap" ]; then
        JVM_FLAGS=("-Xms$heap" "-Xmx$heap")
    else
        JVM_FLAGS=(-Xms256m -Xmx1g)
    fi
    JVM_FLAGS+=(
        -XX:+UseG1GC
        -XX:-OmitStackTraceInFastThrow
        -XX:+ExitOnOutOfMemoryError
        -Djdk.nio.maxCachedBufferSize=1024
        -Dio.netty.tryReflectionSetAccessible=true
        -Dlog4j2.disable.jmx=true
        -Dfile.encoding=UTF-8
        # What Neo4j's own launcher passes; without them the page cache and the
        # transaction log native access fall back (warnings in logs/debug.log).
        --add-opens=java.base/java.nio=ALL-UNNAMED
        --add-opens=java.base/java.io=ALL-UNNAMED
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
        --enable-native-access=ALL-UNNAMED
    )
    if [ -n "${NEO4J_JAVA_OPTS:-}" ]; then
        # shellcheck disable=SC2206
        JVM_FLAGS+=(${NEO4J_JAVA_OPTS})
    fi
}

write_conf() {
    {
        echo "# Generated by deploy/neo4j/neo4j.sh on every start -- do not edit."
        echo "# Base: $BASE_CONF, with the keys neo4j.sh manages replaced."
        if [ -n "${NEO4J_PAGECACHE:-}" ]; then
            grep -Ev '^[[:space:]]*server\.(bolt\.listen_address|memory\.pagecache\.size)[[:space:]]*=' "$BASE_CONF"
        else
            grep -Ev '^[[:space:]]*server\.bolt\.listen_address[[:space:]]*=' "$BASE_CONF"
        fi
        echo
        echo "# --- managed by neo4j.sh ---"
        echo "server.bolt.listen_address=127.0.0.1:$BOLT_PORT"
        if [ -n "${NEO4J_PAGECACHE:-}" ]; then
            echo "server.memory.pagecache.size=$NEO4J_PAGECACHE"
        fi
    } >"$GEN_CONF.tmp"
    mv -f "$GEN_CONF.tmp" "$GEN_CONF"
}

# What wait_ready takes as progress, as one string that changes when there
# is any: the number of lines in the launcher output and in Neo4j's debug
# log, not counting the Bolt server's lines (loggers o.n.b.*), and the
# launcher's progress file (see ProgressReporter in Launcher.java). Neo4j logs
# to debug.log all through a start, store recovery included ("Recovery ...
# 10% completed"); the progress file covers the stretches it does not log
# (the first Cypher statements: >10 s on a loaded machine). The Bolt lines
# are other clients' doing -- every failed login adds a WARN to both logs --
# and a client retrying a wrong password must not keep a stuck start alive.
# Before the launcher's main() runs there is no progress file: the JVM is
# compiling Launcher.java (source mode), seconds that nothing reports, so
# until then (pre_main=1) the CPU time the JVM has used stands in for it. Only
# then: later "alive and using CPU" is also true of a JVM stuck on a lock
# (its timers, GC, JIT), which is what the window must catch.
# Any change counts (a rotated debug.log has fewer lines).
progress_mark() { # progress_mark <pid> <pre_main>
    local f n
    for f in "$LOG_FILE" "$DEBUG_LOG"; do
        n=-
        if [ -f "$f" ]; then
            n=$(grep -c -v -F '[o.n.b.' "$f" 2>/dev/null) || true
        fi
        printf '%s/' "$n"
    done
    cat "$PROGRESS_FILE" 2>/dev/null || true
    if [ "$2" = 1 ]; then
        cpu_time "$1"
    fi
}

# CPU time process $1 has used, in a form that changes when it grows.
cpu_time() {
    local stat
    local -a f
    if stat=$(cat "/proc/$1/stat" 2>/dev/null); then
        # Fields after "pid (comm) ": state is field 3, utime 14, stime 15.
        read -r -a f <<<"${stat##*) }"
        echo "cpu:$((f[11] + f[12]))"
    else
        ps -p "$1" -o time= 2>/dev/null || true
    fi
}

# Milliseconds since the epoch: the no-progress window is measured finer than
# in whole seconds, or a window of a few seconds could be up to 1 s shorter.
# EPOCHREALTIME is bash 5+ (its separator follows the locale); else seconds.
now_ms() {
    local t=${EPOCHREALTIME:-}
    if [ -n "$t" ]; then
        t=${t/[.,]/}
        echo $((10#$t / 1000))
    else
        echo $(($(date +%s) * 1000))
    fi
}

# The launcher's current step while it starts, for messages.
launcher_step() {
    local ticks step=""
    if [ -f "$PROGRESS_FILE" ]; then
        read -r ticks step <"$PROGRESS_FILE" 2>/dev/null || true
    fi
    echo "${step:-the JVM is not running Launcher.java yet}"
}

# Wait until Bolt answers a login + RETURN 1. With a pid file (our instance)
# follow the launcher's progress (see "Waiting" in the header): fail at once
# when the process dies, after NEO4J_WAIT_SECONDS without progress, or after
# NEO4J_MAX_WAIT_SECONDS in all; and only start probing once the launcher has
# set the password (neo4j.ready), so that no login attempt is made with a
# password that is not set yet. Without a pid file (someone else's server)
# fail after a fixed NEO4J_WAIT_SECONDS.
wait_ready() {
    need_python
    local start now pid="" rc out last="" managed=0 port mark seen progress_at noted=0 pre_main=0
    local window_ms=$((WAIT_SECONDS * 1000)) max_ms=$((MAX_WAIT_SECONDS * 1000))
    if [ -f "$PID_FILE" ]; then
        managed=1
        pid=$(tr -dc '0-9' <"$PID_FILE")
        port=$(running_port)
        BOLT_PORT=${port:-$BOLT_PORT}
    fi
    if [ "$managed" = 1 ] && [ ! -f "$PROGRESS_FILE" ]; then
        pre_main=1
    fi
    start=$(now_ms)
    progress_at=$start
    seen=$(progress_mark "$pid" "$pre_main")
    while :; do
        if [ "$managed" = 1 ] && ! kill -0 "$pid" 2>/dev/null; then
            log_tail
            die "Neo4j (pid $pid) exited before it was ready on bolt://127.0.0.1:$BOLT_PORT; see $LOG_FILE"
        fi
        if [ "$managed" = 0 ] || [ -f "$READY_FILE" ]; then
            rc=0
            out=$(NEO4J_PASSWORD=$PASSWORD python3 "$BOLT_CHECK" --port "$BOLT_PORT" --timeout 5 2>&1) || rc=$?
            case $rc in
                0) return 0 ;;
                2)
                    [ "$managed" = 1 ] && log_tail
                    die "Bolt on 127.0.0.1:$BOLT_PORT rejected neo4j/\$NEO4J_PASSWORD: $out"
                    ;;
                *) last=$out ;;
            esac
        else
            last="launcher not ready yet (no $READY_FILE)"
        fi
        now=$(now_ms)
        if [ "$managed" = 0 ]; then
            if [ $((now - start)) -ge "$window_ms" ]; then
                die "Bolt on 127.0.0.1:$BOLT_PORT not ready after ${WAIT_SECONDS}s (last: ${last:-none})"
            fi
        else
            if [ "$pre_main" = 1 ] && [ -f "$PROGRESS_FILE" ]; then
                pre_main=0
            fi
            mark=$(progress_mark "$pid" "$pre_main")
            if [ "$mark" != "$seen" ]; then
                seen=$mark
                progress_at=$now
            fi
            if [ $((now - progress_at)) -ge "$window_ms" ]; then
                log_tail
                die "Neo4j (pid $pid) not ready on bolt://127.0.0.1:$BOLT_PORT and no progress for ${WAIT_SECONDS}s (NEO4J_WAIT_SECONDS): no new line in $LOG_FILE or $DEBUG_LOG, and the launcher's thread made no headway (step: $(launcher_step)) (last: ${last:-none})"
            fi
            if [ $((now - start)) -ge "$max_ms" ]; then
                log_tail
                die "Neo4j (pid $pid) not ready on bolt://127.0.0.1:$BOLT_PORT after ${MAX_WAIT_SECONDS}s (NEO4J_MAX_WAIT_SECONDS), though it kept making progress (step: $(launcher_step)) (last: ${last:-none}); see $DEBUG_LOG"
            fi
            if [ "$noted" = 0 ] && [ $((now - start)) -ge "$window_ms" ]; then
                noted=1
                info "not ready after $(((now - start) / 1000))s but still making progress (e.g. recovering the store after a crash), waiting on; see $DEBUG_LOG"
            fi
        fi
        sleep 0.5
    done
}

cmd_status() {
    local pid port
    if pid=$(running_pid); then
        port=$(running_port)
        if [ -f "$READY_FILE" ]; then
            echo "running (pid $pid, bolt://127.0.0.1:${port:-?}, data $DATA_DIR)"
        else
            echo "running, not ready yet (pid $pid, bolt://127.0.0.1:${port:-?}, data $DATA_DIR, log $LOG_FILE)"
        fi
        return 0
    fi
    echo "stopped (bolt port $BOLT_PORT, data $DATA_DIR)"
    return 3
}

# Stop the instance; returns 0 when stopped (or was not running).
do_stop() {
    local pid offset i
    if ! pid=$(running_pid); then
        rm -f "$PID_FILE" "$READY_FILE" "$PROGRESS_FILE"
        info "not running (data $DATA_DIR)"
        return 0
    fi
    offset=$(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0)
    info "stopping Neo4j (pid $pid) ..."
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_SECONDS * 4; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
        log_tail
        die "Neo4j (pid $pid) still running ${STOP_SECONDS}s after SIGTERM; NOT killed. Look at $LOG_FILE, then 'kill -9 $pid' if it is really stuck (the store then recovers on the next start)"
    fi
    rm -f "$PID_FILE" "$READY_FILE" "$PROGRESS_FILE"
    if tail -c +$((offset + 1)) "$LOG_FILE" 2>/dev/null | grep -q 'NEO4J STOPPED'; then
        info "stopped (clean shutdown, data $DATA_DIR)"
    else
        info "WARNING: pid $pid exited but $LOG_FILE shows no clean-shutdown line; Neo4j will recover the store on the next start"
    fi
}

cmd_start() {
    local pid port t0 t1
    t0=$(date +%s)
    need_java
    need_python
    if pid=$(running_pid); then
        port=$(running_port)
        if [ -n "$port" ] && [ "$port" != "$BOLT_PORT" ]; then
            die "already running (pid $pid) on bolt://127.0.0.1:$port, not on the requested port $BOLT_PORT; use restart to change the port"
        fi
        if [ ! -f "$READY_FILE" ]; then
            info "already starting (pid $pid), waiting for Bolt ..."
        fi
        (wait_ready) || exit 1
        info "already running (pid $pid, bolt://127.0.0.1:$BOLT_PORT, data $DATA_DIR)"
        return 0
    fi
    rm -f "$PID_FILE" "$READY_FILE" "$PROGRESS_FILE"
    if port_in_use "$BOLT_PORT"; then
        die "port $BOLT_PORT on 127.0.0.1 is already in use by another process (not the instance of $DATA_DIR); stop it or set NEO4J_BOLT_PORT"
    fi
    fetch_jars
    mkdir -p "$DATA_DIR"
    write_conf
    jvm_flags
    {
        echo
        echo "==== $(date -u +%Y-%m-%dT%H:%M:%SZ) neo4j.sh start: Neo4j $NEO4J_VERSION, bolt 127.0.0.1:$BOLT_PORT, java $(command -v java) ===="
    } >>"$LOG_FILE"
    local -a detach=()
    command -v setsid >/dev/null 2>&1 && detach=(setsid)
    NEO4J_PASSWORD=$PASSWORD nohup "${detach[@]}" java "${JVM_FLAGS[@]}" -cp "$LIB_DIR/*" \
        "$LAUNCHER" "$DATA_DIR" "$GEN_CONF" >>"$LOG_FILE" 2>&1 </dev/null 8>&- 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"
    info "starting Neo4j $NEO4J_VERSION (pid $pid, bolt://127.0.0.1:$BOLT_PORT, data $DATA_DIR, log $LOG_FILE) ..."
    if ! (wait_ready); then
        if kill -0 "$pid" 2>/dev/null; then
            info "stopping the half-started instance (pid $pid)"
            do_stop || true
        else
            rm -f "$PID_FILE" "$READY_FILE" "$PROGRESS_FILE"
        fi
        exit 1
    fi
    t1=$(date +%s)
    info "ready: bolt://127.0.0.1:$BOLT_PORT user neo4j (pid $pid, took $((t1 - t0))s)"
}

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 64
}

main() {
    [ $# -eq 1 ] || usage
    case $1 in
        start) lock_data_dir; cmd_start ;;
        stop) lock_data_dir; do_stop ;;
        restart) lock_data_dir; do_stop; cmd_start ;;
        status) local rc=0; cmd_status || rc=$?; exit "$rc" ;;
        wait) wait_ready; info "Bolt ready on 127.0.0.1:$BOLT_PORT" ;;
        -h|--help|help) usage ;;
        *) echo "neo4j.sh: unknown command '$1'" >&2; usage ;;
    esac
}

main "$@"
