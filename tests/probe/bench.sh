#!/bin/sh
# Overhead of stacklab-probe (make bench-probe; run from build/): a
# syscall-heavy and a switch-heavy workload, each timed by itself, without
# and with the probe attached, alternating runs, best of RUNS each.
# Printed, never asserted: timings on a shared machine are noisy.
RUNS=${RUNS:-5}
probe=bpf/stacklab-probe

# elapsed_ns of one run: the workload times its own loop (not the probe's
# start-up), and prints it on stderr.
elapsed() {
	"$@" 2>&1 >/dev/null | sed -n 's/^elapsed_ns //p'
}

best() {
	sort -n | head -1
}

bench() {
	name=$1
	shift
	bare=$(mktemp)
	probed=$(mktemp)
	i=0
	while [ $i -lt "$RUNS" ]; do
		elapsed "$@" >>"$bare"
		elapsed $probe --json -- "$@" >>"$probed"
		i=$((i + 1))
	done
	b=$(best <"$bare")
	p=$(best <"$probed")
	rm -f "$bare" "$probed"
	if [ -z "$b" ] || [ -z "$p" ]; then
		echo "bench-probe: $name: a run failed (run as root?)" >&2
		return 1
	fi
	awk -v n="$name" -v b="$b" -v p="$p" 'BEGIN {
		printf "%-34s %12.2f %12.2f %8.3f %+7.1f%%\n", n, b / 1e6, p / 1e6,
		       p / b, (p / b - 1) * 100 }'
}

echo "stacklab-probe overhead, best of $RUNS runs each (goal: under 5% slowdown)"
printf "%-34s %12s %12s %8s %8s\n" workload "bare ms" "probed ms" ratio slowdown
bench "syscalls (2M getppid)" tests/probe/wl_syscalls 2000000
bench "switches (pipe ping-pong, 50k)" tests/probe/wl_pingpong 50000
