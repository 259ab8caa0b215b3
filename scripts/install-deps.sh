#!/usr/bin/env bash
# Installs what herald needs from Debian's packages, skipping what is present.
#   scripts/install-deps.sh          build and run herald (the demo)
#   scripts/install-deps.sh --test   also the test suite: GoogleTest, Benchmark (and gumbo and libxml2, its comparisons), Java 17, Maven, clang 16 (fuzzing,
#                                    clang-format, clang-tidy), PostgreSQL, Python's venv (tools from PyPI)
#   scripts/install-deps.sh --container   only what scripts/container-test.sh needs: podman and its
#                                    runtime and network, podman-compose, debootstrap
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config protobuf-compiler libprotobuf-dev librdkafka-dev
          libsimdjson-dev libyaml-cpp-dev libsqlite3-dev libcurl4-openssl-dev libcli11-dev
          libcpp-httplib-dev libpq-dev libssl-dev libpugixml-dev libuchardet-dev zlib1g-dev)
if [ "${1:-}" = "--container" ]; then
  packages=(podman runc netavark aardvark-dns podman-compose debootstrap curl)
elif [ "${1:-}" = "--test" ]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev libgumbo-dev libxml2-dev libbrotli-dev openjdk-17-jdk-headless maven sqlite3 clang-16 libclang-rt-16-dev
            clang-format-16 clang-tidy-16 postgresql python3-venv)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A JDK or Maven installed outside Debian's packages serves as well.
if command -v java >/dev/null && command -v mvn >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in openjdk-*|maven) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
