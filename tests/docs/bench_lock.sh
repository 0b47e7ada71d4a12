#!/bin/bash
# scripts/bench-lock, which every make bench* rule runs its benchmark
# through: under a caller that holds the lock already (flock LOCK make
# bench-probe) the command runs, where a second flock would wait forever;
# under a holder that is not its caller, it waits for the hold to end.
# On a lock file of its own, not the benchmarks'.  Run from build/.
. tests/lib/tap.sh
src=$(cd .. && pwd)
[ -x "$src/scripts/bench-lock" ] || { echo "1..0 # SKIP no source tree above $(pwd)"; exit 0; }
tmp=$(mktemp -d)
holder= waiter=
trap 'kill $holder $waiter 2>/dev/null; rm -rf "$tmp"' EXIT
export STACKLAB_BENCH_LOCK=$tmp/lock
tap_plan 4

# Under its caller's hold.  The bound only ends a deadlock (the old rules'
# nested flock), it is no timing.
timeout 30 flock "$STACKLAB_BENCH_LOCK" "$src/scripts/bench-lock" \
	sh -c 'echo ran >"$0"' "$tmp/nested" 2>"$tmp/nested.err"
tap_check "under a caller's hold the command runs, not waiting on it" \
	test "$(cat "$tmp/nested" 2>/dev/null)" = ran
tap_check "... and says it runs under the caller's hold" \
	grep -q "held by a caller already" "$tmp/nested.err"

# Held by a process that is not its caller: it waits (its flock is queued
# in /proc/locks, "->") and runs once the hold ends.
flock "$STACKLAB_BENCH_LOCK" sh -c 'echo held >"$0.ready"
	while [ ! -e "$0.release" ]; do sleep 0.05; done
	echo holder-done >>"$0"' "$tmp/log" &
holder=$!
until [ -e "$tmp/log.ready" ]; do sleep 0.05; done
"$src/scripts/bench-lock" sh -c 'echo ran >>"$0"' "$tmp/log" &
waiter=$!
ino=$(stat -c %i "$STACKLAB_BENCH_LOCK")
queued() {
	awk -v ino="$ino" '$2 == "->" { n = split($7, f, ":"); if (f[n] == ino) q = 1 } END { exit !q }' /proc/locks
}
until queued || grep -q ran "$tmp/log" 2>/dev/null; do sleep 0.05; done
tap_check "a hold not its caller's: it waits" queued
touch "$tmp/log.release"
wait $holder $waiter
holder= waiter=
tap_check "... and runs once the hold ends" \
	test "$(tr '\n' ' ' <"$tmp/log")" = "holder-done ran "
[ $tap_failed -eq 0 ]
