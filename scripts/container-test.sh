#!/usr/bin/env bash
# herald's container image and compose file, proven with podman: no Docker engine and
# no registry needed (the suite's ctest label "container" runs both commands).
#
#   scripts/container-test.sh image KAFKA_DIR   build deploy/Dockerfile and check the image:
#       slim (<= 150 MB), non-root, `--version`, `config check` of the file it carries,
#       `demo` to the end, and `process` against the broker of scripts/kafka-local.sh in
#       KAFKA_DIR: over SASL with the password from a mounted secret file, probes and
#       metrics answering, records flowing, JSON logs, PID 1 stopping cleanly on SIGTERM
#   scripts/container-test.sh compose           deploy/docker-compose.yml up (the broker and
#       PostgreSQL built locally: tests/container/compose.test.yml); the samples produced
#       through it end up in the store's database and reach the alerter
#   scripts/container-test.sh base              only make the base image the Dockerfile's FROM names
#
# The base image is pulled where a registry answers, else made with debootstrap from the
# configured Debian mirror (about 30 s; the root filesystem is cached in ~/.cache/herald).
# Exits 77, which ctest reports as skipped, when podman cannot run containers here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
state=${HERALD_CONTAINER_DIR:-$repo/build/container}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/herald
version=$(sed -n 's/^project(herald VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
image=herald/herald:$version
max_image_mb=150
run_id=herald-ctest-$$

say() { echo "container-test: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }
skip() { say "SKIPPED: $*"; exit 77; }

# podman, its runtime and debootstrap from Debian's packages; the settings this VM needs
# (the runc runtime, ulimits within the hard limits) in a containers.conf of our own.
setup_podman() {
  scripts/install-deps.sh --container || skip "could not install podman (scripts/install-deps.sh --container)"
  mkdir -p "$state"
  # podman's own defaults (1048576 files) exceed a VM's hard limits and runc then fails;
  # on this VM runc also refused process limits above 32768 that were within the hard limit.
  local files=$(ulimit -Hn) processes=$(ulimit -Hu)
  [ "$files" = unlimited ] || [ "$files" -gt 65536 ] && files=65536
  [ "$processes" = unlimited ] || [ "$processes" -gt 32768 ] && processes=32768
  cat >"$state/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$files:$files", "nproc=$processes:$processes"]
[engine]
runtime = "runc"
[network]
network_backend = "netavark"
EOF
  export CONTAINERS_CONF=$state/containers.conf
  podman info >"$state/podman-info.log" 2>&1 || skip "podman cannot start here: $(tail -n 1 "$state/podman-info.log")"
}

# The image named by the Dockerfile's FROM, e.g. docker.io/library/debian:bookworm-slim.
base_image() {
  local from; from=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' deploy/Dockerfile | sort -u)
  [ "$(wc -l <<<"$from")" = 1 ] || die "deploy/Dockerfile names several base images: $from"
  case "$from" in */*/*) echo "$from" ;; */*) echo "docker.io/$from" ;; *) echo "docker.io/library/$from" ;; esac
}

# A minimal Debian root filesystem slimmed as Debian's -slim images are: no manuals,
# locales or package lists, and dpkg told to leave them out of later installs.
debootstrap_rootfs() {
  local suite=$1 tarball=$2 root="$state/rootfs"
  say "no registry: making $suite with debootstrap"
  rm -rf "$root"
  local mirror; mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  debootstrap --variant=minbase "$suite" "$root" "${mirror:-http://deb.debian.org/debian}" >"$state/debootstrap.log" 2>&1 \
    || skip "debootstrap could not reach a Debian mirror ($(tail -n 1 "$state/debootstrap.log"))"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/usr/share/{man,locale,info}/*
  find "$root/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true
  printf 'path-exclude /usr/share/%s/*\n' doc man groff info locale lintian >"$root/etc/dpkg/dpkg.cfg.d/slim"
  echo 'path-include /usr/share/doc/*/copyright' >>"$root/etc/dpkg/dpkg.cfg.d/slim"
  mkdir -p "$(dirname "$tarball")"
  tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$root"
}

ensure_base_image() {
  local name; name=$(base_image)
  podman image exists "$name" && return 0
  timeout 120 podman pull -q "$name" >/dev/null 2>&1 && return 0
  local tag=${name##*:} suite=${name##*:}; suite=${suite%%-*}
  local tarball="$cache/debian-$tag.tar"
  [ -f "$tarball" ] || debootstrap_rootfs "$suite" "$tarball"
  podman import -q "$tarball" "$name" >/dev/null || die "podman import of $tarball failed"
}

build_herald_image() {
  ensure_base_image
  say "building $image from deploy/Dockerfile"
  podman build --pull=never --network host -f deploy/Dockerfile -t "$image" . >"$state/build.log" 2>&1 \
    || { tail -n 40 "$state/build.log" >&2; die "podman build of deploy/Dockerfile failed (log: $state/build.log)"; }
  local bytes; bytes=$(podman image inspect -f '{{.Size}}' "$image")
  local mb=$((bytes / 1000000))
  say "image $image: $mb MB"
  [ "$mb" -le "$max_image_mb" ] || die "the image is $mb MB, more than $max_image_mb MB"
}

# Polls a command until it succeeds, for at most $1 seconds.
wait_for() {
  local seconds=$1; shift
  for _ in $(seq 1 $((seconds * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The value of a metric with the given name and stage label, from a /metrics page on stdin.
metric() { awk -v name="$1" -v stage="$2" '$1 ~ "^"name"\\{" && $1 ~ "stage=\""stage"\"" {print $2}' | head -n 1; }

check_image_basics() {
  [ "$(podman image inspect -f '{{.Config.User}}' "$image")" = herald ] || die "the image does not run as the herald user"
  [ "$(podman run --rm --entrypoint id "$image" -u)" != 0 ] || die "the image runs as root"
  local printed; printed=$(podman run --rm "$image" --version)
  [ "$printed" = "$version" ] || die "herald --version printed '$printed', not $version"
  podman run --rm "$image" config check /etc/herald/herald.yaml >/dev/null || die "the image's config file fails its check"
  podman run --rm "$image" demo >"$state/demo.log" 2>&1 || { tail -n 20 "$state/demo.log" >&2; die "herald demo failed"; }
  grep -q "Stored [1-9][0-9]* event records" "$state/demo.log" || die "herald demo stored no events (log: $state/demo.log)"
  say "non-root, --version $printed, config check and demo: ok"
}

# `herald process` as PID 1 on the host's network against the suite's broker, configured
# as in a cluster: the image's config file, overrides and the SASL password from files
# and the environment.
check_daemon() {
  local kafka_dir=$1 port
  [ -f "$kafka_dir/bootstrap" ] || die "no broker in $kafka_dir (scripts/kafka-local.sh start $kafka_dir)"
  for port in $(seq 29641 29700); do port_free "$port" && break; done
  mkdir -p "$state/secrets" && printf 'herald-secret\n' >"$state/secrets/kafka-password"
  chmod 0755 "$state/secrets" && chmod 0644 "$state/secrets/kafka-password"
  local topics=(-e HERALD_TOPICS_RAW="$run_id.raw" -e HERALD_TOPICS_EVENTS="$run_id.events"
                -e HERALD_TOPICS_ALERTS="$run_id.alerts" -e HERALD_TOPICS_DLQ="$run_id.dlq")
  trap 'podman rm -f "$run_id" >/dev/null 2>&1 || true' EXIT
  podman run -d --name "$run_id" --network host -v "$state/secrets:/run/secrets:ro" "${topics[@]}" \
    -e HERALD_BROKERS="$(cat "$kafka_dir/sasl_bootstrap")" -e HERALD_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT \
    -e HERALD_KAFKA_SASL_MECHANISMS=PLAIN -e HERALD_KAFKA_SASL_USERNAME=herald \
    -e HERALD_KAFKA_SASL_PASSWORD_FILE=/run/secrets/kafka-password \
    -e HERALD_PROCESSOR_GROUP="$run_id" -e HERALD_PROCESSOR_ADMIN_PORT="$port" \
    "$image" process >/dev/null
  local admin=http://127.0.0.1:$port
  wait_for 90 curl -fsS "$admin/readyz" || { podman logs "$run_id" 2>&1 | tail -n 20 >&2; die "/readyz never answered 200"; }
  curl -fsS "$admin/healthz" >/dev/null || die "/healthz did not answer 200"
  [ "$(podman exec "$run_id" cat /proc/1/comm)" = herald ] || die "herald is not PID 1 in its container"
  podman run --rm --network host -e HERALD_BROKERS="$(cat "$kafka_dir/bootstrap")" "${topics[@]}" \
    "$image" produce /usr/local/share/herald/samples >"$state/produce.log" 2>&1 || die "herald produce failed"
  local out=0
  for _ in $(seq 1 120); do
    out=$(curl -fsS "$admin/metrics" | metric herald_records_out_total processor)
    [ "${out:-0}" != 0 ] && break
    sleep 0.5
  done
  [ "${out:-0}" != 0 ] || die "no event records came out of the processor"
  podman stop -t 60 "$run_id" >/dev/null
  local code; code=$(podman inspect -f '{{.State.ExitCode}}' "$run_id")
  [ "$code" = 0 ] || { podman logs "$run_id" 2>&1 | tail -n 20 >&2; die "SIGTERM: exit code $code, not 0"; }
  podman logs "$run_id" >"$state/process.log" 2>&1
  python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin if l.strip()]' <"$state/process.log" \
    || die "a log line is not JSON (log: $state/process.log)"
  say "process over SASL (secret file): probes 200, $out event records, JSON logs, SIGTERM exit 0: ok"
}

compose_files=(-f deploy/docker-compose.yml -f tests/container/compose.test.yml)
compose() { podman-compose -p "$run_id" "${compose_files[@]}" "$@"; }

# The broker's context: the jars scripts/kafka-local.sh fetches, linked, not copied.
build_test_images() {
  scripts/kafka-local.sh fetch
  local context="$state/kafka-image"
  rm -rf "$context" && mkdir -p "$context"
  cp -al build/kafka-libs "$context/libs" 2>/dev/null || cp -a build/kafka-libs "$context/libs"
  cp tests/container/kafka-run.sh tests/container/kafka-broker-api-versions.sh deploy/kafka/log4j2.properties "$context/"
  # The two builds wait mostly on Debian's mirror and dpkg: side by side.
  podman build --pull=never --network host -f tests/container/kafka.Dockerfile -t herald-test/kafka:4.1.1 \
    "$context" >"$state/kafka-build.log" 2>&1 &
  local kafka_build=$!
  podman build --pull=never --network host -f tests/container/postgres.Dockerfile -t herald-test/postgres:15 \
    tests/container >"$state/postgres-build.log" 2>&1 || { tail -n 20 "$state/postgres-build.log" >&2; die "the PostgreSQL image did not build"; }
  wait "$kafka_build" || { tail -n 20 "$state/kafka-build.log" >&2; die "the broker image did not build"; }
}

# Removes every container of the project first: one that restart: on-failure keeps
# restarting can outlive `down`.
compose_down() {
  podman ps -aq --filter "label=io.podman.compose.project=$run_id" | xargs -r podman rm -f >/dev/null 2>&1 || true
  compose down -v >"$state/compose-down.log" 2>&1 || true
}

in_service() { local service=$1; shift; podman exec "${run_id}_${service}_1" "$@"; }

wait_healthy() {
  local service
  for service in "$@"; do
    wait_for 180 podman healthcheck run "${run_id}_${service}_1" \
      || { podman logs "${run_id}_${service}_1" 2>&1 | tail -n 20 >&2; die "compose: $service never became healthy"; }
  done
}

check_compose() {
  command -v podman-compose >/dev/null || skip "podman-compose is not installed"
  podman image exists "$image" || build_herald_image
  build_test_images
  trap compose_down EXIT
  # What `depends_on: {condition: service_healthy}` asks for, which podman-compose 1.0
  # ignores: the broker and the database healthy (their own health checks from the
  # compose file) before herald's daemons start, then herald's /readyz checks.
  compose up -d kafka postgres >"$state/compose-up.log" 2>&1 \
    || { tail -n 30 "$state/compose-up.log" >&2; die "compose up failed"; }
  wait_healthy kafka postgres
  # Not feeds: its sample list names feeds on the internet, and no test reaches beyond this host.
  compose up -d process store alert >>"$state/compose-up.log" 2>&1 \
    || { tail -n 30 "$state/compose-up.log" >&2; die "compose up failed"; }
  wait_healthy process store alert
  # The admin endpoints answer on the compose network, as scrapers and probes reach them.
  # A name can take a moment to reach the network's DNS (aardvark-dns) after its
  # container is up: "Could not resolve host: process" once failed a run here.
  for service in process:9641 store:9642 alert:9643; do
    wait_for 30 in_service alert curl -fsS "http://${service%%:*}:${service#*:}/metrics" \
      || die "compose: ${service%%:*}'s /metrics does not answer from another container"
  done
  compose run --rm produce /usr/local/share/herald/samples >"$state/compose-produce.log" 2>&1 \
    || { tail -n 20 "$state/compose-produce.log" >&2; die "compose: produce failed"; }
  local produced stored=0 alerted=0
  for _ in $(seq 1 240); do
    produced=$(in_service process curl -fsS http://127.0.0.1:9641/metrics | metric herald_records_out_total processor)
    stored=$(in_service postgres psql -U herald -d herald -tAc "SELECT count(*) FROM articles" 2>/dev/null || echo 0)
    alerted=$(in_service alert curl -fsS http://127.0.0.1:9643/metrics | metric herald_records_in_total alert)
    [ "${produced:-0}" != 0 ] && [ "$stored" = "$produced" ] && [ "${alerted:-0}" = "$produced" ] && break
    sleep 0.5
  done
  [ "${produced:-0}" != 0 ] && [ "$stored" = "$produced" ] \
    || die "compose: the processor made ${produced:-0} event records, PostgreSQL holds $stored"
  [ "${alerted:-0}" = "$produced" ] || die "compose: the alerter read ${alerted:-0} of $produced event records"
  say "compose: broker, processor, store (PostgreSQL) and alerter up; $stored event records stored and read by the alerter: ok"
}

case "${1:-}" in
  base) setup_podman; ensure_base_image; base_image ;;
  image)
    [ $# -eq 2 ] || die "usage: scripts/container-test.sh image KAFKA_DIR"
    setup_podman; build_herald_image; check_image_basics; check_daemon "$2" ;;
  compose) setup_podman; check_compose ;;
  *) die "usage: scripts/container-test.sh image KAFKA_DIR | compose | base" ;;
esac
