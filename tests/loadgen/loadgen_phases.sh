#!/bin/sh
# loadgen's phases against a real server: connect, warm-up, measure; the
# idle connections reused least recently used first; --server-pid.
# Counts only, never timings.
# usage: tests/loadgen/loadgen_phases.sh [SERVER [SERVER_ARG]...]
# (default user/tpc-server; run from build/)
cd "$(dirname "$0")/../.." || exit 1
. tests/loadgen/server.sh

# jqt FILTER: true when FILTER holds on the last JSON report.
jqt() {
	jq -e "$1" "$tmp/out.json" >/dev/null
}

# lg ARG...: loadgen --port $port ARG... --json into out.json; $rc.
lg() {
	user/loadgen --port "$port" "$@" --json >"$tmp/out.json" 2>"$tmp/err"
	rc=$?
	tap_diag "loadgen $*: exit $rc $(jq -c '{requests,responses,s2xx:.status."2xx",warmup,per_connection,errors}' "$tmp/out.json" 2>/dev/null)"
}

tap_plan 19
start_server || { echo "Bail out! $server did not start"; exit 1; }

# Warm-up, closed loop: what it sends is answered and kept apart.
lg -c 20 -d 0.5 --warmup 0.5
tap_check "closed loop --warmup: exit 0, warm-up answered (warmup.responses > 0, == warmup.sent)" \
	jqt '.warmup.responses > 0 and .warmup.responses == .warmup.sent and .warmup.seconds == 0.5'
tap_check "closed loop --warmup: measured 2xx == measured sent == responses == latency count" \
	jqt '.requests > 0 and .status."2xx" == .requests and .responses == .requests
	     and .latency_ns.count == .requests and ([.errors[]] | add) == 0'

# -n counts measured requests: exactly M, whatever the warm-up sent.
lg -c 20 -n 3000 --warmup 0.3
tap_check "closed loop -n 3000 --warmup: exactly 3000 sent and answered, the warm-up apart" \
	jqt '.requests == 3000 and .responses == 3000 and .status."2xx" == 3000
	     and .warmup.responses > 0'

# FIFO, closed loop: each connection has one request out at a time and
# sends its next one the moment its answer is in, every connection from
# the same start (the end of the connect phase); the run ends after 5000
# sends.  A connection's count falls behind the mean (100) only by the
# rounds the server answers it later than the others.  tpc-server's 50
# threads are answered in the kernel scheduler's order, not in turn, so
# the bound is on the one left behind: none got
# less than half its share; a starved or unused connection gets far less.
lg -c 50 -n 5000
tap_check "closed loop -c 50 -n 5000: every connection counted, each answered (min > 0)" \
	jqt '.per_connection.connections == 50 and .per_connection.min > 0
	     and .responses == 5000'
tap_check "closed loop -c 50 -n 5000: every connection at least half its share (min >= 50)" \
	jqt '.per_connection.min >= 50
	     and .per_connection.min <= .per_connection.median
	     and .per_connection.median <= .per_connection.max'

# Open loop: the schedule (2000/s) starts once all 200 connections are
# open; 0.5 s of it is the warm-up's, the next 1 s is measured.
lg -c 200 --rate 2000 --duration 1 --warmup 0.5
tap_check "open loop --rate 2000 -d 1 --warmup 0.5: measured sent within 2000 +-10%, all answered" \
	jqt '.requests >= 1800 and .requests <= 2200 and .responses == .requests
	     and .status."2xx" == .requests'
tap_check "open loop: the warm-up's share of the schedule (1000 +-10%), answered, apart" \
	jqt '.warmup.sent >= 900 and .warmup.sent <= 1100
	     and .warmup.responses == .warmup.sent'
# At 2000/s a request takes far less than the 100 ms until a connection's
# turn comes again: least recently used first hands the 2000 out round
# robin, 10 each.  Most recently used first would keep reusing the one
# connection that just answered: min 0.
tap_check "open loop: all 200 connections open through the measure, each used (min > 0)" \
	jqt '.per_connection.connections == 200 and .per_connection.min > 0'
tap_check "open loop: round robin, max - min <= 4 (mean 10)" \
	jqt '.per_connection.max - .per_connection.min <= 4'

# Open loop, -n: the schedule's first 600 (0.3 s at 2000/s) are warm-up,
# then exactly 1000 measured.
lg -c 50 --rate 2000 -n 1000 --warmup 0.3
tap_check "open loop -n 1000 --warmup 0.3: exactly 1000 measured, 600 warm-up, all answered" \
	jqt '.requests == 1000 and .responses == 1000 and .warmup.sent == 600
	     and .warmup.responses == 600'

# The text report and the progress line name the warm-up.
user/loadgen --port "$port" -c 5 -d 0.5 --warmup 1.5 >"$tmp/out.txt" 2>"$tmp/err"
tap_diag "$(grep -E 'warm-up|per conn' "$tmp/out.txt" "$tmp/err" | tr '\n' ' ')"
tap_check "text report: a warm-up line and a per-connection line" \
	sh -c "grep -q '^  warm-up    1.50 s: [1-9][0-9]* sent' '$tmp/out.txt' &&
	       grep -q '^  per conn   answered min [1-9]' '$tmp/out.txt'"
tap_check "progress line says warm-up while warming up (at 1 s of 1.5)" \
	grep -q '^loadgen: 1 s: warm-up, 5 open' "$tmp/err"

# --server-pid: the server's CPU time over the measured phase.
lg -c 10 -n 2000 --server-pid "$server_pid"
tap_check "--server-pid: exit 0, server_cpu.seconds >= 0, us_per_request a number" \
	sh -c "test $rc -eq 0 && jq -e '.server_cpu.pid == $server_pid and .server_cpu.seconds >= 0
	       and (.server_cpu.us_per_request | type) == \"number\"' '$tmp/out.json' >/dev/null"
lg -c 10 -n 20
tap_check "without --server-pid: no server_cpu" \
	jqt 'has("server_cpu") | not'
tap_check "without --warmup: warmup is zeros, everything measured" \
	jqt '.warmup == {"seconds": 0, "sent": 0, "responses": 0, "errors": 0} and .responses == 20'

user/loadgen --port "$port" -c 1 -n 1 --server-pid 999999999 >"$tmp/out" 2>"$tmp/err"
rc=$?
tap_check "--server-pid 999999999: exit 2, says no such process, sends nothing" \
	sh -c "test $rc -eq 2 && grep -qx 'loadgen: --server-pid 999999999: no such process (/proc/999999999/stat: No such file or directory)' '$tmp/err' && test ! -s '$tmp/out'"
user/loadgen --port "$port" -c 1 --idle -d 0.1 --warmup 1 >/dev/null 2>"$tmp/err"
rc=$?
tap_check "--warmup with --idle: exit 2, says why" \
	sh -c "test $rc -eq 2 && grep -q 'warmup.*not with --idle' '$tmp/err'"

# Connect phase: a stopped server's accept queue (LISTEN_BACKLOG 4096)
# takes 4097 connects; the SYNs of the other 203 are dropped until it
# runs again (retried by the kernel at 1 s and 3 s).  Nothing may be sent
# meanwhile, in open loop not even scheduled: the progress line at 1 s
# says connecting and 0 sent.  Then the load runs on all 4300.
pause_server
user/loadgen --port "$port" -c 4300 --rate 1000 -n 500 -T 20 \
	>"$tmp/out.txt" 2>"$tmp/err" &
lg_pid=$!
sleep 2
kill -CONT "$server_pid"
wait "$lg_pid"
rc=$?
tap_diag "$(grep -E '^loadgen: [0-9]+ s:|requests|per conn|connections' "$tmp/out.txt" "$tmp/err" | tr '\n' ' ')"
tap_check "connect phase: 1 s in, still connecting, nothing sent" \
	grep -Eq '^loadgen: 1 s: connecting, [0-9]+ open, 0 sent, 0 answered' "$tmp/err"
tap_check "connect phase over: exit 0, 500 sent and answered, all 4300 connections open through the measure" \
	sh -c "test $rc -eq 0 && grep -q '^  requests   500 sent (0 heavy), 500 answered' '$tmp/out.txt' &&
	       grep -q '(4300 connections open throughout)' '$tmp/out.txt'"

stop_server
tap_exit
