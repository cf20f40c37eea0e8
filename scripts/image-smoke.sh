#!/usr/bin/env bash
# Builds the container image and smoke-tests it (vitest project `image`, report in
# .test-results/image.json): docs/image.md. Called by scripts/test.sh; runnable alone once the local
# infrastructure is up (`pnpm infra:up`).
#
# 1. Installs docker.io and debootstrap (scripts/apt-install.sh) when missing; needs root.
# 2. Starts dockerd (`--iptables=false --ip6tables=false --bridge=none`: containers use the host's
#    network) when no engine answers, and stops what it started on exit. An engine that does not come up
#    fails the run with its log, never skips it.
# 3. Makes the base image from Debian packages and the pinned Node (scripts/image-base.sh, cached), and
#    builds the Dockerfile on it with BASE_IMAGE; `--network host` reaches the npm registry.
# 4. Runs test/image against that image.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$(date +%s)
step() { echo "::: image: $* (+$(($(date +%s) - started))s)"; }
die() { echo "image-smoke: $*" >&2; exit 1; }

# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh

# How long dockerd may take to answer, s (it is up in ~8 s on this machine class).
MM_DOCKERD_START_SECONDS="${MM_DOCKERD_START_SECONDS:-60}"
MM_IMAGE_TAG="${MM_IMAGE_TAG:-mesh-momentum:ci}"

step "docker and debootstrap"
if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null || ! command -v debootstrap >/dev/null; then
  [ "$(id -u)" = 0 ] || die "docker.io and debootstrap are missing and this is not root: install them (apt-get install docker.io debootstrap)"
  # shellcheck source=scripts/apt-install.sh
  . scripts/apt-install.sh
  apt_install docker.io debootstrap >/dev/null || die "apt-get install docker.io debootstrap failed"
fi

dockerd_dir=""
stop_dockerd() {
  [ -n "$dockerd_dir" ] || return 0
  local pid
  pid="$(cat "$dockerd_dir/dockerd.pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    step "stopping the dockerd this run started (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  rm -rf "$dockerd_dir"
}
trap stop_dockerd EXIT

if docker info >/dev/null 2>&1; then
  step "a Docker engine answers; using it"
else
  step "starting dockerd"
  [ "$(id -u)" = 0 ] || die "no Docker engine answers and only root can start dockerd"
  dockerd_dir="$(mktemp -d)"
  dockerd --iptables=false --ip6tables=false --bridge=none --pidfile "$dockerd_dir/dockerd.pid" \
    >"$dockerd_dir/dockerd.log" 2>&1 &
  waited=0
  until docker info >/dev/null 2>&1; do
    if [ "$waited" -ge "$MM_DOCKERD_START_SECONDS" ] || ! kill -0 $! 2>/dev/null; then
      tail -n 30 "$dockerd_dir/dockerd.log" >&2
      die "dockerd did not start within ${MM_DOCKERD_START_SECONDS}s (its log above)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
fi

step "base image"
base="$(bash scripts/image-base.sh)" || die "the base image could not be made"

step "docker build ($MM_IMAGE_TAG on $base)"
build_started=$(date +%s)
mkdir -p .test-results
docker build --network host --force-rm \
  --build-arg "BASE_IMAGE=$base" \
  --build-arg "VERSION=$(git describe --tags --always --dirty 2>/dev/null || echo dev)" \
  --build-arg "REVISION=$(git rev-parse HEAD)" \
  --build-arg "SOURCE=$(git config --get remote.origin.url || true)" \
  -t "$MM_IMAGE_TAG" . >.test-results/image-build.log 2>&1 ||
  { tail -n 40 .test-results/image-build.log >&2; die "docker build failed (.test-results/image-build.log)"; }
size() { docker image inspect --format '{{.Size}}' "$1"; }
echo "image $MM_IMAGE_TAG built in $(($(date +%s) - build_started))s: $(($(size "$MM_IMAGE_TAG") / 1000000)) MB," \
  "$((($(size "$MM_IMAGE_TAG") - $(size "$base")) / 1000000)) MB over the base"

step "smoke test"
MM_TEST_IMAGE="$MM_IMAGE_TAG" pnpm exec vitest run --project image \
  --reporter=default --reporter=json --outputFile.json=.test-results/image.json
