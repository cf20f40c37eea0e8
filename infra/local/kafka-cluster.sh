# shellcheck shell=bash
# A three-broker Kafka cluster (KRaft) on loopback ports, next to the single broker; sourced by
# local-infra.sh, which dispatches `kafka-cluster up|down|status` to kcluster_up / kcluster_down /
# kcluster_status. Uses the helpers of local-infra.sh (say, die, launch, alive, port_open, kafka_java, ...)
# and the same Kafka version (MM_LOCAL_KAFKA_VERSION).
#
# Shape: three brokers (node ids 1-3) and one dedicated KRaft controller (node id 100). The brokers are
# what the fault tests kill; with a separate controller, killing two brokers leaves the metadata quorum
# up, so the controller fences the dead brokers, shrinks the ISRs and moves leadership exactly as in a
# production cluster whose controllers run apart (the usual layout). Combined broker+controller nodes
# would lose the quorum with the second kill and freeze the ISRs instead. Three controllers would make
# six JVMs on a two-core machine; one controller is the price of fitting here (it is a single point of
# failure this cluster does not test).
#
# Durability: replication factor 3 for every topic (default.replication.factor) and the internal ones,
# min.insync.replicas=2, unclean leader election off: an acks=all write is on two brokers before it is
# acknowledged, and a replica that missed writes never becomes leader.
#
# Failure detection (milliseconds): a broker that stops heartbeating is fenced after
# broker.session.timeout.ms (6000), which removes it from every ISR and moves its leaderships; a follower
# that stops fetching leaves the ISR after replica.lag.time.max.ms (10000).
#
# Ports: brokers MM_LOCAL_KAFKA_CLUSTER_PORT (29092), +1, +2; the controller that port - 2 (29090).

KCLUSTER_BASE_PORT="${MM_LOCAL_KAFKA_CLUSTER_PORT:-29092}"
KCLUSTER_CONTROLLER_PORT=$((KCLUSTER_BASE_PORT - 2))
KCLUSTER_BROKERS=3
KCLUSTER_CONTROLLER_ID=100

kcluster_ids() { seq 1 "$KCLUSTER_BROKERS"; }
kcluster_port() { echo $((KCLUSTER_BASE_PORT + $1 - 1)); }
# MM_KAFKA_BROKERS for the apps and the tests.
kcluster_bootstrap() {
  local id
  for id in $(kcluster_ids); do echo "127.0.0.1:$(kcluster_port "$id")"; done | paste -sd, -
}
# Service names (pid and log files): kafka-cluster-controller, kafka-cluster-1..3.
kcluster_svc() { echo "kafka-cluster-$1"; }
kcluster_dir() { echo "$STATE_DIR/kafka-cluster/$1"; }

# Prints the pid of our node (`controller` or a broker id), or fails. Ours: the JVM whose command line
# names this node's server.properties.
kcluster_pid() {
  local file pid cmd
  file="$(pid_file "$(kcluster_svc "$1")")"
  [ -f "$file" ] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$(kcluster_dir "$1")/server.properties"* ]] || return 1
  echo "$pid"
}

# Writes the node's server.properties: `controller` or a broker id.
kcluster_properties() {
  local node="$1" dir
  dir="$(kcluster_dir "$node")"
  mkdir -p "$dir/data"
  {
    echo "# Written by infra/local/kafka-cluster.sh; edit that file instead."
    echo "controller.quorum.voters=$KCLUSTER_CONTROLLER_ID@127.0.0.1:$KCLUSTER_CONTROLLER_PORT"
    echo "controller.listener.names=CONTROLLER"
    echo "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    echo "log.dirs=$dir/data"
    if [ "$node" = controller ]; then
      echo "process.roles=controller"
      echo "node.id=$KCLUSTER_CONTROLLER_ID"
      echo "listeners=CONTROLLER://127.0.0.1:$KCLUSTER_CONTROLLER_PORT"
    else
      cat <<EOF
process.roles=broker
node.id=$node
listeners=PLAINTEXT://127.0.0.1:$(kcluster_port "$node")
advertised.listeners=PLAINTEXT://127.0.0.1:$(kcluster_port "$node")
inter.broker.listener.name=PLAINTEXT
EOF
    fi
    cat <<'EOF'
broker.session.timeout.ms=6000
broker.heartbeat.interval.ms=1000
replica.lag.time.max.ms=10000
num.partitions=1
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=6
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
  } >"$dir/server.properties"
}

# Formats the node's storage on first start, with the cluster id every node shares.
kcluster_format() {
  local node="$1" dir root="$STATE_DIR/kafka-cluster" cluster_id
  dir="$(kcluster_dir "$node")"
  kafka_check_line "$dir"
  [ -f "$dir/data/meta.properties" ] && return 0
  cluster_id="$(cat "$root/cluster-id")"
  kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
    >>"$(log_file "$(kcluster_svc "$node")")" 2>&1 ||
    die "formatting the Kafka storage in $dir/data failed; see $(log_file "$(kcluster_svc "$node")")"
  echo "$KAFKA_MAJOR" >"$dir/kafka-line"
}

kcluster_start() {
  local node="$1" heap=512m
  [ "$node" = controller ] && heap=256m
  launch "$(kcluster_svc "$node")" "$JAVA" -Xms128m "-Xmx$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true "${KAFKA_LOG_OPTS[@]}" -cp "$KAFKA_HOME/libs/*" kafka.Kafka \
    "$(kcluster_dir "$node")/server.properties"
}

# True when the broker answers a metadata request and sees every broker of the cluster registered.
kcluster_broker_ready() {
  local port="$1" count
  port_open "$port" || return 1
  count="$(timeout 30 "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$KAFKA_HOME/libs/*" \
    "${KAFKA_LOG_OPTS[@]}" org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "127.0.0.1:$port" \
    2>/dev/null | grep -c '^127.0.0.1:[0-9]* (id: [0-9]*')" || return 1
  [ "$count" -ge "$KCLUSTER_BROKERS" ]
}

# Starts the nodes that are not running (all of them on a fresh state dir; after a kill, only the dead
# ones) and waits until every broker sees the whole cluster. Idempotent: the fault tests restart a
# killed broker with it.
kcluster_up() {
  require_java
  install_kafka
  mkdir -p "$STATE_DIR/kafka-cluster"
  local node pid port t0 deadline started=() formatting=()
  t0="$(now)"
  for node in controller $(kcluster_ids); do
    if pid="$(kcluster_pid "$node")"; then continue; fi
    if [ "$node" = controller ]; then port="$KCLUSTER_CONTROLLER_PORT"; else port="$(kcluster_port "$node")"; fi
    port_open "$port" && die "port $port (kafka cluster $node) is already in use by another process; set MM_LOCAL_KAFKA_CLUSTER_PORT"
    started+=("$node")
  done
  # The cluster id first (shared by every node), then each node's storage formatted in parallel: one
  # JVM each, several seconds apiece on a small machine.
  if [ ! -s "$STATE_DIR/kafka-cluster/cluster-id" ]; then kafka_random_uuid >"$STATE_DIR/kafka-cluster/cluster-id"; fi
  for node in "${started[@]+"${started[@]}"}"; do
    kcluster_properties "$node"
    kcluster_format "$node" &
    formatting+=("$!")
  done
  for pid in "${formatting[@]+"${formatting[@]}"}"; do wait "$pid" || die "formatting a kafka cluster node failed"; done
  for node in "${started[@]+"${started[@]}"}"; do kcluster_start "$node"; done
  deadline=$(($(date +%s) + READY_TIMEOUT))
  for node in $(kcluster_ids); do
    until kcluster_broker_ready "$(kcluster_port "$node")"; do
      kcluster_pid "$node" >/dev/null || die "kafka cluster broker $node exited; log: $(log_file "$(kcluster_svc "$node")")"
      kcluster_pid controller >/dev/null || die "kafka cluster controller exited; log: $(log_file "$(kcluster_svc controller)")"
      [ "$(date +%s)" -lt "$deadline" ] || die "kafka cluster broker $node not ready after $READY_TIMEOUT s"
      sleep 0.5
    done
  done
  say "kafka cluster ready in $(elapsed "$t0") s (Kafka $KAFKA_VERSION; started: ${started[*]:-none}; brokers $(kcluster_bootstrap))"
  echo "  export MM_KAFKA_BROKERS=$(kcluster_bootstrap)"
}

kcluster_down() {
  local node pid purge="${1:-0}" deadline
  # Brokers first, so that they can still tell the controller they leave.
  for node in $(kcluster_ids) controller; do
    if pid="$(kcluster_pid "$node")"; then
      kill -TERM "$pid" 2>/dev/null || true
      deadline=$(($(date +%s) + STOP_TIMEOUT))
      while alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
      alive "$pid" && kill -KILL "$pid" 2>/dev/null
      say "kafka cluster $node stopped (pid $pid)"
    fi
    rm -f "$(pid_file "$(kcluster_svc "$node")")"
  done
  if [ "$purge" -eq 1 ]; then rm -rf "$STATE_DIR/kafka-cluster"; fi
  return 0
}

# One line per node ("kafka-cluster-<node> running (pid P, port N)"); fails when a node is down.
kcluster_status() {
  local node pid port rc=0
  for node in controller $(kcluster_ids); do
    if [ "$node" = controller ]; then port="$KCLUSTER_CONTROLLER_PORT"; else port="$(kcluster_port "$node")"; fi
    if pid="$(kcluster_pid "$node")"; then
      printf '%-24s running (pid %s, port %s)\n' "$(kcluster_svc "$node")" "$pid" "$port"
    else
      printf '%-24s stopped (port %s)\n' "$(kcluster_svc "$node")" "$port"
      rc=3
    fi
  done
  return "$rc"
}

# True when any node of ours runs (a plain `down` stops the cluster then).
kcluster_any_running() {
  local node
  for node in controller $(kcluster_ids); do kcluster_pid "$node" >/dev/null && return 0; done
  return 1
}
