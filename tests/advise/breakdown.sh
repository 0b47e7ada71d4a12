#!/bin/sh
# fut-advise --breakdown on fut-server --heavy boxed, profiled (SIGUSR1)
# with 200 connections open and idle: the dominant type and its live count,
# state rows that add up to the profile's state_size, the slab rounding the
# profile's alloc_bytes implies, the task in the 320-byte slab class, no
# timer heap slot (an idle receive's timeout waits in a lane, off the
# heap); usage errors.  Counts only.  Run from the build tree.
. tests/lib/tap.sh
. experiments/lib/listening.sh 2>/dev/null || . ../experiments/lib/listening.sh
N=200
tmp=$(mktemp -d)
pid= lp=
trap 'kill $lp $pid 2>/dev/null; rm -rf "$tmp"' EXIT

tap_plan 8
taskset -c 0 user/fut-server --port 0 --heavy boxed --profile "$tmp/p.json" \
	--idle-timeout 600 >"$tmp/srv.out" 2>&1 &
pid=$!
port=$(listening_port "$tmp/srv.out") || { echo "# fut-server did not start"; exit 1; }
user/loadgen --port "$port" --connections $N --idle --cpu 1 -q 2>"$tmp/lg.err" >/dev/null &
lp=$!
while ! grep -q 'connections open' "$tmp/lg.err" && kill -0 $lp 2>/dev/null; do sleep 0.1; done
rm -f "$tmp/p.json"
kill -USR1 $pid
i=0
while [ ! -s "$tmp/p.json" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
user/fut-advise "$tmp/p.json" --binary user/fut-server --breakdown --json >"$tmp/b.json"
tap_check "--breakdown --json exits 0" test $? -eq 0
tap_check "the type is http_conn, $N live" \
	test "$(jq -r '"\(.type) \(.live)"' "$tmp/b.json")" = "http_conn $N"
state=$(jq '.types[] | select(.name == "http_conn") | .state_size' "$tmp/p.json")
alloc=$(jq '.types[] | select(.name == "http_conn") | .alloc_bytes' "$tmp/p.json")
rows=$(jq '[.rows[] | select(.part != "task header" and .part != "slab class rounding"
	and .part != "task table entry") | .bytes] | add' "$tmp/b.json")
echo "# state $state bytes, its rows $rows; alloc $alloc"
tap_check "the state's rows add up to state_size ($state)" test "${rows%.*}" = "$state"
tap_check "header + state + rounding = alloc_bytes ($alloc)" test \
	"$(jq '[.rows[] | select(.part == "task header" or .part == "slab class rounding") | .bytes] | add' "$tmp/b.json" | cut -d. -f1)" \
	= "$((alloc - state))"
# 336 bytes would take the 384 class: 64 more per idle connection.
tap_check "the task takes the 320-byte slab class, not more ($alloc)" test "$alloc" -le 320
tap_check "no timer row: each idle receive's timeout is in a lane, counted in the state" test \
	"$(jq '[.rows[] | select(.part | test("timer"))] | length' "$tmp/b.json")" = 0
user/fut-advise "$tmp/p.json" --breakdown >/dev/null 2>"$tmp/err"
tap_check "--breakdown without --binary: exit 2, says why" \
	sh -c "test $? -eq 2 && grep -q 'needs --binary' '$tmp/err'"
kill $lp; wait $lp 2>/dev/null; lp=
kill -TERM $pid; wait $pid; pid=
# At exit every connection is gone: nothing is live to break down.
user/fut-advise "$tmp/p.json" --binary user/fut-server --breakdown >/dev/null 2>"$tmp/err"
tap_check "a profile with no live task: exit 1, says to dump while alive" \
	sh -c "test $? -eq 1 && grep -q 'no root type has live tasks' '$tmp/err'"
tap_exit
