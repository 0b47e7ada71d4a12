#!/bin/sh
# fut-advise --pid on a running tokio server (tests/advise/rust: one task
# per connection), read while it runs.  1000 connections, 10 of them parked
# inside the heavy branch: exactly 10 tasks at the heavy await and 990 at
# the read; after 100 idle ones close, 900 and 890.  The same on a 2-worker
# runtime, and with the heavy child boxed, plain or as a dyn Future (its
# type from its vtable), and with a task cell aligned to 128 bytes.  The
# inline build gets "box the heavy await" at its line with a saving within
# 10% of what boxing measures (RSS growth per connection, inline less
# boxed); the boxed build gets no suggestion; a heavy local held across an
# await is found.  --uprobes counts the tasks that entered each state while
# it watched.  Errors: not a tokio program, no such process, no permission.
# Run from the build tree.
. tests/lib/tap.sh
. experiments/lib/listening.sh
R=cargo-advise/release
SRC=tests/advise/rust/src/bin/census-server.rs
N=1000 HEAVY=10 CLOSE=100
if [ ! -x /usr/bin/cargo ]; then
	tap_plan 1
	tap_skip "fut-advise --pid" "no /usr/bin/cargo (make deps)"
	exit 0
fi
tmp=$(mktemp -d)
srv= cli= other=
trap 'exec 3>&-; kill $cli $srv $other 2>/dev/null; rm -rf "$tmp"' EXIT
# Each await's line, from the source: what fut-advise must name.
# jq_true FILTER FILE: the filter yields true (an empty file yields nothing).
jq_true() { [ "$(jq "$@")" = true ]; }
line_of() { grep -n -- "$1" "$SRC" | head -1 | cut -d: -f1; }
READ=$(line_of 's.read(&mut buf).await')
L_INLINE=$(line_of '    heavy(&mut s).await')
L_BOXED=$(line_of 'Box::pin(heavy(&mut s)).await')
L_DYN=$(line_of 'child.await')
L_ALIGNED=$(grep -n 'scratch.0).await' "$SRC" | head -1 | cut -d: -f1)
L_LOCAL=$(grep -n 's.write_all(b"heavy\\n").await?;' "$SRC" | tail -1 | cut -d: -f1)

# start MODE THREADS: the server and N connections parked; $srv, $cli.
start() {
	: >"$tmp/srv.out"
	"$R/census-server" --heavy "$1" --threads "$2" >"$tmp/srv.out" 2>&1 &
	srv=$!
	port=$(listening_port "$tmp/srv.out") || { echo "# census-server did not start" >&2; return 1; }
	rss0=$(rss_kb $srv)
	rm -f "$tmp/cmd"
	mkfifo "$tmp/cmd"
	: >"$tmp/cli.out"
	"$R/census-client" --port "$port" --conns $N --heavy $HEAVY <"$tmp/cmd" >"$tmp/cli.out" 2>&1 &
	cli=$!
	exec 3>"$tmp/cmd"
	for _ in $(seq 600); do
		grep -q ready "$tmp/cli.out" && rss1=$(rss_kb $srv) && return 0
		kill -0 $cli 2>/dev/null || break
		sleep 0.1
	done
	echo "# census-client: $(cat "$tmp/cli.out")" >&2
	return 1
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

stop() {
	exec 3>&-
	kill $cli $srv 2>/dev/null
	wait $cli $srv 2>/dev/null
	cli= srv=
}

# live FUTURE [LINE]: tasks of the future, or in its state at that await.
live() {
	jq -r --arg f "$1" --arg l "${2:-}" '.futures[] | select(.name == $f) |
		if $l == "" then .live else ([.states[] | select(.line == ($l | tonumber)) | .live] | add) end' \
		"$tmp/c.json"
}

census() { user/fut-advise --pid $srv --json >"$tmp/c.json" 2>"$tmp/c.err"; }

# counts MODE THREADS HEAVY_LINE: the census before and after closing.
counts() {
	f=census_server::conn_$1
	start "$1" "$2" || { tap_check "$1/$2 threads: server and clients up" false; return; }
	census
	got="$(live $f) $(live $f "$READ") $(live $f "$3")"
	tap_check "$1, $2 threads: $f live/read/heavy = $got, want $N $((N - HEAVY)) $HEAVY" \
		test "$got" = "$N $((N - HEAVY)) $HEAVY"
	cp "$tmp/c.json" "$tmp/$1-$2.json"
	echo $(((rss1 - rss0) * 1024 / N)) >"$tmp/$1-$2.rss"
	echo "close $CLOSE" >&3
	# The server drops a task once it has read the EOF: wait for it.
	for _ in $(seq 100); do
		census
		[ "$(live $f)" = $((N - CLOSE)) ] && break
		sleep 0.1
	done
	got="$(live $f) $(live $f "$READ") $(live $f "$3")"
	tap_check "$1, $2 threads, $CLOSE closed: $got, want $((N - CLOSE)) $((N - CLOSE - HEAVY)) $HEAVY" \
		test "$got" = "$((N - CLOSE)) $((N - CLOSE - HEAVY)) $HEAVY"
	stop
}

tap_plan 21
echo "# awaits: read at $READ, heavy inline at $L_INLINE, boxed at $L_BOXED, local at $L_LOCAL"
counts inline 0 "$L_INLINE"
counts inline 2 "$L_INLINE"
counts boxed 0 "$L_BOXED"
# A Pin<Box<dyn Future>> child: its type from its vtable.
counts dyn 0 "$L_DYN"
# A cell aligned past 16 bytes sits inside its malloc chunk.
counts aligned 0 "$L_ALIGNED"
tap_check "dyn: the heavy children behind the dyn box counted (census_server::heavy: $(jq '.futures[] | select(.name == "census_server::heavy") | .live' "$tmp/dyn-0.json"))" \
	jq_true '(.futures[] | select(.name == "census_server::heavy") | .live == 10) and .census.boxes_unknown == 0' "$tmp/dyn-0.json"
j="$tmp/inline-0.json"
echo "# inline: $(jq -c '.suggestions[0] | {what, line, fix, bytes_per_task_now, bytes_per_task_after, saved_per_task_bytes, saved_bytes}' "$j")"
tap_check "inline: the first suggestion boxes the heavy await at line $L_INLINE" test \
	"$(jq -r '.suggestions[0] | "\(.action) \(.what) \(.line) \(.future)"' "$j")" = \
	"box await $L_INLINE census_server::conn_inline"
tap_check "inline: its fix is Box::pin(heavy(..)).await" \
	sh -c "jq -r '.suggestions[0].fix' '$j' | grep -qF 'Box::pin(heavy(..)).await'"
# The saving at the census's occupancy: every task stops holding the heavy
# state, the 10 in it hold a box of it.
tap_check "inline: saves bytes at the census's occupancy, 10 of 1000 holding" \
	jq_true '.suggestions[0] | .holding == 10 and .live == 1000 and .saved_bytes > 0 and
		.saved_per_task_bytes > 0 and .bytes_per_task_after < .bytes_per_task_now' "$j"
# What boxing measures: the RSS growth per connection, inline less boxed.
pred=$(jq '.suggestions[0].saved_per_task_bytes' "$j")
meas=$(($(cat "$tmp/inline-0.rss") - $(cat "$tmp/boxed-0.rss")))
tap_check "inline: the predicted saving ($pred bytes a task) within 10% of the measured ($meas: RSS per connection inline $(cat "$tmp/inline-0.rss"), boxed $(cat "$tmp/boxed-0.rss"))" \
	awk -v m="$meas" -v p="$pred" 'BEGIN { d = m - p; if (d < 0) d = -d; exit !(p > 0 && d <= 0.10 * p) }'
tap_check "boxed: no suggestion" test "$(jq '.suggestions | length' "$tmp/boxed-0.json")" = 0

start local 0 && census
tap_check "local: the heavy local is found (\`scratch\` held across line $L_LOCAL)" test \
	"$(jq -r '[.suggestions[] | select(.what == "local")][0] | "\(.value) \(.line) \(.holding)"' "$tmp/c.json")" = \
	"scratch $L_LOCAL $HEAVY"
stop
# --uprobes: 100 idle connections; while it watches, 10 of them enter the
# heavy branch.  Entered: the read state 100 (the 10 were polled there, the
# 90 wait there), the heavy await 10.
HEAVY=0 N=100
start inline 0
user/fut-advise --pid $srv --uprobes 3s --json >"$tmp/up.json" 2>"$tmp/up.err" &
fa=$!
for _ in $(seq 100); do grep -q watching "$tmp/up.err" && break; sleep 0.1; done
echo "heavy 10" >&3
wait $fa
st=$?
got="$(jq -r '.futures[] | select(.name == "census_server::conn_inline") | .states[] |
	select(.line == '"$READ"' or .line == '"$L_INLINE"') | "\(.entered)"' "$tmp/up.json" | tr '\n' ' ')"
tap_check "--uprobes: entered read/heavy = $got, want 100 10 (exit $st)" \
	test "$got" = "100 10 "
stop
HEAVY=10 N=1000
start local 0
# No permission: process_vm_readv needs ptrace access to the process.
setpriv --reuid=65534 --regid=65534 --clear-groups user/fut-advise --pid $srv \
	>/dev/null 2>"$tmp/err"
st=$?
tap_check "another user: exit 1, no permission ($(cat "$tmp/err"))" \
	sh -c "[ $st = 1 ] && grep -q 'no permission' '$tmp/err'"
stop
"$R/census-server" --threads 0 >/dev/null 2>&1 &
gone=$!
kill $gone
wait $gone 2>/dev/null
user/fut-advise --pid $gone >/dev/null 2>"$tmp/err"
st=$?
tap_check "a process gone: exit 1 ($(cat "$tmp/err"))" \
	sh -c "[ $st = 1 ] && grep -q 'no such process' '$tmp/err'"
# A Rust program with async fns but no tokio runtime: it waits for its
# stdin, a FIFO held open here until the check is done.
mkfifo "$tmp/hold"
"$R/sizes" --wait <"$tmp/hold" >"$tmp/sizes.out" &
other=$!
exec 4>"$tmp/hold"
for _ in $(seq 50); do grep -q main_block "$tmp/sizes.out" && break; sleep 0.1; done
user/fut-advise --pid $other >/dev/null 2>"$tmp/err"
st=$?
exec 4>&-
tap_check "a Rust program without tokio: exit 1, not a tokio program ($(cat "$tmp/err"))" \
	sh -c "[ $st = 1 ] && grep -q 'not a tokio program' '$tmp/err'"
tap_exit
