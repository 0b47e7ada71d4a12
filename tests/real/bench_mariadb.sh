#!/bin/bash
# make bench-probe, MariaDB part: CPU per transaction of mariadbd under
# sysbench oltp_read_only (64 connections), without a tool, with
# stacklab-probe (every probe, then --no-syscalls: where its cost goes)
# and with stack-advise attached, in
# interleaved rounds; medians with min and max.  The server is pinned to
# CPU 0, sysbench to CPU 1.  Printed, never asserted.  Run from build/
# by make bench-probe, which holds the bench lock (scripts/bench-lock);
# by hand, under flock /tmp/stacklab-bench.lock.
tmp=$(mktemp -d)
. tests/real/mariadb_lib.sh
trap 'kill $tool 2>/dev/null; stop_server; rm -rf "$tmp"' EXIT
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-3}
srv_cpu=0 load_cpu=1

for cmd in mariadbd mariadb-install-db sysbench; do
	command -v $cmd >/dev/null || { echo "bench: $cmd missing: run scripts/deps real" >&2; exit 1; }
done

# utime + stime of the whole server, in clock ticks.
srv_ticks() {
	awk '{ print $14 + $15 }' /proc/$srv/stat
}

tool_ticks() {
	[ -n "$tool" ] && awk '{ print $14 + $15 }' /proc/$tool/stat || echo 0
}

# One round of MODE: "NS_SERVER NS_TOOL" per transaction.
round() {
	local t0 t1 u0 u1 tx hz=$(getconf CLK_TCK)
	case $1 in
	probe) attach bpf/stacklab-probe -p $srv --json ;;
	probe_nosys) attach bpf/stacklab-probe -p $srv --json --no-syscalls ;;
	advise) attach bpf/stack-advise -p $srv --json ;;
	esac
	u0=$(tool_ticks) t0=$(srv_ticks)
	load --threads=64 --time=$SECS run
	t1=$(srv_ticks) u1=$(tool_ticks)
	[ -n "$tool" ] && detach
	tx=$(awk '/transactions:/ { print $2 }' "$tmp/sb.out")
	awk -v s=$((t1 - t0)) -v u=$((u1 - u0)) -v tx="$tx" -v hz=$hz \
		'BEGIN { printf "%.0f %.0f\n", s * 1e9 / hz / tx, u * 1e9 / hz / tx }'
}

mariadb_setup || exit 1
load --threads=64 --time=1 run		# warm the buffer pool and thread cache
for r in $(seq $ROUNDS); do
	for mode in none probe probe_nosys advise; do
		round $mode >>"$tmp/$mode"
	done
done
echo "# mariadbd CPU per transaction, sysbench oltp_read_only 64 connections, ${SECS}s x $ROUNDS interleaved rounds"
base=$(sort -n "$tmp/none" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
for mode in none probe probe_nosys advise; do
	sort -n -k1,1 "$tmp/$mode" | awk -v m=$mode -v b=$base '
		{ s[NR] = $1; u[NR] = $2 }
		END { med = s[int((NR + 1) / 2)]
		      printf "mariadb_%s_cpu_ns_per_tx %d (min %d, max %d; %+.1f%%; the tool itself %d ns)\n",
			     m, med, s[1], s[NR], 100 * (med - b) / b, u[int((NR + 1) / 2)] }'
done
