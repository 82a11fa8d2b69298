#!/usr/bin/env bash
# Runs a command in a new network namespace whose only interface is loopback, so that WebRTC, Kamailio
# and every test server can reach 127.0.0.1 and nothing else (FIELD-NOTES: never a non-loopback address).
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
if [ "${SOFTPHONE_IN_NETNS:-}" = "1" ]; then
  exec "$@"
fi
if [ "$(id -u)" -eq 0 ]; then
  unshare_args=(--net)
else
  unshare_args=(--net --map-root-user)
fi
if ! unshare "${unshare_args[@]}" true 2>/dev/null; then
  echo "netns-run: cannot create a network namespace (unshare ${unshare_args[*]} failed)." >&2
  echo "Run as root, or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)." >&2
  exit 1
fi
exec unshare "${unshare_args[@]}" env SOFTPHONE_IN_NETNS=1 bash -c 'ip link set lo up && exec "$@"' netns-run "$@"
