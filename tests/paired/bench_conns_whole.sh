#!/bin/sh
# experiments/bench-conns on the host, short: fut-boxed at 100 and 200
# idle connections, one round, then --find-max on tpc-server up to 60.
# Checks the whole cost (docs/design.md, experiments/bench-conns): the
# kernel-object keys exist, their caches' rows add up to them, the whole
# is bytes/conn + kernel objects, the whole slope is there, and
# max_conns.tpc counts the 60 connections it held.  Counts and sums, never
# timings, and never the figures' signs: /proc/slabinfo is system-wide, so
# on a busy machine other programs' sockets move a short run's figures
# either way.
# Run from build/ (host suite); the script lives in the source tree.
. "$(dirname "$0")/../lib/tap.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
if ! command -v jq >/dev/null || [ ! -x user/fut-server ] || [ ! -x user/tpc-server ]; then
	echo "1..0 # SKIP needs jq, user/fut-server and user/tpc-server"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tap_plan 8
sh "$root/experiments/bench-conns" --conns "100 200" --repeat 1 \
	--server "fut-boxed=user/fut-server --heavy boxed" \
	--find-max tpc=user/tpc-server --find-max-conns 60 >"$tmp/out" 2>"$tmp/err"
rc=$?
tap_check "bench-conns exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/err"

key() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/out"; }
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }
integer() { expr "$1" : '-\{0,1\}[0-9][0-9]*$' >/dev/null; }
# caches N: the sum of the "of which" rows at N.
caches() {
	awk -v p="kernel_objects_by_cache.fut-boxed.$1." \
		'index($1, p) == 1 { s += $2; n++ } END { if (n) print s }' "$tmp/out"
}

for n in 100 200; do
	kobj=$(key "kernel_objects_per_conn.fut-boxed.$n")
	tap_check "kernel_objects_per_conn.fut-boxed.$n ($kobj) = its caches' rows ($(caches $n))" \
		same "$kobj" "$(caches $n)"
	whole=$(key "bytes_per_conn_whole.fut-boxed.$n")
	sum=$(($(key "bytes_per_conn.fut-boxed.$n") + kobj))
	tap_check "whole at $n ($whole) = bytes/conn + kernel objects ($sum)" [ "$whole" = "$sum" ]
done
tap_check "kernel_objects_per_conn.fut-boxed.200 is a whole number of bytes" \
	integer "$(key kernel_objects_per_conn.fut-boxed.200)"
tap_check "bytes_per_conn_whole_slope.fut-boxed is there" [ -n "$(key bytes_per_conn_whole_slope.fut-boxed)" ]
tap_check "max_conns.tpc is 60 (all it was asked for)" [ "$(key max_conns.tpc)" = 60 ]
tap_exit
