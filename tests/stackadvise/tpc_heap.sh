#!/bin/sh
# Following stack-advise's first suggestion on tpc-server: with the heavy
# array on the stack, stack-advise names heavy_on_stack first ("segment")
# and predicts the bytes released; with --heavy-on heap the measured bytes
# per connection (server RSS + page tables, slope between two connection
# counts) must drop by at least the prediction minus 10%.  Each connection
# is served REQS requests (1 in HEAVY_EVERY heavy, counted over all), then
# held idle.  Server on CPU 0, client on CPU 1.  Run from the build tree.
. tests/lib/tap.sh
. tests/lib/attach.sh
. experiments/lib/listening.sh 2>/dev/null || . ../experiments/lib/listening.sh
N1=${SA_CONNS1:-100} N2=${SA_CONNS2:-300} REQS=20 HEAVY_EVERY=100
tmp=$(mktemp -d)
pid= hp= sa=
trap 'kill $hp $sa $pid 2>/dev/null; rm -rf "$tmp"' EXIT

# Server RSS + page tables, bytes.
mem() {
	awk '/^VmRSS:|^VmPTE:/ { kb += $2 } END { print kb * 1024 }' "/proc/$1/status"
}

# run MODE N ADVISE: prints "bytes_added released_predicted" (0 without ADVISE).
run() {
	: >"$tmp/srv.out"
	taskset -c 0 user/tpc-server --port 0 --heavy-on "$1" --max-conns 5000 \
		>"$tmp/srv.out" 2>&1 &
	pid=$!
	port=$(listening_port "$tmp/srv.out") || { echo "# tpc-server did not start" >&2; return 1; }
	if [ "$3" = advise ]; then
		attach_tool "$tmp/sa.json" "$tmp/sa.err" bpf/stack-advise -p "$pid" --json
		sa=$attached_pid
	fi
	before=$(mem "$pid")
	taskset -c 1 tests/stackadvise/hold_conns "$port" "$2" $REQS $HEAVY_EVERY >"$tmp/hold.out" &
	hp=$!
	while ! grep -q 'idle:' "$tmp/hold.out" && kill -0 $hp 2>/dev/null; do sleep 0.1; done
	sleep 0.5
	after=$(mem "$pid")
	released=0
	if [ -n "$sa" ]; then
		kill -INT $sa; wait $sa; sa=
		cp "$tmp/sa.json" "$tmp/sa-$2.json"
		released=$(jq '[.suggestions[] | select(.action == "segment" and .function == "heavy_on_stack") | .bytes_released] | add // 0' "$tmp/sa.json")
	fi
	kill $hp; wait $hp 2>/dev/null; hp=
	kill -TERM $pid; wait $pid; pid=
	echo "$((after - before)) $released"
}

tap_plan 3
set -- $(run stack $N1 advise); s1=$1 p1=$2
set -- $(run stack $N2 advise); s2=$1 p2=$2
set -- $(run heap $N1); h1=$1
set -- $(run heap $N2); h2=$1
first=$(jq -r '.suggestions[0] | "\(.action) \(.function)"' "$tmp/sa-$N2.json")
echo "# stack-advise's first suggestion at $N2 connections: $first"
tap_check "first suggestion segments heavy_on_stack" test "$first" = "segment heavy_on_stack"
slope() { echo $(( ($2 - $1) / (N2 - N1) )); }
stack=$(slope $s1 $s2) heap=$(slope $h1 $h2) pred=$(slope $p1 $p2)
echo "# bytes per connection (slope $N1..$N2): stack $stack, heap $heap; measured saving $((stack - heap)), predicted $pred"
tap_check "stack-advise predicted a saving ($pred bytes per connection)" test "$pred" -gt 0
tap_check "heap saves at least the prediction minus 10% ($((stack - heap)) >= 0.9 x $pred)" \
	awk -v m=$((stack - heap)) -v p="$pred" 'BEGIN { exit !(m >= 0.9 * p) }'
[ $tap_failed -eq 0 ]
