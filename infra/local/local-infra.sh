#!/usr/bin/env bash
# Local infrastructure for Mesh Momentum without Docker: Kafka (KRaft, single node), Apicurio
# Registry (Confluent-compatible API), Redis and Prometheus Alertmanager, as plain processes owned by
# this script.
#
#   infra/local/local-infra.sh up [service...]               install on first use, start, wait until ready
#   infra/local/local-infra.sh down [--purge] [service...]   stop what `up` started (--purge: also delete data)
#   infra/local/local-infra.sh status                        one line per service; exit 0 if all run, 3 otherwise
#   infra/local/local-infra.sh logs [kafka|registry|redis|alertmanager] [-f]
#   infra/local/local-infra.sh redis-cluster up|down|status   the Redis Cluster alone
#   infra/local/local-infra.sh kafka-cluster up|down|status   a 3-broker Kafka cluster (kafka-cluster.sh)
#
# MM_LOCAL_REDIS_CLUSTER=1 adds a 3-master Redis Cluster (ports 17001-17003, redis-cluster.sh) to `up`
# and `status`; `down` stops it whenever it runs.
#
# State (data, logs, pid files) lives in <repo>/.local-infra/, downloads in the cache shared with
# scripts/toolchain.sh. See infra/README.md.
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
# Kafka: the 4.x line by default; MM_LOCAL_KAFKA_VERSION=3.9.1 (any 3.x or 4.x on Maven Central) runs
# another one, each cached apart. See infra/README.md, "Versions, and why".
KAFKA_VERSION="${MM_LOCAL_KAFKA_VERSION:-4.4.0}"
APICURIO_VERSION=3.0.9
JAVA_MIN_MAJOR=17

KAFKA_PORT="${MM_LOCAL_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${MM_LOCAL_KAFKA_CONTROLLER_PORT:-19093}"
REGISTRY_PORT="${MM_LOCAL_REGISTRY_PORT:-18081}"
REDIS_PORT="${MM_LOCAL_REDIS_PORT:-16379}"
# 19093 is the Kafka controller's.
ALERTMANAGER_PORT="${MM_LOCAL_ALERTMANAGER_PORT:-19094}"

# Seconds to wait for each service to become ready, and for each to stop.
READY_TIMEOUT="${MM_LOCAL_READY_TIMEOUT:-120}"
STOP_TIMEOUT="${MM_LOCAL_STOP_TIMEOUT:-30}"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/apt-install.sh
. "$HERE/../../scripts/apt-install.sh"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${MM_LOCAL_STATE_DIR:-$REPO_ROOT/.local-infra}"
CACHE_DIR="${MM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mesh-momentum}"

LOG_DIR="$STATE_DIR/logs"
RUN_DIR="$STATE_DIR/run"
KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
APICURIO_HOME="$CACHE_DIR/apicurio-registry-$APICURIO_VERSION"
APICURIO_JAR="$APICURIO_HOME/apicurio-registry-app-$APICURIO_VERSION-runner.jar"
APICURIO_URL="${MM_APICURIO_URL:-https://repo1.maven.org/maven2/io/apicurio/apicurio-registry-app/$APICURIO_VERSION/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz}"

SERVICES=(kafka registry redis alertmanager)
REDIS_CLUSTER="${MM_LOCAL_REDIS_CLUSTER:-0}"

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
say() { echo "local-infra: $*"; }
warn() { echo "local-infra: $*" >&2; }
die() {
  echo "local-infra: error: $*" >&2
  exit 1
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

port_of() {
  case "$1" in
    kafka) echo "$KAFKA_PORT" ;;
    registry) echo "$REGISTRY_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    alertmanager) echo "$ALERTMANAGER_PORT" ;;
  esac
}
pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$LOG_DIR/$1.log"; }

# A string that only our own process for the service has on its command line, so that a recycled
# pid never makes us signal someone else's process.
marker_of() {
  case "$1" in
    kafka) echo "$STATE_DIR/kafka/server.properties" ;;
    registry) echo "-Dmm.local-infra=$STATE_DIR" ;;
    redis) echo "127.0.0.1:$REDIS_PORT" ;; # redis-server renames itself "redis-server host:port"
    alertmanager) echo "--storage.path=$STATE_DIR/alertmanager/data" ;;
  esac
}

# True while the process exists and is not a zombie waiting to be reaped.
alive() {
  local state
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Prints the pid of our running process for the service, or fails.
running_pid() {
  local svc="$1" file pid
  file="$(pid_file "$svc")"
  [ -f "$file" ] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  local cmd
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  if [ "$svc" = redis ]; then
    # Before redis-server renames itself, its command line still shows our arguments.
    [[ "$cmd" == *redis-server* && ("$cmd" == *"127.0.0.1:$REDIS_PORT"* || "$cmd" == *"--port $REDIS_PORT "*) ]] || return 1
  else
    [[ "$cmd" == *"$(marker_of "$svc")"* ]] || return 1
  fi
  echo "$pid"
}

# True when something accepts TCP connections on 127.0.0.1:port.
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# Kafka 4.x logs through log4j2, the 3.x line through log4j 1.x (reload4j): pom.xml profile kafka4 or
# kafka3, and the matching configuration file.
KAFKA_MAJOR="${KAFKA_VERSION%%.*}"
[[ "$KAFKA_MAJOR" =~ ^[34]$ ]] || die "MM_LOCAL_KAFKA_VERSION=$KAFKA_VERSION: only the 3.x and 4.x lines are supported"
if [ "$KAFKA_MAJOR" -ge 4 ]; then
  KAFKA_LOG_OPTS=("-Dlog4j2.configurationFile=file:$HERE/kafka/log4j2.properties")
else
  KAFKA_LOG_OPTS=("-Dlog4j.configuration=file:$HERE/kafka/log4j.properties")
fi

# Runs a class from the Kafka jars with the local logging configuration: kafka_java [JVM option...] CLASS ARG...
kafka_java() { "$JAVA" "${KAFKA_LOG_OPTS[@]}" -cp "$KAFKA_HOME/libs/*" "$@"; }

# A new KRaft cluster id. `kafka-storage random-uuid` may print log lines before the id (Kafka 4's
# log4j2 does), so only a line that is a base64url UUID (22 characters) is taken.
kafka_random_uuid() {
  local id
  id="$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$(log_file kafka)" | grep -E '^[A-Za-z0-9_-]{22}$' | tail -n 1)"
  [ -n "$id" ] || die "kafka-storage random-uuid printed no cluster id; see $(log_file kafka)"
  echo "$id"
}

java_bin() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; else command -v java || true; fi
}

JAVA=""
require_java() {
  [ -n "$JAVA" ] && return 0
  JAVA="$(java_bin)"
  [ -n "$JAVA" ] || die "java not found: Kafka and the registry need Java $JAVA_MIN_MAJOR+ (e.g. apt-get install -y openjdk-17-jre-headless, or set JAVA_HOME)"
  local out major
  out="$("$JAVA" -version 2>&1)" || die "$JAVA does not run: $(echo "$out" | tail -n 1)"
  major="$(echo "$out" | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }')"
  [[ "$major" =~ ^[0-9]+$ ]] || die "could not read the version of $JAVA"
  [ "$major" -ge "$JAVA_MIN_MAJOR" ] || die "$JAVA is Java $major; Kafka $KAFKA_VERSION and Apicurio $APICURIO_VERSION need Java $JAVA_MIN_MAJOR+ (set JAVA_HOME)"
}

# ---------------------------------------------------------------------------------------------
# Installation (first use only; results cached in $CACHE_DIR)
# ---------------------------------------------------------------------------------------------
# Every install builds into a temporary directory next to its destination and renames it into place
# at the end, so an interrupted install never looks like a finished one.

install_kafka() {
  [ -f "$KAFKA_HOME/.complete" ] && return 0
  command -v mvn >/dev/null || die "Kafka $KAFKA_VERSION is not cached yet and Maven (mvn) is needed once to download it (apt-get install -y maven)"
  say "installing Kafka $KAFKA_VERSION from Maven Central into $KAFKA_HOME"
  mkdir -p "$CACHE_DIR"
  local tmp
  tmp="$(mktemp -d "$CACHE_DIR/.kafka-install.XXXXXX")"
  cp "$HERE/kafka/pom.xml" "$tmp/pom.xml"
  # A throw-away local repository: only the copied jars are kept, and a cold install is really cold.
  if ! timeout 900 mvn -q -B -f "$tmp/pom.xml" -Dmaven.repo.local="$tmp/m2" \
    -Dkafka.version="$KAFKA_VERSION" -P "kafka$KAFKA_MAJOR" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/libs" >"$tmp/mvn.log" 2>&1; then
    warn "$(tail -n 20 "$tmp/mvn.log")"
    rm -rf "$tmp"
    die "could not download Kafka $KAFKA_VERSION with Maven (see the output above)"
  fi
  [ -f "$tmp/libs/kafka_2.13-$KAFKA_VERSION.jar" ] || {
    rm -rf "$tmp"
    die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing"
  }
  rm -rf "$tmp/mvn.log" "$tmp/pom.xml" "$tmp/m2"
  touch "$tmp/.complete"
  rm -rf "$KAFKA_HOME"
  mv "$tmp" "$KAFKA_HOME"
}

install_apicurio() {
  [ -f "$APICURIO_HOME/.complete" ] && return 0
  command -v curl >/dev/null || die "curl is needed once to download Apicurio Registry"
  say "installing Apicurio Registry $APICURIO_VERSION (~110 MB) into $APICURIO_HOME"
  mkdir -p "$CACHE_DIR"
  local tmp archive want got
  tmp="$(mktemp -d "$CACHE_DIR/.apicurio-install.XXXXXX")"
  archive="$tmp/apicurio.tar.gz"
  if ! curl --fail --silent --show-error --location --retry 3 --retry-delay 2 --connect-timeout 20 \
    --max-time 900 -o "$archive" "$APICURIO_URL"; then
    rm -rf "$tmp"
    die "could not download $APICURIO_URL"
  fi
  # Maven Central publishes a SHA-1 next to every file: check the archive is complete and intact.
  if want="$(curl --fail --silent --location --retry 3 --connect-timeout 20 --max-time 60 "$APICURIO_URL.sha1")"; then
    want="${want%% *}"
    got="$(sha1sum "$archive" | cut -d' ' -f1)"
    if [ "$want" != "$got" ]; then
      rm -rf "$tmp"
      die "checksum mismatch for $APICURIO_URL (expected $want, got $got)"
    fi
  else
    warn "no checksum published for $APICURIO_URL; skipping verification"
  fi
  mkdir -p "$tmp/x"
  tar -xzf "$archive" -C "$tmp/x"
  rm -f "$archive"
  local jar
  jar="$(find "$tmp/x" -maxdepth 3 -name "apicurio-registry-app-$APICURIO_VERSION-runner.jar" | head -n 1)"
  [ -n "$jar" ] || {
    rm -rf "$tmp"
    die "the Apicurio archive did not contain apicurio-registry-app-$APICURIO_VERSION-runner.jar"
  }
  local dir
  dir="$(dirname "$jar")"
  touch "$dir/.complete"
  rm -rf "$APICURIO_HOME"
  mv "$dir" "$APICURIO_HOME"
  rm -rf "$tmp"
}

install_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing redis-server with apt-get"
    apt_install redis-server >"$LOG_DIR/redis-install.log" 2>&1 || die "apt-get install redis-server failed; see $LOG_DIR/redis-install.log"
    # The Debian package may start its own system instance on 6379; ours is separate and unaffected.
  else
    die "redis-server not found: install Redis 7 (sudo apt-get install -y redis-server, or brew install redis)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Alertmanager (Debian's prometheus-alertmanager): where the alerter's alerts can be seen and routed
# ---------------------------------------------------------------------------------------------
install_alertmanager() {
  command -v prometheus-alertmanager >/dev/null && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing prometheus-alertmanager with apt-get"
    apt_install prometheus-alertmanager >"$LOG_DIR/alertmanager-install.log" 2>&1 ||
      die "apt-get install prometheus-alertmanager failed; see $LOG_DIR/alertmanager-install.log"
    # The package's own system service (port 9093), if it starts at all, is separate from ours.
  else
    die "prometheus-alertmanager not found: install it (sudo apt-get install -y prometheus-alertmanager)"
  fi
}

start_alertmanager() {
  local data="$STATE_DIR/alertmanager/data"
  mkdir -p "$data"
  # Loopback only; the cluster (gossip) listener is off: one local instance needs no peers and must
  # not take port 9094 from anyone.
  launch alertmanager prometheus-alertmanager --config.file="$HERE/alertmanager.yml" \
    "$(marker_of alertmanager)" --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" \
    --cluster.listen-address= --log.level=info
}

ready_alertmanager() {
  curl -sf --max-time 3 "http://127.0.0.1:$ALERTMANAGER_PORT/-/ready" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------------
# Starting
# ---------------------------------------------------------------------------------------------
# Launches "$@" detached (own session, no terminal), logging to the service's log file, and records
# its pid.
launch() {
  local svc="$1"
  shift
  launch_as "$svc" "$(log_file "$svc")" "$(pid_file "$svc")" "$@"
}

# launch_as NAME LOG PID_FILE COMMAND...: launch with the log and pid file given (kafka-sasl.sh keeps
# them in its own directory). `exec` keeps the pid that was written. Returns only once the pid file
# holds the new pid (a stale one, from a process that died, is removed first): until then a "has it
# exited?" check would read no pid and wrongly answer yes, and status/down could race with the start.
launch_as() {
  local name="$1" log="$2" pid_file="$3"
  shift 3
  rm -f "$pid_file"
  printf '\n===== %s: starting %s =====\n' "$(date -Is)" "$name" >>"$log"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$@" >>"$log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 50); do
    [ -s "$pid_file" ] && return 0
    sleep 0.1
  done
  die "$name did not start (no pid file after 5 s); see $log"
}

start_kafka() {
  local dir="$STATE_DIR/kafka" cluster_id
  mkdir -p "$dir/data"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$dir/data|g" "$HERE/kafka/server.properties" >"$dir/server.properties"
  kafka_check_line "$dir"
  if [ ! -f "$dir/data/meta.properties" ]; then
    if [ -s "$dir/cluster-id" ]; then
      cluster_id="$(cat "$dir/cluster-id")"
    else
      cluster_id="$(kafka_random_uuid)"
      echo "$cluster_id" >"$dir/cluster-id"
    fi
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" >>"$(log_file kafka)" 2>&1 ||
      die "formatting the Kafka storage in $dir/data failed; see $(log_file kafka)"
    echo "$KAFKA_MAJOR" >"$dir/kafka-line"
  fi
  launch kafka "$JAVA" -Xms256m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    "${KAFKA_LOG_OPTS[@]}" -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$dir/server.properties"
}

# Data written by Kafka 4 cannot be read by 3.x (its metadata version is newer), and a switch of line
# is easy to make by accident with MM_LOCAL_KAFKA_VERSION: refuse with the way out instead of a
# broker that dies at start. (3.x data is upgraded by 4.x in place, which is allowed.)
kafka_check_line() {
  local dir="$1" line
  [ -f "$dir/data/meta.properties" ] || return 0
  line="$(cat "$dir/kafka-line" 2>/dev/null || echo 3)"
  if [ "$line" -gt "$KAFKA_MAJOR" ]; then
    die "the Kafka data in $dir/data was written by Kafka $line.x and Kafka $KAFKA_VERSION cannot read it; delete it with: $0 down --purge kafka (or use another MM_LOCAL_STATE_DIR)"
  fi
  echo "$KAFKA_MAJOR" >"$dir/kafka-line"
}

start_registry() {
  local data="$STATE_DIR/registry/data"
  mkdir -p "$data"
  # Storage: the default is an in-memory H2 database, which would forget every schema id on restart
  # while Kafka keeps the records that reference them. A file-based H2 database survives restarts.
  # ccompat: ids returned by the Confluent-compatible API are content ids (legacy-id-mode off, the
  # default): one id per distinct schema, shared across subjects, like Confluent's schema ids.
  # Deletion is enabled so that subjects can be deleted as in Confluent's registry.
  launch registry "$JAVA" -Xms64m -Xmx512m -XX:+UseSerialGC -Djava.awt.headless=true \
    "$(marker_of registry)" \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.http.access-log.enabled=false \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -Dapicurio.datasource.url="jdbc:h2:file:$data/registry;DB_CLOSE_ON_EXIT=FALSE" \
    -Dapicurio.datasource.jdbc.initial-size=2 -Dapicurio.datasource.jdbc.min-size=2 \
    -Dapicurio.datasource.jdbc.max-size=20 \
    -Dapicurio.ccompat.legacy-id-mode.enabled=false -Dapicurio.ccompat.use-canonical-hash=true \
    -Dapicurio.rest.deletion.group.enabled=true -Dapicurio.rest.deletion.artifact.enabled=true \
    -Dapicurio.rest.deletion.artifact-version.enabled=true \
    -jar "$APICURIO_JAR"
}

start_redis() {
  local data="$STATE_DIR/redis/data"
  mkdir -p "$data"
  launch redis redis-server "$HERE/redis.conf" --port "$REDIS_PORT" --dir "$data"
}

# ---------------------------------------------------------------------------------------------
# Readiness
# ---------------------------------------------------------------------------------------------
ready_kafka() {
  port_open "$KAFKA_PORT" || return 1
  # A real request: list topics through the admin client (metadata from an unfenced broker).
  timeout 30 "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$KAFKA_HOME/libs/*" \
    "${KAFKA_LOG_OPTS[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list >/dev/null 2>&1
}
ready_registry() {
  curl -sf --max-time 3 "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects" >/dev/null 2>&1
}
ready_redis() {
  [ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

# shellcheck source=infra/local/redis-cluster.sh
. "$HERE/redis-cluster.sh"
# shellcheck source=infra/local/kafka-cluster.sh
. "$HERE/kafka-cluster.sh"

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
# Prints the services named in "$@" (all when none), refusing unknown names.
selected_services() {
  [ $# -gt 0 ] || set -- "${SERVICES[@]}"
  local svc
  for svc in "$@"; do
    [[ " ${SERVICES[*]} " == *" $svc "* ]] || die "unknown service: $svc (${SERVICES[*]})"
    echo "$svc"
  done
}

cmd_up() {
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  local selected
  mapfile -t selected < <(selected_services "$@")
  if [[ " ${selected[*]} " == *" kafka "* || " ${selected[*]} " == *" registry "* ]]; then require_java; fi

  # 1. Which services need starting? Refuse early if a port is taken by a process that is not ours.
  local svc pid port to_start=()
  for svc in "${selected[@]}"; do
    if pid="$(running_pid "$svc")"; then
      say "$svc already running (pid $pid, port $(port_of "$svc"))"
      continue
    fi
    port="$(port_of "$svc")"
    if port_open "$port"; then
      die "port $port (needed by $svc) is already in use by another process; stop it (ss -ltnp 'sport = :$port') or set MM_LOCAL_$(echo "$svc" | tr '[:lower:]' '[:upper:]')_PORT"
    fi
    if [ "$svc" = kafka ] && port_open "$KAFKA_CONTROLLER_PORT"; then
      die "port $KAFKA_CONTROLLER_PORT (Kafka controller) is already in use by another process; stop it (ss -ltnp 'sport = :$KAFKA_CONTROLLER_PORT') or set MM_LOCAL_KAFKA_CONTROLLER_PORT"
    fi
    to_start+=("$svc")
  done

  if [ "${#to_start[@]}" -gt 0 ]; then
    # 2. Install what is missing; the two downloads run in parallel.
    local t0 jobs=() names=() i failed=0
    t0="$(now)"
    for svc in "${to_start[@]}"; do
      case "$svc" in
        kafka) install_kafka & ;;
        registry) install_apicurio & ;;
        redis) install_redis & ;;
        alertmanager) install_alertmanager & ;;
      esac
      jobs+=("$!")
      names+=("$svc")
    done
    for i in "${!jobs[@]}"; do
      wait "${jobs[$i]}" || {
        warn "installing ${names[$i]} failed"
        failed=1
      }
    done
    [ "$failed" -eq 0 ] || exit 1
    local install_secs
    install_secs="$(elapsed "$t0")"

    # 3. Start them all, then wait for each to be ready.
    declare -A started_at=()
    for svc in "${to_start[@]}"; do
      started_at[$svc]="$(now)"
      "start_$svc"
    done

    local pending=("${to_start[@]}") deadline next
    deadline=$(($(date +%s) + READY_TIMEOUT))
    while [ "${#pending[@]}" -gt 0 ]; do
      next=()
      # Cheap checks first, so that the slower Kafka check does not inflate the others' times.
      for svc in $(printf '%s\n' "${pending[@]}" | sort -r); do
        if ! running_pid "$svc" >/dev/null; then
          rm -f "$(pid_file "$svc")"
          warn "$(tail -n 15 "$(log_file "$svc")")"
          die "$svc exited during start-up (services already started keep running; stop them with: $0 down); log: $(log_file "$svc")"
        fi
        if "ready_$svc"; then
          say "$svc ready in $(elapsed "${started_at[$svc]}") s (pid $(running_pid "$svc"), port $(port_of "$svc"))"
        else
          next+=("$svc")
        fi
      done
      pending=("${next[@]+"${next[@]}"}")
      [ "${#pending[@]}" -eq 0 ] && break
      if [ "$(date +%s)" -ge "$deadline" ]; then
        die "${pending[*]} not ready after ${READY_TIMEOUT} s (still running; stop with: $0 down); log: $(log_file "${pending[0]}")"
      fi
      sleep 0.5
    done
    say "all services ready (installation check took $install_secs s)"
  fi
  # Named services (`up alertmanager`) start alone; the cluster comes with a plain `up` only.
  if [ "$REDIS_CLUSTER" = 1 ] && [ $# -eq 0 ]; then cluster_up; fi

  cat <<EOF

Point the apps at it (these are also the defaults):
  export MM_KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
  export MM_SCHEMA_REGISTRY_URL=http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7
  export MM_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
and, for the alerter to post to this Alertmanager (by default it posts to none):
  export MM_ALERTER_ALERTMANAGER_URL=http://127.0.0.1:$ALERTMANAGER_PORT
EOF
}

# Sends SIGTERM to our process for each service, waits up to STOP_TIMEOUT, then SIGKILL.
cmd_down() {
  local purge=0 arg names=()
  for arg in "$@"; do
    case "$arg" in
      --purge) purge=1 ;;
      -*) die "unknown option for down: $arg (only --purge)" ;;
      *) names+=("$arg") ;;
    esac
  done
  local selected
  mapfile -t selected < <(selected_services "${names[@]+"${names[@]}"}")
  local svc pid stopping=() pids=()
  for svc in "${selected[@]}"; do
    if pid="$(running_pid "$svc")"; then
      kill -TERM "$pid" 2>/dev/null || true
      stopping+=("$svc")
      pids+=("$pid")
    else
      [ -f "$(pid_file "$svc")" ] && rm -f "$(pid_file "$svc")"
      say "$svc not running"
    fi
  done
  local i t0 deadline
  t0="$(now)"
  deadline=$(($(date +%s) + STOP_TIMEOUT))
  for i in "${!stopping[@]}"; do
    svc="${stopping[$i]}"
    pid="${pids[$i]}"
    while alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
    if alive "$pid"; then
      warn "$svc (pid $pid) still running after ${STOP_TIMEOUT} s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
    rm -f "$(pid_file "$svc")"
    say "$svc stopped (pid $pid) after $(elapsed "$t0") s"
  done
  if [ "${#names[@]}" -eq 0 ]; then
    cluster_down "$purge"
    kcluster_down "$purge"
  fi
  if [ "$purge" -eq 1 ]; then
    for svc in "${selected[@]}"; do rm -rf "${STATE_DIR:?}/$svc"; done
    say "deleted data in $STATE_DIR (logs kept in $LOG_DIR)"
  fi
}

cmd_status() {
  local svc pid all=0
  for svc in "${SERVICES[@]}"; do
    if pid="$(running_pid "$svc")"; then
      printf '%-13s running (pid %s, port %s)\n' "$svc" "$pid" "$(port_of "$svc")"
    else
      printf '%-13s stopped\n' "$svc"
      all=3
    fi
  done
  # The cluster counts only when asked for; otherwise it is shown if it runs.
  if [ "$REDIS_CLUSTER" = 1 ]; then
    cluster_status || all=3
  elif cluster_any_running; then
    cluster_status || true
  fi
  if kcluster_any_running; then kcluster_status || true; fi
  return "$all"
}

cmd_logs() {
  local follow=0 svcs=() arg
  for arg in "$@"; do
    case "$arg" in
      -f | --follow) follow=1 ;;
      kafka | registry | redis | alertmanager) svcs+=("$arg") ;;
      *) die "unknown service for logs: $arg (kafka, registry, redis or alertmanager; -f to follow)" ;;
    esac
  done
  [ "${#svcs[@]}" -gt 0 ] || svcs=("${SERVICES[@]}")
  local files=()
  for arg in "${svcs[@]}"; do
    if [ -f "$(log_file "$arg")" ]; then files+=("$(log_file "$arg")"); else warn "no log yet for $arg"; fi
  done
  [ "${#files[@]}" -gt 0 ] || return 0
  if [ "$follow" -eq 1 ]; then exec tail -n 50 -F "${files[@]}"; else tail -n 100 "${files[@]}"; fi
}

cmd_redis_cluster() {
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  case "${1:-}" in
    up) cluster_up ;;
    down) cluster_down "$([ "${2:-}" = --purge ] && echo 1 || echo 0)" ;;
    status) cluster_status ;;
    *) die "usage: $0 redis-cluster up|down [--purge]|status" ;;
  esac
}

cmd_kafka_cluster() {
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  case "${1:-}" in
    up) kcluster_up ;;
    down) kcluster_down "$([ "${2:-}" = --purge ] && echo 1 || echo 0)" ;;
    status) kcluster_status ;;
    *) die "usage: $0 kafka-cluster up|down [--purge]|status" ;;
  esac
}

usage() {
  # The comment block at the top of this file, up to its first non-comment line.
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
}

main() {
  local cmd="${1:-}"
  [ $# -gt 0 ] && shift
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    logs) cmd_logs "$@" ;;
    redis-cluster) cmd_redis_cluster "$@" ;;
    kafka-cluster) cmd_kafka_cluster "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

# Sourced (infra/local/kafka-sasl.sh reuses the settings, installs and helpers above): define only.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
