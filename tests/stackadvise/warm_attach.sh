#!/bin/bash
# stack-advise -p and stacklab-probe -p on a warm server: tpc-server
# holding 20 served, idle connections (a thread each, its stack already
# touched, no fault left to see).  Both tools' stacks_at_attach must count
# every blocked thread and exactly the bytes smaps shows resident in the
# mappings that hold their sp; stack-advise's connection class carries
# them as "predates attach"; the probe says it attached on stderr, --json
# too.
. tests/lib/tap.sh
. tests/lib/proc_stacks.sh
. experiments/lib/listening.sh 2>/dev/null || . ../experiments/lib/listening.sh
tmp=$(mktemp -d)
pid= hp=
trap 'kill $hp $pid 2>/dev/null; rm -rf "$tmp"' EXIT
N=20

tap_plan 8
user/tpc-server --port 0 >"$tmp/srv.out" 2>&1 &
pid=$!
port=$(listening_port "$tmp/srv.out") || { echo "# tpc-server did not start"; exit 1; }
tests/stackadvise/hold_conns "$port" $N $N 5 >"$tmp/hold.out" &
hp=$!
while ! grep -q 'idle:' "$tmp/hold.out" && kill -0 $hp 2>/dev/null; do sleep 0.1; done

# Ground truth from /proc (tests/lib/proc_stacks.sh).
read -r threads rss <<<"$(proc_stacks $pid)"
echo "# /proc: $threads blocked threads, $rss bytes resident in their stacks"

# TOOL: run it on the server for half a second; its stacks_at_attach
# must be /proc's.
check_at_attach() {
	bpf/$1 -p "$pid" -d 0.5 --json >"$tmp/$1.json" 2>"$tmp/$1.err"
	tap_check "$1 ran" test $? -eq 0
	echo "# $1 stacks_at_attach: $(jq -c .stacks_at_attach "$tmp/$1.json")"
	tap_check "$1 seeds every blocked thread's stack ($threads)" \
		test "$(jq .stacks_at_attach.threads "$tmp/$1.json")" = "$threads"
	tap_check "$1's resident bytes are smaps' ($rss)" \
		test "$(jq .stacks_at_attach.resident_bytes "$tmp/$1.json")" = "$rss"
}

check_at_attach stack-advise
tap_check "the connection threads' class predates attach ($N at least)" \
	test "$(jq "[.classes[] | select(.attach_threads >= $N)] | length" "$tmp/stack-advise.json")" -ge 1

check_at_attach stacklab-probe
tap_check "the probe says it attached on stderr with --json" \
	grep -q "^stacklab-probe: attached: " "$tmp/stacklab-probe.err"
[ $tap_failed -eq 0 ]
