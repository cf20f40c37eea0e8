#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: bootstraps Node and pnpm, installs with the frozen
# lockfile, starts the local infrastructure (Kafka, schema registry, Redis) unless it is already
# running, runs `pnpm test` (lint, typecheck, unit, integration), then the integration scenarios on a
# 3-master Redis Cluster (`pnpm test:integration:cluster`), and stops what it started, even on
# failure. Its last line is "N passed, N failed", counted from vitest's JSON reports.
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

# Every HTTP route of the gateway, the dashboard and the alerter, fuzzed on the same infrastructure
# (test/fuzz, docs/security.md; its own JSON report).
step "fuzz"
pnpm test:fuzz || status=1

# The pipeline scenarios again on a 3-master Redis Cluster (vitest project integration-cluster, its own
# JSON report). A cluster this run starts is stopped again; one already running is left alone.
stop_cluster=false
if ! bash infra/local/local-infra.sh redis-cluster status >/dev/null 2>&1; then
  step "redis cluster up"
  stop_cluster=true
  bash infra/local/local-infra.sh redis-cluster up || status=1
fi
step "integration on the Redis Cluster"
MM_TEST_REDIS_CLUSTER_NODES="${MM_TEST_REDIS_CLUSTER_NODES:-127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003}" \
  pnpm test:integration:cluster || status=1
if [ "$stop_cluster" = true ]; then
  step "redis cluster down"
  bash infra/local/local-infra.sh redis-cluster down --purge || true
fi

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
