#!/usr/bin/env bash
# A single Kafka broker secured as a platform team runs it: SASL_SSL (SCRAM-SHA-512 over TLS) and ACLs
# on (StandardAuthorizer), next to the plain local Kafka. The integration project
# `integration-kafka-sasl` starts and stops it; docs/kafka-security.md explains the settings.
#
#   infra/local/kafka-sasl.sh up              install Kafka on first use, create the CA, certificate and users, start, wait until ready
#   infra/local/kafka-sasl.sh down [--purge]  stop it (--purge: also delete its data, certificates and passwords)
#   infra/local/kafka-sasl.sh status          exit 0 when it runs, 3 otherwise
#   infra/local/kafka-sasl.sh env USER        the MM_KAFKA_* variables that connect as USER
#
# Users (SCRAM-SHA-512, random passwords made at the first `up`): admin (super user: creates topics and
# ACLs), processor, producer, alerter. Nobody but admin may do anything until ACLs grant it.
# Ports: SASL_SSL on MM_LOCAL_KAFKA_SASL_PORT (19192), the controller (mutual TLS) on the next one.
# Everything it makes (data, certificates, passwords, logs, pid) lives in MM_LOCAL_KAFKA_SASL_DIR
# (default .local-infra/kafka-sasl); Kafka itself is local-infra.sh's installation (same version setting).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/local-infra.sh
. "$HERE/local-infra.sh"

SASL_PORT="${MM_LOCAL_KAFKA_SASL_PORT:-19192}"
SASL_CONTROLLER_PORT=$((SASL_PORT + 1))
SASL_DIR="${MM_LOCAL_KAFKA_SASL_DIR:-$STATE_DIR/kafka-sasl}"
SASL_USERS=(admin processor producer alerter)
# The broker certificate's subject: the broker's principal on the mutual-TLS controller listener.
BROKER_DN="CN=mm-kafka-sasl-broker"
CERT_DAYS=30

say() { echo "kafka-sasl: $*"; }
die() {
  echo "kafka-sasl: error: $*" >&2
  exit 1
}

sasl_log() { echo "$SASL_DIR/kafka.log"; }
sasl_pid_file() { echo "$SASL_DIR/kafka.pid"; }
sasl_properties() { echo "$SASL_DIR/server.properties"; }

# Prints the pid of our broker, or fails (our broker: a java process reading our server.properties).
sasl_pid() {
  local pid cmd
  pid="$(cat "$(sasl_pid_file)" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$(sasl_properties)"* ]] || return 1
  echo "$pid"
}

# The password of a user (made once, kept in the state directory with mode 600).
password_of() {
  local line
  line="$(grep "^$1 " "$SASL_DIR/users" 2>/dev/null)" || die "unknown user $1 (${SASL_USERS[*]}); run: $0 up"
  echo "${line#* }"
}

make_passwords() {
  [ -s "$SASL_DIR/users" ] && return 0
  local user
  (
    umask 077
    for user in "${SASL_USERS[@]}"; do echo "$user $(openssl rand -hex 16)"; done >"$SASL_DIR/users.tmp"
  )
  mv "$SASL_DIR/users.tmp" "$SASL_DIR/users"
}

# A private CA and a broker certificate it signs (SAN localhost and 127.0.0.1), as PEM files Kafka
# reads directly (ssl.keystore.type=PEM): no keytool, no store passwords.
make_certificates() {
  local tls="$SASL_DIR/tls"
  [ -s "$tls/broker.pem" ] && return 0
  command -v openssl >/dev/null || die "openssl is needed to create the test CA (apt-get install -y openssl)"
  mkdir -p "$tls"
  (
    umask 077
    cd "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days "$CERT_DAYS" \
      -subj "/CN=Mesh Momentum local test CA" 2>/dev/null
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out broker.key 2>/dev/null
    openssl req -new -key broker.key -subj "/$BROKER_DN" -out broker.csr 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' >broker.ext
    openssl x509 -req -in broker.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$CERT_DAYS" \
      -extfile broker.ext -out broker.crt 2>/dev/null
    # Key (PKCS#8, unencrypted) then the chain, as Kafka's PEM key store expects.
    cat broker.key broker.crt ca.crt >broker.pem.tmp
    rm -f broker.csr broker.ext ca.srl
    mv broker.pem.tmp broker.pem
  ) || die "creating the test CA and broker certificate in $tls failed"
  chmod 644 "$tls/ca.crt"
}

write_properties() {
  local tls="$SASL_DIR/tls" admin_password
  admin_password="$(password_of admin)"
  (
    umask 077
    cat >"$(sasl_properties)" <<EOF
# Written by infra/local/kafka-sasl.sh: a single KRaft node, clients on SASL_SSL, controller on mutual TLS.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$SASL_CONTROLLER_PORT
listeners=SASL_SSL://127.0.0.1:$SASL_PORT,CONTROLLER://127.0.0.1:$SASL_CONTROLLER_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$SASL_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL
inter.broker.listener.name=SASL_SSL
log.dirs=$SASL_DIR/data

ssl.keystore.type=PEM
ssl.keystore.location=$tls/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$tls/ca.crt
# The controller listener admits only certificates of the CA: the broker presents its own.
listener.name.controller.ssl.client.auth=required

sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_password";

authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:$BROKER_DN
allow.everyone.if.no.acl.found=false

num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
offsets.topic.num.partitions=6
transaction.state.log.num.partitions=6
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
    # What the Java tools (the readiness check, kafka-acls.sh by hand) need to connect as admin.
    cat >"$SASL_DIR/admin.properties" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_password";
ssl.truststore.type=PEM
ssl.truststore.location=$tls/ca.crt
EOF
  )
}

# Kafka's own logging options: log4j 2 (Kafka 4) when infra/local/kafka has a log4j2 configuration
# (yaml, properties or xml), log4j 1 (Kafka 3.x) otherwise.
log_options() {
  local config
  for config in "$HERE"/kafka/log4j2.{yaml,properties,xml}; do
    if [ -f "$config" ]; then
      echo "-Dlog4j2.configurationFile=file:$config"
      return 0
    fi
  done
  echo "-Dlog4j.configuration=file:$HERE/kafka/log4j.properties"
}

# Formats the storage once, with every user's SCRAM credentials (in KRaft they live in the metadata
# log, so they are created at format time; later ones with kafka-configs.sh --alter --add-config).
format_storage() {
  [ -f "$SASL_DIR/data/meta.properties" ] && return 0
  mkdir -p "$SASL_DIR/data"
  local cluster_id user scram=()
  # The last line only: Kafka 4's logging may print a line before the id.
  cluster_id="$("$JAVA" -cp "$KAFKA_HOME/libs/*" "$(log_options)" kafka.tools.StorageTool random-uuid 2>>"$(sasl_log)" | tail -n 1)"
  [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "kafka-storage random-uuid printed no cluster id; see $(sasl_log)"
  for user in "${SASL_USERS[@]}"; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(password_of "$user")]")
  done
  "$JAVA" -cp "$KAFKA_HOME/libs/*" "$(log_options)" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$(sasl_properties)" "${scram[@]}" >>"$(sasl_log)" 2>&1 ||
    die "formatting the storage in $SASL_DIR/data failed; see $(sasl_log)"
}

sasl_ready() {
  port_open "$SASL_PORT" || return 1
  # A real request over SASL_SSL as admin: TLS, SCRAM and the authorizer all answer.
  timeout 30 "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$KAFKA_HOME/libs/*" "$(log_options)" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$SASL_PORT" \
    --command-config "$SASL_DIR/admin.properties" --list >/dev/null 2>&1
}

cmd_up() {
  local pid t0
  if pid="$(sasl_pid)"; then
    say "already running (pid $pid, port $SASL_PORT)"
    return 0
  fi
  for port in "$SASL_PORT" "$SASL_CONTROLLER_PORT"; do
    port_open "$port" && die "port $port is already in use by another process; set MM_LOCAL_KAFKA_SASL_PORT"
  done
  require_java
  install_kafka
  mkdir -p "$SASL_DIR"
  t0="$(now)"
  make_passwords
  make_certificates
  write_properties
  format_storage
  launch_as kafka-sasl "$(sasl_log)" "$(sasl_pid_file)" \
    "$JAVA" -Xms128m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true "$(log_options)" \
    -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$(sasl_properties)"
  local deadline=$(($(date +%s) + READY_TIMEOUT))
  until sasl_ready; do
    if ! sasl_pid >/dev/null; then
      tail -n 20 "$(sasl_log)" >&2
      die "the broker exited during start-up; log: $(sasl_log)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || die "not ready after $READY_TIMEOUT s (still running; stop with: $0 down); log: $(sasl_log)"
    sleep 0.5
  done
  say "ready in $(elapsed "$t0") s (pid $(sasl_pid), SASL_SSL on 127.0.0.1:$SASL_PORT, Kafka $KAFKA_VERSION)"
  echo "  connect as a user: eval \"\$($0 env producer)\""
}

cmd_down() {
  local pid
  if pid="$(sasl_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$(($(date +%s) + STOP_TIMEOUT))
    while alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
    say "stopped (pid $pid)"
  else
    say "not running"
  fi
  rm -f "$(sasl_pid_file)"
  if [ "${1:-}" = --purge ]; then
    rm -rf "${SASL_DIR:?}"
    say "deleted $SASL_DIR"
  fi
}

cmd_status() {
  local pid
  if pid="$(sasl_pid)"; then
    printf '%-13s running (pid %s, port %s)\n' kafka-sasl "$pid" "$SASL_PORT"
  else
    printf '%-13s stopped\n' kafka-sasl
    return 3
  fi
}

cmd_env() {
  local user="${1:-}"
  [[ " ${SASL_USERS[*]} " == *" $user "* ]] || die "usage: $0 env USER (${SASL_USERS[*]})"
  cat <<EOF
export MM_KAFKA_BROKERS=127.0.0.1:$SASL_PORT
export MM_KAFKA_SSL=true
export MM_KAFKA_SSL_CA_FILE=$SASL_DIR/tls/ca.crt
export MM_KAFKA_SASL_MECHANISM=scram-sha-512
export MM_KAFKA_SASL_USERNAME=$user
export MM_KAFKA_SASL_PASSWORD=$(password_of "$user")
EOF
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down "${2:-}" ;;
  status) cmd_status ;;
  env) cmd_env "${2:-}" ;;
  *)
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
