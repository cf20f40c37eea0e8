#!/usr/bin/env bash
# The main job on a fresh machine: bootstraps Node and pnpm, installs, starts the local Kafka, schema
# registry and Redis (left running afterwards, `pnpm infra:down` stops them), then runs the demo:
# the processor as a service, a simulated programme sent through Kafka, and the result read from Redis.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh
echo "node $(node --version), pnpm $(pnpm --version)"
pnpm install --frozen-lockfile --reporter=silent
bash infra/local/local-infra.sh up
exec node --conditions=@mesh-momentum/source scripts/demo.ts "$@"
