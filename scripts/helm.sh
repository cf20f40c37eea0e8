#!/usr/bin/env bash
# Runs the pinned `helm` with the given arguments (`bash scripts/helm.sh lint deploy/helm/mesh-momentum`).
# helm is built from the Go module proxy on first use (`go install`, minutes on two cores) into the
# project's cache directory, beside the Node toolchain, and reused afterwards. Needs Go on PATH.
set -euo pipefail

MM_HELM_VERSION="${MM_HELM_VERSION:-v4.3.2}"
cache="${MM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mesh-momentum}"
bin_dir="$cache/helm-$MM_HELM_VERSION"

if [ ! -x "$bin_dir/helm" ]; then
  command -v go >/dev/null || { echo "helm.sh: Go is needed to build helm $MM_HELM_VERSION, and none is on PATH" >&2; exit 1; }
  mkdir -p "$bin_dir"
  # One build at a time (test files run in parallel); a run that waited finds it built.
  exec 9>"$bin_dir.lock"
  flock 9
fi
if [ ! -x "$bin_dir/helm" ]; then
  echo "helm.sh: building helm $MM_HELM_VERSION from the Go module proxy into $bin_dir (takes minutes)" >&2
  # Built into a scratch directory and moved into place, so an interrupted build never leaves a helm
  # that looks installed.
  scratch="$(mktemp -d)"
  # The version stamp `helm version` prints, as helm's own release build sets it; no debug symbols.
  ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$MM_HELM_VERSION"
  if ! GOBIN="$scratch" CGO_ENABLED=0 go install -trimpath -ldflags="$ldflags" "helm.sh/helm/v4/cmd/helm@$MM_HELM_VERSION"; then
    rm -rf "$scratch"
    echo "helm.sh: building helm $MM_HELM_VERSION failed (see above)" >&2
    exit 1
  fi
  mv "$scratch/helm" "$bin_dir/helm"
  rm -rf "$scratch"
fi

exec "$bin_dir/helm" "$@"
