#!/usr/bin/env bash
# A single-node Apache Kafka 4.x broker (KRaft, broker+controller in one JVM) on
# free loopback ports, for herald's integration and fault tests.
#
#   scripts/kafka-local.sh fetch          resolve the broker jars with Maven (cached in ~/.m2)
#   scripts/kafka-local.sh start [DIR]    format storage, start, wait until it answers;
#                                         prints the bootstrap address, also in DIR/bootstrap;
#                                         a SASL_PLAINTEXT listener (mechanism PLAIN, user herald,
#                                         password herald-secret) at the address in DIR/sasl_bootstrap
#   scripts/kafka-local.sh stop  [DIR]    stop it cleanly (SIGTERM, then SIGKILL after 30 s)
#   scripts/kafka-local.sh kill  [DIR]    SIGKILL, for fault tests
#   scripts/kafka-local.sh restart [DIR]  start again on the same ports and data (fault tests)
#   scripts/kafka-local.sh status [DIR]   exit 0 when it answers
#
# DIR defaults to $HERALD_KAFKA_DIR, else build/kafka. Logs go to DIR/broker.log.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pom="$here/deploy/kafka/pom.xml"
cmd=${1:-}
dir=${2:-${HERALD_KAFKA_DIR:-$here/build/kafka}}
libs="$here/build/kafka-libs"
heap=${HERALD_KAFKA_HEAP:-512m}

die() { echo "kafka-local: $*" >&2; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 30000))
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  die "no free loopback port found"
}

fetch() {
  command -v mvn >/dev/null || die "mvn not found: install maven and a Java 17 JDK"
  command -v java >/dev/null || die "java not found: install a Java 17 JDK"
  local stamp="$libs/.pom-$(sha1sum "$pom" | cut -c1-12)"
  [ -f "$stamp" ] && return 0
  rm -rf "$libs"; mkdir -p "$libs"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$libs" >"$libs/.mvn.log" 2>&1 \
    || { cat "$libs/.mvn.log" >&2; die "maven could not fetch the Kafka jars"; }
  touch "$stamp"
}

java_cmd() {
  printf '%s\0' java -Xms128m -Xmx"$heap" -XX:+UseG1GC -Djava.awt.headless=true \
       -Dlog4j2.configurationFile="$here/deploy/kafka/log4j2.properties" \
       -Dherald.kafka.log="$dir/broker.log" -cp "$libs/*" "$@"
}

java_run() { local args; mapfile -d '' args < <(java_cmd "$@"); "${args[@]}"; }

answers() { [ -f "$dir/port" ] && ! port_free "$(cat "$dir/port")"; }

launch() {
  local port; port=$(cat "$dir/port")
  local args; mapfile -d '' args < <(java_cmd kafka.Kafka "$dir/server.properties")
  # Its own session, so that the test runner's process group signals do not reach it.
  setsid "${args[@]}" </dev/null >>"$dir/stdout.log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 240); do
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      tail -n 40 "$dir/stdout.log" "$dir/broker.log" >&2 || true
      die "the broker exited during start-up (logs above, full ones in $dir)"
    fi
    # The port opens before the broker has finished start-up; the log line says when it serves.
    if answers && grep -q "Kafka Server started" "$dir/broker.log" 2>/dev/null; then
      echo "127.0.0.1:$port"; return 0
    fi
    sleep 0.5
  done
  die "the broker did not answer within 120 s (logs in $dir)"
}

start() {
  fetch
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    die "a broker is already running from $dir (pid $(cat "$dir/pid"))"
  fi
  rm -rf "$dir"; mkdir -p "$dir/data"
  local port cport sport
  port=$(pick_port); cport=$(pick_port); sport=$(pick_port)
  [ "$port" != "$cport" ] || cport=$(pick_port)
  while [ "$sport" = "$port" ] || [ "$sport" = "$cport" ]; do sport=$(pick_port); done
  echo "$port" >"$dir/port"
  echo "127.0.0.1:$sport" >"$dir/sasl_bootstrap"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport,SASL_PLAINTEXT://127.0.0.1:$sport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,SASL_PLAINTEXT://127.0.0.1:$sport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_herald="herald-secret";
log.dirs=$dir/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=9223372036854775807
EOF
  local cluster
  cluster=$(java_run kafka.tools.StorageTool random-uuid 2>>"$dir/stdout.log")
  java_run kafka.tools.StorageTool format -t "$cluster" -c "$dir/server.properties" \
    >>"$dir/stdout.log" 2>&1 || { cat "$dir/stdout.log" >&2; die "storage format failed"; }
  launch | tee "$dir/bootstrap"
}

restart() {
  [ -f "$dir/server.properties" ] || die "no broker was started from $dir"
  port_free "$(cat "$dir/port")" || die "port $(cat "$dir/port") is still taken"
  launch >/dev/null
  cat "$dir/bootstrap"
}

signal_and_wait() {
  local sig=$1 pid
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  kill -"$sig" "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL "$pid" 2>/dev/null || true
}

case "$cmd" in
  fetch) fetch ;;
  start) start ;;
  restart) restart ;;
  stop) signal_and_wait TERM ;;
  kill) signal_and_wait KILL ;;
  status) answers ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
