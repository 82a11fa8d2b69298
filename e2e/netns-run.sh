#!/usr/bin/env bash
# Runs a command in a new network namespace whose only interface is loopback, so that WebRTC, Kamailio
# and every test server can reach 127.0.0.1 and nothing else (FIELD-NOTES: never a non-loopback address).
#
# The command also gets a PID namespace of its own, and everything it starts ends with it: when the
# command exits (passed, failed, crashed), the kernel kills every process left in the namespace (servers,
# peers, browsers). SIGINT, SIGTERM and SIGHUP to this script reach the command, which may tear down
# gracefully; if this script dies (SIGKILL), or whatever started it dies, the namespace is killed too.
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
if [ "${SOFTPHONE_IN_NETNS:-}" = "1" ]; then
  exec "$@"
fi
# The parent-death guard: this script gets SIGTERM when its parent dies (and passes it on, below).
if [ "${SOFTPHONE_NETNS_GUARDED:-}" != "1" ]; then
  SOFTPHONE_NETNS_GUARDED=1 exec setpriv --pdeathsig TERM "$BASH" "$0" "$@"
fi
if [ "$(id -u)" -eq 0 ]; then
  unshare_args=(--net)
else
  unshare_args=(--net --map-root-user)
fi
unshare_args+=(--pid --fork --kill-child --mount-proc)
if ! unshare "${unshare_args[@]}" true 2>/dev/null; then
  echo "netns-run: cannot create a network namespace (unshare ${unshare_args[*]} failed)." >&2
  echo "Run as root, or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)." >&2
  exit 1
fi

# PID 1 of the namespace: brings up lo, runs the command in its own process group (job control, so that
# it does not start with SIGINT ignored), passes signals on to it, and exits with its status. When PID 1
# exits, the kernel kills the rest of the namespace.
# shellcheck disable=SC2016 # expanded by the inner bash
init='ip link set lo up
set -m
"$@" &
child=$!
set +m
for signal in INT TERM HUP; do trap "kill -$signal $child 2>/dev/null" "$signal"; done
while :; do
  wait "$child" && status=0 || status=$?
  kill -0 "$child" 2>/dev/null || break
done
exit "$status"'

# unshare ignores SIGINT and SIGTERM while it waits; it dies with this script (SIGKILL as its parent-death
# signal) and then takes the namespace with it (--kill-child).
set -m
setpriv --pdeathsig KILL unshare "${unshare_args[@]}" \
  env -u SOFTPHONE_NETNS_GUARDED SOFTPHONE_IN_NETNS=1 bash -c "$init" netns-run "$@" &
namespace=$!
set +m
pass_on() {
  local init_pid
  init_pid="$(pgrep -P "$namespace" || true)"
  if [ -n "$init_pid" ]; then
    kill "-$1" "$init_pid" 2>/dev/null || true
  else
    kill -KILL "$namespace" 2>/dev/null || true
  fi
}
for signal in INT TERM HUP; do
  # shellcheck disable=SC2064 # the signal's name is fixed now
  trap "pass_on $signal" "$signal"
done
while :; do
  wait "$namespace" && status=0 || status=$?
  kill -0 "$namespace" 2>/dev/null || break
done
exit "$status"
