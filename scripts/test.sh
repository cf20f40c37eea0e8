#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: bootstraps Node and pnpm, installs with the frozen
# lockfile, starts the local infrastructure (Kafka, schema registry, Redis) unless it is already
# running, runs `pnpm test` (lint, typecheck, unit, integration), the Helm chart's tests
# (`pnpm test:chart`), then the integration scenarios on a 3-master Redis Cluster
# (`pnpm test:integration:cluster`), the broker-kill, topic and protocol tests on a three-broker Kafka
# cluster (`pnpm test:integration:kafka-cluster`), the clients on a SASL_SSL broker with ACLs
# (`pnpm test:integration:kafka-sasl`), then builds and smoke-tests the container image
# (scripts/image-smoke.sh), and stops what it started, even on failure. Its last line is
# "N passed, N failed", counted from vitest's JSON reports.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$(date +%s)
step() { echo "::: $* (+$(($(date +%s) - started))s)"; }
fail_early() { echo "$1" >&2; echo "0 passed, 1 failed"; exit 1; }

step "toolchain"
# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh || fail_early "toolchain bootstrap failed"
echo "node $(node --version), pnpm $(pnpm --version)"

step "install"
pnpm install --frozen-lockfile --reporter=append-only || fail_early "pnpm install failed"

# ---- Chromium for the dashboard's browser tests ---------------------------------------------------
# test/integration/dashboard-browser.test.ts drives Debian's Chromium through playwright-core (no
# browser download). Installed here from the distribution when missing; MM_TEST_CHROMIUM points the test
# at another binary. Screenshots land in .test-results/screenshots.
step "chromium"
if [ -z "${MM_TEST_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # shellcheck source=scripts/apt-install.sh
    . scripts/apt-install.sh
    apt_install chromium >/dev/null ||
      echo "chromium could not be installed: the dashboard's browser tests will fail" >&2
  else
    echo "chromium is missing (install it: apt-get install chromium): the dashboard's browser tests will fail" >&2
  fi
fi
# ------------------------------------------------------------------------------------------------------

rm -rf .test-results
mkdir -p .test-results

stop_infra=false
infra_down() {
  trap - EXIT
  step "infra down"
  bash infra/local/local-infra.sh down || true
}
if ! bash infra/local/local-infra.sh status >/dev/null 2>&1; then
  step "infra up"
  stop_infra=true
  trap infra_down EXIT
  if ! bash infra/local/local-infra.sh up; then
    bash infra/local/local-infra.sh logs 2>/dev/null | tail -n 80
    infra_down
    fail_early "the local infrastructure did not start"
  fi
else
  step "infra already running; leaving it up afterwards"
fi

step "pnpm test"
pnpm test
status=$?

# The Helm chart: lint and render with the pinned helm (built from the Go module proxy on first use into
# the cache directory, minutes), manifests checked by vitest project chart (its own JSON report), among
# them against the Kubernetes API types (test/chart/kube-validate, Go too).
step "helm chart"
if bash scripts/helm.sh version >/dev/null; then
  pnpm test:chart || status=1
else
  echo "helm could not be built (see above): the chart is not tested" >&2
  status=1
fi

# Runs "$@" with a local cluster up (KIND: redis-cluster or kafka-cluster, LABEL for the step lines): a
# cluster this run starts is stopped again, with its data; one already running is left alone. Any
# failure sets status=1.
with_cluster() {
  local kind="$1" label="$2" started_here=false
  shift 2
  if ! bash infra/local/local-infra.sh "$kind" status >/dev/null 2>&1; then
    step "$label up"
    started_here=true
    bash infra/local/local-infra.sh "$kind" up || status=1
  fi
  step "integration on the $label"
  "$@" || status=1
  if [ "$started_here" = true ]; then
    step "$label down"
    bash infra/local/local-infra.sh "$kind" down --purge || true
  fi
}

# Every HTTP route of the gateway, the dashboard and the alerter, fuzzed on the same infrastructure
# (test/fuzz, docs/security.md; its own JSON report).
step "fuzz"
pnpm test:fuzz || status=1

# The pipeline scenarios again on a 3-master Redis Cluster (vitest project integration-cluster, its own
# JSON report).
with_cluster redis-cluster "Redis Cluster" env \
  MM_TEST_REDIS_CLUSTER_NODES="${MM_TEST_REDIS_CLUSTER_NODES:-127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003}" \
  pnpm test:integration:cluster
# Broker kills, group-coordinator moves, topic and protocol checks on a three-broker Kafka cluster
# (vitest project integration-kafka-cluster, its own JSON report; docs/faults.md, "Kafka broker kills").
with_cluster kafka-cluster "Kafka cluster" pnpm test:integration:kafka-cluster

# The container image: built from the Dockerfile on a base made from Debian packages, then its services
# smoke-tested in Docker against the same infrastructure (scripts/image-smoke.sh, docs/image.md; its
# own JSON report). It starts dockerd when none answers and stops it again.
step "image build and smoke test"
bash scripts/image-smoke.sh || status=1

# Producers, processor and alerter on a SASL_SSL broker with ACLs (vitest project integration-kafka-sasl,
# its own JSON report); its global set-up starts infra/local/kafka-sasl.sh and purges it afterwards.
step "integration on SASL_SSL with ACLs"
pnpm test:integration:kafka-sasl || status=1

step "finished (exit $status)"
# Stop what this run started before the summary, so the summary stays the last line.
if [ "$stop_infra" = true ]; then infra_down; fi
if [ "$status" -ne 0 ]; then
  # A step that failed without a JSON report (lint, typecheck, a crash) counts as one failure.
  node scripts/test-summary.mjs .test-results --extra-failure-if-none-failed
else
  node scripts/test-summary.mjs .test-results
fi
exit "$status"
