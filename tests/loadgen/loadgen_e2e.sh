#!/bin/sh
# loadgen against a real server: counts, modes and error kinds.
# usage: tests/loadgen/loadgen_e2e.sh [SERVER [SERVER_ARG]...]
# (default user/tpc-server; run from the build tree's parent or root)
cd "$(dirname "$0")/../.." || exit 1
. tests/loadgen/server.sh

# jqt FILTER: true when FILTER holds on the last JSON report.
jqt() {
	jq -e "$1" "$tmp/out.json" >/dev/null
}

tap_plan 19
start_server || { echo "Bail out! $server did not start"; exit 1; }

user/loadgen --port "$port" -c 20 -n 2000 -r 0.1 --json >"$tmp/out.json"
tap_check "closed loop: exit 0" test $? -eq 0
tap_diag "$(jq -c '{requests,responses,heavy_requests,non_2xx,errors}' "$tmp/out.json")"
tap_check "closed loop: 2000 sent, 2000 answered, all 2xx, no error" \
	jqt '.requests == 2000 and .responses == 2000 and .status."2xx" == 2000
	     and .non_2xx == 0 and ([.errors[]] | add) == 0'
tap_check "heavy share near 10% (binomial, 100..300 of 2000)" \
	jqt '.heavy_requests >= 100 and .heavy_requests <= 300'
tap_check "latency histogram holds every response, p50 <= p99 <= max" \
	jqt '.latency_ns.count == 2000 and .latency_ns.p50 <= .latency_ns.p99
	     and .latency_ns.p99 <= .latency_ns.max and .latency_ns.p50 > 0'

user/loadgen --port "$port" -c 10 --rate 2000 --duration 1 --json >"$tmp/out.json"
tap_diag "$(jq -c '{requests,responses,elapsed_s}' "$tmp/out.json")"
tap_check "open loop: sends follow the schedule (2000/s for 1 s, +-20%)" \
	jqt '.requests >= 1600 and .requests <= 2400 and .responses == .requests'

user/loadgen --port "$port" -c 100 --idle --duration 0.5 --json \
	>"$tmp/out.json" 2>"$tmp/err"
tap_check "idle: announces 100 open connections on stderr" \
	grep -qx 'loadgen: idle: 100 connections open' "$tmp/err"
tap_check "idle: one answered request per connection, held without error" \
	jqt '.responses == 100 and .peak_open == 100 and ([.errors[]] | add) == 0'
tap_check "idle, no heavy ratio: 0 of them took GET /heavy" \
	grep -qx 'loadgen: idle: 0 took GET /heavy at least once' "$tmp/err"
user/loadgen --port "$port" -c 30 --idle --idle-requests 7 -r 0.5 --duration 0.5 --json \
	>"$tmp/out.json" 2>"$tmp/err"
tap_check "idle --idle-requests 7: 7 answered per connection, about half heavy, then held" \
	jqt '.responses == 210 and .peak_open == 30 and .heavy_requests >= 70
	     and .heavy_requests <= 140 and ([.errors[]] | add) == 0'
# 1 - 0.5^7: all but about 1 in 128 connections took the heavy branch;
# never more than took it, never more than the heavy requests sent.
took=$(sed -n 's/^loadgen: idle: \([0-9]*\) took GET \/heavy at least once$/\1/p' "$tmp/err")
tap_check "idle --idle-requests 7 -r 0.5: ${took:-no} of 30 took GET /heavy (25..30, at most the heavy requests)" \
	sh -c "[ -n '$took' ] && [ '$took' -ge 25 ] && [ '$took' -le 30 ] && [ '$took' -le \$(jq .heavy_requests '$tmp/out.json') ]"
# Each connection draws from its own stream (--seed and its index): two
# runs send each connection the same requests, whatever order the
# connections run in, so the same number of them took GET /heavy (one
# stream shared in run order gave 100 x (1 - 0.7^3) +- a few, differing).
took_of() {
	user/loadgen --port "$port" -c 100 --idle --idle-requests 3 -r 0.3 --duration 0.3 \
		2>&1 >/dev/null | sed -n 's/^loadgen: idle: \([0-9]*\) took GET \/heavy at least once$/\1/p'
}
took1=$(took_of) took2=$(took_of)
tap_check "two runs: the same connections took GET /heavy (${took1:-?} and ${took2:-?} of 100)" \
	sh -c "[ -n '$took1' ] && [ '$took1' = '$took2' ]"
stop_server

# The server's idle timeout closes held connections: counted as closed.
# No --duration: --idle then ends once the server has closed every one,
# however long the machine takes (a fixed 2.5 s could end before a loaded
# server's 1 s timeouts had all fired); timeout(1) only stops a hang.
start_server --idle-timeout 1
timeout 60 user/loadgen --port "$port" -c 20 --idle --json >"$tmp/out.json" 2>"$tmp/err"
tap_diag "$(jq -c '{responses,peak_open,errors,elapsed_s}' "$tmp/out.json") $(tr '\n' ' ' <"$tmp/err")"
tap_check "connections the server closes count as errors.closed" \
	jqt '.responses == 20 and .errors.closed == 20'
stop_server

# A server that accepts nothing (stopped): connects land in its backlog,
# every request times out.  Every connection failed: an error.
start_server
kill -STOP "$server_pid"
user/loadgen --port "$port" -c 5 --duration 1 -T 1 --json >"$tmp/out.json" 2>"$tmp/err"
rc=$?
kill -CONT "$server_pid"
tap_diag "$(jq -c '{requests,responses,errors}' "$tmp/out.json") $(cat "$tmp/err")"
tap_check "every connection failed: exit 1, the report, stderr says so" \
	sh -c "test $rc -eq 1 && grep -q 'every connection to 127.0.0.1:$port failed' '$tmp/err'"
tap_check "every connection failed: 5 timeouts, nothing answered" \
	jqt '.errors.timeout >= 5 and .responses == 0'
stop_server

# Nothing listens on the port the server just gave back.
user/loadgen --port "$port" -c 5 -n 10 --json >"$tmp/out.json" 2>"$tmp/err"
rc=$?
tap_check "refused connects: exit 1, errors.connect 5, nothing answered" \
	sh -c "test $rc -eq 1 && jq -e '.errors.connect == 5 and .responses == 0' '$tmp/out.json' >/dev/null"
tap_check "refused connects: stderr says nothing listens there" \
	grep -q "no connection to 127.0.0.1:$port could be made (Connection refused): is a server listening there" "$tmp/err"

user/loadgen --port "$port" -c 5 >/dev/null 2>"$tmp/err"
tap_check "neither --requests nor --duration: exit 2" test $? -eq 2
user/loadgen --port "$port" -c 5 -n 1 --heavy-ratio 1.5 >/dev/null 2>"$tmp/err"
tap_check "a heavy ratio above 1: exit 2, says why" \
	sh -c "test $? -eq 2 && grep -q 'heavy-ratio' '$tmp/err'"
user/loadgen --bogus >/dev/null 2>&1
tap_check "an unknown flag: exit 2" test $? -eq 2
tap_exit
