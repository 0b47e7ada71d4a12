#!/bin/sh
# A real HTTP client (wrk, Debian's package) against a server, mixing
# GET / and GET /heavy: no socket error and no non-2xx response.
# usage: tests/server/wrk.sh SERVER_BINARY [SERVER_ARG]...
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. experiments/lib/listening.sh

server=$1
shift
tmp=$(mktemp -d)
pid=
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT

tap_plan 3
"$server" --port 0 "$@" >"$tmp/server.out" 2>&1 &
pid=$!
port=$(listening_port "$tmp/server.out")
HEAVY_RATIO=0.05 wrk -t1 -c50 -d2s -s tests/server/wrk_mix.lua \
	"http://127.0.0.1:$port/" >"$tmp/wrk.out" 2>&1
sed 's/^/# /' "$tmp/wrk.out"
requests=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$tmp/wrk.out")
tap_check "wrk got answers ($requests requests)" test "${requests:-0}" -gt 0
tap_check "no socket errors" sh -c "! grep -q 'Socket errors' '$tmp/wrk.out'"
tap_check "no non-2xx responses" sh -c "! grep -q 'Non-2xx' '$tmp/wrk.out'"
kill -TERM $pid
wait $pid
pid=
tap_exit
