#!/bin/sh
# fut-server --profile: a path that cannot be written fails at start with
# the reason; a writable one holds a profile from the start and at exit.
# usage: tests/server/fut_profile.sh [SERVER]   (default user/fut-server)
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. experiments/lib/listening.sh

server=${1:-user/fut-server}
tmp=$(mktemp -d)
server_pid=
trap 'kill $server_pid 2>/dev/null; rm -rf "$tmp"' EXIT

tap_plan 6
# A regular file as the directory: unwritable even for root.
: >"$tmp/file"
timeout 10 "$server" --port 0 --profile "$tmp/file/p.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
tap_diag "$(cat "$tmp/err")"
tap_check "unwritable --profile: exit 1 at start" test $rc -eq 1
tap_check "unwritable --profile: stderr names the flag, the path and why" \
	grep -q -- "--profile $tmp/file/p.json: cannot write the profile there (Not a directory)" "$tmp/err"
tap_check "unwritable --profile: it never listened" \
	sh -c "! grep -q 'listening on' '$tmp/out'"

"$server" --port 0 --profile "$tmp/p.json" >"$tmp/out" 2>"$tmp/err" &
server_pid=$!
port=$(listening_port "$tmp/out")
tap_check "writable --profile: a profile is there from the start" \
	sh -c "test -n '$port' && jq -e 'type == \"object\"' '$tmp/p.json' >/dev/null"
user/loadgen --port "${port:-1}" -c 2 -n 20 -q >/dev/null 2>&1
kill -TERM "$server_pid"
wait "$server_pid"
rc=$?
server_pid=
tap_check "writable --profile: exit 0" test $rc -eq 0
tap_check "writable --profile: rewritten at exit, the connections' type in it" \
	grep -q '"http_conn"' "$tmp/p.json"
tap_exit
