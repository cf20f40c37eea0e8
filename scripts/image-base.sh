#!/usr/bin/env bash
# Makes the base image the CI builds the Dockerfile on, without pulling from any image registry: Debian
# (debootstrap --variant=minbase) plus the pinned official Node build and npm, both from the npm
# registry, laid out like the public node:<version>-bookworm-slim image (/usr/local/bin/node, npm under
# /usr/local/lib/node_modules). Prints the image's name on stdout; progress goes to stderr.
#
# The base trusts the certificate authorities this machine trusts (its CA bundle, through
# NODE_EXTRA_CA_CERTS), so that a build behind a TLS-inspecting proxy reaches the npm registry.
#
# The root filesystem is cached as a tarball under the project's cache directory, keyed by the Debian
# suite, the Node version and the npm version; it is imported again whenever the engine lacks the image.
# Needs root (debootstrap), a running Docker engine and debootstrap itself (scripts/image-smoke.sh
# installs both).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/toolchain.sh
. scripts/toolchain.sh >&2

MM_IMAGE_BASE_SUITE="${MM_IMAGE_BASE_SUITE:-bookworm}"
MM_IMAGE_BASE_MIRROR="${MM_IMAGE_BASE_MIRROR:-http://deb.debian.org/debian}"
# npm comes with the public Node images; the build stage installs pnpm with it.
MM_IMAGE_BASE_NPM_VERSION="${MM_IMAGE_BASE_NPM_VERSION:-11.6.2}"

# The machine's CA bundle (Debian's ca-certificates, plus any local CA it holds).
MM_IMAGE_BASE_CA_BUNDLE="${MM_IMAGE_BASE_CA_BUNDLE:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}"
[ -s "$MM_IMAGE_BASE_CA_BUNDLE" ] || { echo "image-base: no CA bundle at $MM_IMAGE_BASE_CA_BUNDLE" >&2; exit 1; }
ca_hash="$(sha256sum "$MM_IMAGE_BASE_CA_BUNDLE" | cut -c1-12)"

key="${MM_IMAGE_BASE_SUITE}-node${MM_NODE_VERSION}-npm${MM_IMAGE_BASE_NPM_VERSION}-ca${ca_hash}"
image="mesh-momentum-base:${key}"
tarball="$_mm_cache/image-base/debian-${key}.tar"

log() { echo "image-base: $*" >&2; }

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

if [ ! -s "$tarball" ]; then
  node_dir="$(_mm_node_dir)"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  root="$work/root"
  log "debootstrap $MM_IMAGE_BASE_SUITE (minbase) from $MM_IMAGE_BASE_MIRROR"
  debootstrap --variant=minbase "$MM_IMAGE_BASE_SUITE" "$root" "$MM_IMAGE_BASE_MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; log "debootstrap failed"; exit 1; }
  # What a container never needs: downloaded packages, package lists, documentation.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/* "$root"/debootstrap

  log "Node $MM_NODE_VERSION and npm $MM_IMAGE_BASE_NPM_VERSION into /usr/local"
  install -m 0755 "$node_dir/bin/node" "$root/usr/local/bin/node"
  (cd "$work" && npm pack --silent "npm@$MM_IMAGE_BASE_NPM_VERSION" >/dev/null)
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$work/npm-$MM_IMAGE_BASE_NPM_VERSION.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

  install -D -m 0644 "$MM_IMAGE_BASE_CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"

  mkdir -p "$(dirname "$tarball")"
  tar -C "$root" --numeric-owner -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
  log "cached $tarball ($(du -h "$tarball" | cut -f1))"
fi

log "importing $tarball as $image"
docker import --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' --change 'CMD ["node"]' \
  "$tarball" "$image" >/dev/null
echo "$image"
