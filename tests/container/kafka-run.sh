#!/bin/sh
# Starts a KRaft broker from KAFKA_* variables, as apache/kafka does: KAFKA_NODE_ID is
# node.id (underscores become dots, "__" an underscore, "___" a dash). Formats the log
# directory on first start. Logs go to stdout and to /tmp/broker.log (the health check).
set -eu
props=/tmp/server.properties
: >"$props"
env | while IFS='=' read -r name value; do
  case "$name" in KAFKA_HEAP_OPTS|KAFKA_OPTS) continue ;; KAFKA_*) ;; *) continue ;; esac
  key=$(printf '%s' "${name#KAFKA_}" | tr 'A-Z' 'a-z' | sed 's/___/-/g; s/__/@/g; s/_/./g; s/@/_/g')
  printf '%s=%s\n' "$key" "$value" >>"$props"
done
grep -q '^log\.dirs=' "$props" || echo "log.dirs=/var/lib/kafka/data" >>"$props"
log_dirs=$(sed -n 's/^log\.dirs=//p' "$props")

java_options="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m} -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties -Dherald.kafka.log=/tmp/broker.log"

if [ ! -f "${log_dirs%%,*}/meta.properties" ]; then
  # shellcheck disable=SC2086
  cluster=${CLUSTER_ID:-$(java $java_options -cp '/opt/kafka/libs/*' kafka.tools.StorageTool random-uuid)}
  # shellcheck disable=SC2086
  java $java_options -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format -t "$cluster" -c "$props"
fi
touch /tmp/broker.log
tail -F /tmp/broker.log 2>/dev/null &
# shellcheck disable=SC2086
exec java $java_options -cp '/opt/kafka/libs/*' kafka.Kafka "$props"
