#!/bin/sh
# io_uring operations per request at 10000 connections (a count, not a
# timing): fut-server under loadgen, stacklab-probe counting the SQEs the
# server submits over the whole run, connection setup included.  With too
# few provided buffers every recv past the pool ends with -ENOBUFS and
# re-arms: 7 or more operations a request instead of about 2.
# usage: tests/perf/uring_ops_10k.sh [CONNECTIONS [REQUESTS]]  (from build/)
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. experiments/lib/listening.sh

conns=${1:-10000}
requests=${2:-$((conns * 10))}
bound=2.5
tmp=$(mktemp -d)
srv= probe=
trap 'kill $probe $srv 2>/dev/null; rm -rf "$tmp"' EXIT

tap_plan 3
if [ "$(id -u)" -ne 0 ]; then
	tap_skip "ops per request" "stacklab-probe needs root"
	tap_skip "no errors" "needs root"
	tap_skip "all answered" "needs root"
	exit 0
fi
# Each side holds CONNECTIONS sockets.
ulimit -n $((conns + 200)) 2>/dev/null
if [ "$(ulimit -n)" -lt $((conns + 200)) ]; then
	tap_skip "ops per request" "RLIMIT_NOFILE $(ulimit -n) < $((conns + 200)): raise the hard limit"
	tap_skip "no errors" "same"
	tap_skip "all answered" "same"
	exit 0
fi

user/fut-server --heavy boxed --port 0 --idle-timeout 600 \
	--max-conns $((conns + 100)) >"$tmp/server.out" 2>&1 &
srv=$!
port=$(listening_port "$tmp/server.out")
[ -n "$port" ] || { echo "Bail out! fut-server did not start: $(cat "$tmp/server.out")"; exit 1; }
bpf/stacklab-probe -p "$srv" --json >"$tmp/probe.out" 2>"$tmp/probe.err" &
probe=$!
# The probe prints nothing until it ends: wait for its tracepoints.
sleep 2
kill -0 "$probe" 2>/dev/null ||
	{ echo "Bail out! stacklab-probe did not attach: $(cat "$tmp/probe.err")"; exit 1; }
user/loadgen --port "$port" --connections "$conns" --requests "$requests" \
	--timeout 60 --json --quiet >"$tmp/load.json" 2>"$tmp/load.err"
lg=$?
kill -INT "$probe"
wait "$probe"
probe=
answered=$(jq '.status["2xx"] // 0' "$tmp/load.json" 2>/dev/null)
errors=$(jq '[.errors[]] | add' "$tmp/load.json" 2>/dev/null)
ops=$(grep '"type":"final"' "$tmp/probe.out" | jq .uring_submitted)
tap_diag "loadgen status $lg: ${answered:-?} answered of $requests, ${errors:-?} errors, $conns connections"
tap_diag "io_uring operations submitted: ${ops:-?}"
per=$(awk -v o="${ops:-0}" -v r="${answered:-0}" 'BEGIN { if (r > 0) printf "%.2f", o / r; else print "inf" }')
tap_check "io_uring operations per request $per <= $bound" \
	awk -v p="$per" -v b="$bound" 'BEGIN { exit !(p != "inf" && p + 0 <= b) }'
tap_check "no loadgen errors (${errors:-?})" test "${errors:-1}" -eq 0
tap_check "every request answered (${answered:-0} of $requests)" test "${answered:-0}" -eq "$requests"
kill -TERM "$srv"
wait "$srv"
srv=
tap_exit
