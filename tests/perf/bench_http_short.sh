#!/bin/sh
# experiments/bench-http end to end, short: nginx, h2o (when installed)
# and fut-boxed, one round of one second at 16 connections (wrk and
# loadgen) and 200 (open loop), no callgrind.  Checks that every figure of
# every load is printed, that the busy shares are percentages, that each
# load says which side bounded it (client-bound wherever the server's CPU
# was not saturated), that a requests/s goal is not decided on a
# client-bound load, and that with n = 1 no ratio goal is decided (a ratio
# needs spreads that do not overlap).  Never timings.
# Run from build/ (host suite); the script lives in the source tree.
. "$(dirname "$0")/../lib/tap.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
bench=$root/experiments/bench-http
for t in jq wrk nginx; do
	command -v $t >/dev/null || { echo "1..0 # SKIP needs $t (make deps)"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (the probe's counts)"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
servers="nginx fut-boxed" peers="nginx"
command -v h2o >/dev/null && servers="nginx h2o fut-boxed" peers="nginx and h2o"
nservers=$(echo $servers | wc -w)
tap_diag "servers: $servers"
tap_plan 15
"$bench" --servers "$servers" --rounds 1 --duration 1 --conns 16 \
	--big-conns 200 --rate 1000 --no-callgrind >"$tmp/out" 2>"$tmp/err"
st=$?
tap_diag "exit $st; $(wc -l <"$tmp/out") lines; last of stderr: $(tail -n 1 "$tmp/err")"
tap_check "bench-http exits 0" test $st -eq 0

# key value lines: SERVER.LOAD.FIGURE MEDIAN
has() { grep -q "^$1 [0-9.e+-]*\$" "$tmp/out"; }
all_keys() {
	for s in $servers; do
		for k in wrk-c16.requests_per_s wrk-c16.p99_ms wrk-c16.cpu_us_per_req \
			 lg-c16.requests_per_s lg-c16.p50_ms lg-c16.p99_ms lg-c16.cpu_us_per_req \
			 open-c200.p50_ms open-c200.p99_ms open-c200.p99_over_p50 \
			 open-c200.conn_requests_min open-c200.errors; do
			has "$s.$k" || { echo "# missing $s.$k" >&2; return 1; }
		done
	done
}
tap_check "every figure of every load, for each of the $nservers servers" all_keys
tap_check "fut-boxed's io_uring operations and syscalls per request (probe)" \
	sh -c "grep -q '^fut-boxed.lg-c16.uring_ops_per_req ' '$tmp/out' &&
	       grep -q '^fut-boxed.open-c200.syscalls_per_req ' '$tmp/out'"
pct_ok() {
	# key value lines only: SERVER.LOAD.{server,client}_cpu_busy_pct PCT
	grep '^[a-z0-9-]*\.[a-z0-9-]*\.[a-z]*_cpu_busy_pct ' "$tmp/out" >"$tmp/busy"
	n=$(wc -l <"$tmp/busy")
	[ "$n" -eq $((6 * nservers)) ] || { echo "# $n busy shares, not $((6 * nservers))" >&2; return 1; }
	awk '!($2 >= 0 && $2 <= 100.5) { bad = 1 } END { exit bad }' "$tmp/busy"
}
tap_check "server and client CPU busy shares, each within 0-100%" pct_ok
tap_check "the open loop answered with no errors" \
	grep -q '^fut-boxed.open-c200.errors 0$' "$tmp/out"
tap_check "the open loop: no connection starved (each answered at least one)" \
	awk '$1 == "fut-boxed.open-c200.conn_requests_min" { ok = $2 >= 1 } END { exit !ok }' "$tmp/out"
tap_check "a bound line per server and load ($((3 * nservers)))" \
	test "$(grep -c 'server CPU .* busy, client CPU .*: \(server-bound\|client-bound\|contended\|open loop\)' "$tmp/out")" -eq $((3 * nservers))
# NAME LOAD server CPU S% busy, client CPU C%: BOUND.  Under 95 the load
# is client-bound; at 95 or more server-bound or contended (the CPU busy,
# but not with the server: that part is http_peers' to check).
bounds_follow_server() {
	grep ' server CPU .* busy, client CPU ' "$tmp/out" | grep -v '^[^ ]* open-' |
		sed 's/%//g' | awk '{ sb = ($5 >= 95); client = ($10 == "client-bound:")
			if (sb == client) { print "# " $0; bad = 1 } } END { exit bad }'
}
tap_check "a closed loop is client-bound wherever the server's CPU was not saturated" bounds_follow_server
tap_check "the goals section names every goal against the better of $peers" \
	sh -c "grep -q '^goals, fut-boxed against the better of $peers (figures of this run):' '$tmp/out' &&
	       test \$(grep -c '^  \(lg\|wrk\|open\)-c' '$tmp/out') -eq 6"
tap_check "n = 1: none of the 4 ratio goals is decided" \
	test "$(grep '^  \(lg\|wrk\)-c16 ' "$tmp/out" | grep -c 'the better of .*: not decided (\(one run: no spread\|.*: \(client-bound\|contended\), .*\))$')" -eq 4
# The requests/s goal under loadgen: client-bound wherever fut-boxed's
# server CPU was under 95% busy.
rps_bound() {
	busy=$(sed -n 's/^fut-boxed\.lg-c16\.server_cpu_busy_pct //p' "$tmp/out")
	line=$(grep '^  lg-c16 *requests_per_s ' "$tmp/out")
	echo "# fut-boxed lg-c16 server CPU $busy% busy: $line"
	if awk -v b="$busy" 'BEGIN { exit !(b < 95) }'; then
		echo "$line" | grep -q "not decided (fut-boxed: client-bound, server CPU"
	else
		! echo "$line" | grep -q "fut-boxed: client-bound"
	fi
}
tap_check "requests/s goal: not decided where fut-boxed was client-bound" rps_bound
columns='vs nginx [-0-9.x]*$'
[ "$peers" = nginx ] || columns='vs nginx [-0-9.x]*  vs h2o [-0-9.x]*$'
tap_check "the table has a ratio column for each peer" \
	sh -c "grep '^fut-boxed *lg-c16 *cpu_us_per_req ' '$tmp/out' | grep -q '$columns'"

tap_check "the client check ran (wrk -t1 and -t2 against nginx)" \
	grep -q '^client_check.wrk_t2.requests_per_s ' "$tmp/out"

"$bench" --servers "nginx apache" >"$tmp/out" 2>"$tmp/err"
tap_check "--servers apache: exit 2, names the known ones" \
	sh -c "test $? -eq 2 && grep -q \"unknown server 'apache' (tpc tpc-small .* fut-boxed .*nginx h2o)\" '$tmp/err'"
"$bench" --conns "64 x" >"$tmp/out" 2>"$tmp/err"
tap_check "--conns '64 x': exit 2" \
	sh -c "test $? -eq 2 && grep -q \"'x' is not a positive whole number\" '$tmp/err'"
tap_exit
