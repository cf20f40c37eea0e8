# shellcheck shell=bash
# Sourced by infra/local/local-infra.sh and scripts/test.sh: `apt_install <package>...` installs Debian
# packages as root, waiting for another apt or dpkg run (an unattended upgrade, a second script) instead
# of failing on its lock. Tries the current package lists first and updates them only when that fails
# (a fresh machine has none, an old one may point at removed versions). Output goes to the caller's
# redirection; exit status is apt-get's.

# How long to wait for another apt/dpkg run to let go of its lock, seconds.
APT_LOCK_WAIT_SECONDS="${APT_LOCK_WAIT_SECONDS:-600}"

_apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT_SECONDS" "$@"
}

# `apt-get update` takes the package lists' lock, which DPkg::Lock::Timeout does not cover on every apt
# version: retry while another run holds it.
_apt_update() {
  local waited=0
  until _apt_get update; do
    [ "$waited" -lt "$APT_LOCK_WAIT_SECONDS" ] || return 1
    echo "apt-install: package lists busy (another apt run?); retrying in 10 s"
    sleep 10
    waited=$((waited + 10))
  done
}

apt_install() {
  _apt_get install -y --no-install-recommends "$@" || { _apt_update && _apt_get install -y --no-install-recommends "$@"; }
}
