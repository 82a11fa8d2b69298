#!/usr/bin/env bash
# `npm run demo`: tries the app on this machine in one command. It installs what is missing (Debian
# packages and Node 22 through scripts/setup.sh, the npm dependencies when package-lock.json is newer than
# the last install), then starts the local provider and the app in a loopback-only network namespace
# (demo/cli.ts). Run by npm with whatever Node it has (even one older than engines): this is bash.
# The options that talk to a running demo (--call-me, --code, ...) skip the set-up.
set -euo pipefail
cd "$(dirname "$0")/.."

starting=1
for arg in "$@"; do
  case "$arg" in
    --call-me | --incident | --incident=* | --all-clear | --code | --screenshot | --screenshot=* | --help | -h) starting=0 ;;
  esac
done

# Inside a loopback-only namespace already (the e2e spec runs the demo in its own) there is no network to
# install anything from: whoever made it has set up.
in_namespace=0
[ "${SOFTPHONE_IN_NETNS:-}" = 1 ] && in_namespace=1

if [ "$starting" = 0 ]; then
  # Talking to a running demo (through its Unix socket) needs Node 22 only.
  # shellcheck source=scripts/setup.sh
  [ "$in_namespace" = 1 ] || source scripts/setup.sh >/dev/null
  exec node --import tsx demo/cli.ts "$@"
fi

if [ "$in_namespace" = 0 ]; then
  # shellcheck source=scripts/setup.sh
  source scripts/setup.sh
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "demo: installing the npm dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
fi
exec bash e2e/netns-run.sh node --import tsx demo/cli.ts "$@"
