#!/bin/bash
# stacklab-probe and stack-advise on MariaDB from Debian (one thread per
# connection) under sysbench oltp_read_only, checked against /proc:
#  - the probe's switches and threads against /proc's task counts;
#  - stack-advise attached before the load (its stacks at attach are no
#    more than the server's tasks then);
#  - stack-advise's verdict on read_statistics_for_tables (a 13.7 KiB
#    frame every connection reaches) the same at 16, 64 and 256
#    connections, each on a cold server;
#  - a warm server (256 cached threads): both tools' stacks_at_attach
#    against /proc and smaps.
# Run from build/ by 'make check-real'; the server's data directory is
# build/real/mariadb, its port a free one, started and stopped here.
. tests/lib/tap.sh
. tests/lib/proc_stacks.sh
tmp=$(mktemp -d)
. tests/real/mariadb_lib.sh
trap 'kill $tool 2>/dev/null; stop_server; rm -rf "$tmp"' EXIT

for cmd in mariadbd mariadb-install-db sysbench; do
	command -v $cmd >/dev/null || { echo "# $cmd missing: run scripts/deps real"; exit 1; }
done

# "SWITCHES TASKS": /proc's totals over the server's tasks now.
proc_counts() {
	cat /proc/$srv/task/*/status 2>/dev/null |
		awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { s += $2 }
		     /^Pid:/ { n++ } END { print s, n }'
}

tap_plan 9
mariadb_setup
tap_check "sysbench prepared its tables (port $port)" test $? -eq 0

# The probe against /proc: every task the run made stays (thread cache).
read -r sw0 n0 <<<"$(proc_counts)"
attach bpf/stacklab-probe -p $srv --json
load --threads=16 --time=2 run
detach
read -r sw1 n1 <<<"$(proc_counts)"
final=$(grep '"final"' "$tmp/tool.out")
sw=$(jq .context_switches <<<"$final")
made=$(jq .threads_created <<<"$final")
echo "# probe: $sw switches, /proc $((sw1 - sw0)); threads_created $made, /proc $((n1 - n0)) more tasks"
# MariaDB may start a background thread of its own in the gaps around the
# probe's window: at most 2 apart.
tap_check "the probe's threads are /proc's (within 2)" \
	test $((made - (n1 - n0))) -le 2 -a $(((n1 - n0) - made)) -le 2
# /proc's window holds the probe's, plus a few idle background switches.
tap_check "the probe's switches are /proc's (within 1% + 100)" \
	awk -v p="$sw" -v t=$((sw1 - sw0)) 'BEGIN { d = t - p; exit !(d >= 0 && d <= t / 100 + 100) }'

verdicts= late=
for conns in 16 64 256; do
	start_server
	attach bpf/stack-advise -p $srv --json
	read -r _ tasks <<<"$(proc_counts)"
	load --threads=$conns --time=2 run
	echo "# sysbench at $conns: exit $?, $(awk '/transactions:/ { print $2 }' "$tmp/sb.out") transactions"
	detach
	cp "$tmp/tool.out" "$tmp/sa-$conns.json"
	cp "$tmp/tool.out" "$dir/sa-$conns.json"	# kept for a look after a failure
	v=$(jq -r '[.suggestions[] | select((.function // "") | startswith("read_statistics_for_tables")) | .action] | join(",")' "$tmp/sa-$conns.json")
	echo "# $conns connections: read_statistics_for_tables: ${v:-no suggestion}; faults $(jq -c "[.faults, .faults_dropped]" "$tmp/sa-$conns.json"); $(jq -c '[.classes[] | {name, threads, reserve_min, reserve_max}]' "$tmp/sa-$conns.json")"
	verdicts="$verdicts $conns:${v:-none}"
	# Every stack it found at attach was there before sysbench connected
	# (a background thread may start in between: 2).
	at=$(jq .stacks_at_attach.threads "$tmp/sa-$conns.json")
	[ "$at" -le $((tasks + 2)) ] || late="$late $conns:$at>$tasks"
	[ $conns = 16 ] && v16=${v:-none}
done
tap_check "stack-advise attached before sysbench connected (stacks at attach > tasks then:${late:- none})" \
	test -z "$late"
tap_check "a verdict at 16 connections ($v16)" test "$v16" != none
tap_check "the same verdict at 16, 64 and 256 connections ($verdicts)" \
	test "$(echo $verdicts | tr ' ' '\n' | cut -d: -f2 | sort -u | wc -l)" -eq 1
tap_check "stack size counts every connection thread at 256" \
	test "$(jq '[.suggestions[] | select(.action == "stack size") | .threads] | max // 0' "$tmp/sa-256.json")" -ge 256

# Warm: the 256 connection threads are cached, their stacks touched.
tap_stacks_at_attach $srv "$tmp"
[ $tap_failed -eq 0 ]
