#!/bin/sh
# stack-advise -p on tpc-server under loadgen --heavy-ratio 0.01 (200
# connections, 20 requests each): the first suggestion segments the heavy
# handler, heavy_on_stack, at its file and line, with the pages written by
# workload_heavy_fill attributed to the frame that holds them.
. tests/lib/tap.sh
. tests/lib/attach.sh
. experiments/lib/listening.sh 2>/dev/null || . ../experiments/lib/listening.sh
tmp=$(mktemp -d)
pid= sa=
trap 'kill $sa $pid 2>/dev/null; rm -rf "$tmp"' EXIT

tap_plan 4
user/tpc-server --port 0 >"$tmp/srv.out" 2>&1 &
pid=$!
port=$(listening_port "$tmp/srv.out") || { echo "# tpc-server did not start"; exit 1; }
attach_tool "$tmp/sa.json" "$tmp/sa.err" bpf/stack-advise -p "$pid" --json
sa=$attached_pid
user/loadgen --port "$port" --connections 200 --requests 4000 --heavy-ratio 0.01 -q >/dev/null
tap_check "loadgen ran" test $? -eq 0
kill -INT $sa; wait $sa; sa=
first=$(jq -r '.suggestions[0] | "\(.action) \(.function) \(.file):\(.line)"' "$tmp/sa.json")
echo "# first suggestion: $first"
tap_check "first suggestion segments heavy_on_stack" \
	test "$(jq -r '.suggestions[0] | "\(.action) \(.function)"' "$tmp/sa.json")" = "segment heavy_on_stack"
tap_check "it names tpc_conn.c and a line" sh -c "echo '$first' | grep -Eq 'tpc_conn.c:[0-9]+$'"
tap_check "-p says earlier pages are not attributed" grep -q "not attributed" "$tmp/sa.err"
kill -TERM $pid; wait $pid; pid=
[ $tap_failed -eq 0 ]
