# shellcheck shell=bash
# A 3-master Redis Cluster on loopback ports, next to the single Redis; sourced by local-infra.sh, which
# calls cluster_up / cluster_down / cluster_status (MM_LOCAL_REDIS_CLUSTER=1 for `up`). Uses the
# helpers of local-infra.sh (say, die, launch, alive, port_open, elapsed, now, ...).
#
# Settings: the single Redis's (redis.conf: noeviction, AOF) plus cluster mode and, unlike it,
# `appendfsync always`. In a cluster the partition progress ({mesh} slot) and a domain's state live on
# different masters: a master that came back from its AOF without its last second of acknowledged
# writes could not be repaired by replaying from the progress another master kept (docs/redis-contract.md,
# "Redis Cluster"). With `always`, a write is on disk before its reply, so SIGKILL loses nothing acknowledged.

# First port; the masters listen on BASE, BASE+1, BASE+2 (cluster bus: port + 10000).
CLUSTER_BASE_PORT="${MM_LOCAL_REDIS_CLUSTER_PORT:-17001}"
CLUSTER_SIZE=3

cluster_ports() {
  local i
  for i in $(seq 0 $((CLUSTER_SIZE - 1))); do echo $((CLUSTER_BASE_PORT + i)); done
}
# MM_REDIS_CLUSTER_NODES for the apps and the tests.
cluster_nodes() { cluster_ports | sed 's/^/127.0.0.1:/' | paste -sd, -; }
cluster_svc() { echo "redis-cluster-$1"; }
cluster_dir() { echo "$STATE_DIR/redis-cluster/$1"; }

# Prints the pid of our cluster node on the port, or fails (our node: redis-server with that port).
cluster_pid() {
  local file pid cmd
  file="$(pid_file "$(cluster_svc "$1")")"
  [ -f "$file" ] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *redis-server* && ("$cmd" == *"127.0.0.1:$1"* || "$cmd" == *"--port $1 "*) ]] || return 1
  echo "$pid"
}

cluster_cli() { timeout 5 redis-cli -h 127.0.0.1 -p "$1" "${@:2}" 2>/dev/null; }
cluster_state_ok() { cluster_cli "$CLUSTER_BASE_PORT" cluster info | grep -q '^cluster_state:ok'; }

cluster_up() {
  install_redis
  local port pid t0 deadline fresh=0
  t0="$(now)"
  for port in $(cluster_ports); do
    if pid="$(cluster_pid "$port")"; then
      say "redis cluster node $port already running (pid $pid)"
      continue
    fi
    port_open "$port" && die "port $port (redis cluster) is already in use by another process; set MM_LOCAL_REDIS_CLUSTER_PORT"
    mkdir -p "$(cluster_dir "$port")"
    # --cluster-node-timeout 2000: a killed master is noticed within 2 s; full coverage off: the
    # other masters keep serving their slots while one is down.
    launch "$(cluster_svc "$port")" redis-server "$HERE/redis.conf" --port "$port" \
      --dir "$(cluster_dir "$port")" --appendfsync always --cluster-enabled yes \
      --cluster-config-file nodes.conf --cluster-node-timeout 2000 --cluster-require-full-coverage no
  done
  deadline=$(($(date +%s) + READY_TIMEOUT))
  for port in $(cluster_ports); do
    until [ "$(cluster_cli "$port" ping)" = PONG ]; do
      cluster_pid "$port" >/dev/null || die "redis cluster node $port exited; log: $(log_file "$(cluster_svc "$port")")"
      [ "$(date +%s)" -lt "$deadline" ] || die "redis cluster node $port not answering after $READY_TIMEOUT s"
      sleep 0.2
    done
  done
  # Slots are assigned once; the nodes remember the cluster in nodes.conf across restarts.
  if [ "$(cluster_cli "$CLUSTER_BASE_PORT" cluster info | grep -c '^cluster_slots_assigned:16384')" -eq 0 ]; then
    fresh=1
    # shellcheck disable=SC2046 # one argument per node
    redis-cli --cluster create $(cluster_ports | sed 's/^/127.0.0.1:/') --cluster-replicas 0 --cluster-yes \
      >>"$(log_file redis-cluster)" 2>&1 || die "redis-cli --cluster create failed; see $(log_file redis-cluster)"
  fi
  until cluster_state_ok; do
    [ "$(date +%s)" -lt "$deadline" ] || die "redis cluster not ok after $READY_TIMEOUT s; see $(log_file redis-cluster)"
    sleep 0.2
  done
  say "redis cluster ready in $(elapsed "$t0") s ($([ "$fresh" -eq 1 ] && echo created || echo existing), nodes $(cluster_nodes))"
  echo "  export MM_REDIS_CLUSTER_NODES=$(cluster_nodes)"
}

cluster_down() {
  local port pid purge="${1:-0}"
  for port in $(cluster_ports); do
    if pid="$(cluster_pid "$port")"; then
      kill -TERM "$pid" 2>/dev/null || true
      local deadline=$(($(date +%s) + STOP_TIMEOUT))
      while alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
      alive "$pid" && kill -KILL "$pid" 2>/dev/null
      say "redis cluster node $port stopped (pid $pid)"
    fi
    rm -f "$(pid_file "$(cluster_svc "$port")")"
  done
  if [ "$purge" -eq 1 ]; then rm -rf "$STATE_DIR/redis-cluster"; fi
  return 0
}

# One line per node; fails when a node is down or the cluster is not ok.
cluster_status() {
  local port pid rc=0
  for port in $(cluster_ports); do
    if pid="$(cluster_pid "$port")"; then
      printf '%-9s running (pid %s, port %s)\n' "redis-cluster" "$pid" "$port"
    else
      printf '%-9s stopped (port %s)\n' "redis-cluster" "$port"
      rc=3
    fi
  done
  [ "$rc" -eq 0 ] && ! cluster_state_ok && {
    echo "redis-cluster state not ok"
    rc=3
  }
  return "$rc"
}

# True when any node of ours runs (status and down include the cluster then, whatever the variable).
cluster_any_running() {
  local port
  for port in $(cluster_ports); do cluster_pid "$port" >/dev/null && return 0; done
  return 1
}
