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
	sched_only=$(mktemp)
	i=0
	while [ $i -lt "$RUNS" ]; do
		elapsed "$@" >>"$bare"
		elapsed $probe --json -- "$@" >>"$probed"
		elapsed $probe --json --no-syscalls -- "$@" >>"$sched_only"
		i=$((i + 1))
	done
	b=$(best <"$bare")
	p=$(best <"$probed")
	s=$(best <"$sched_only")
	rm -f "$bare" "$probed" "$sched_only"
	if [ -z "$b" ] || [ -z "$p" ] || [ -z "$s" ]; then
		echo "bench-probe: $name: a run failed (run as root?)" >&2
		return 1
	fi
	awk -v n="$name" -v b="$b" -v p="$p" -v s="$s" 'BEGIN {
		printf "%-32s %9.1f %9.1f %+8.1f%% %9.1f %+8.1f%%\n", n, b / 1e6,
		       p / 1e6, (p / b - 1) * 100, s / 1e6, (s / b - 1) * 100 }'
}

echo "stacklab-probe overhead, best of $RUNS alternating runs each (goal: under 5% slowdown)"
echo "all: every probe; sched: --no-syscalls (no syscall tracepoint enabled)"
printf "%-32s %9s %9s %9s %9s %9s\n" workload "bare ms" "all ms" "all" "sched ms" "sched"
bench "syscalls (2M getppid)" tests/probe/wl_syscalls 2000000
bench "switches (pipe ping-pong, 50k)" tests/probe/wl_pingpong 50000
