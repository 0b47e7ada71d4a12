#!/bin/sh
# loadgen --idle --idle-batches against a real server: one process opens
# its connections a batch a SIGUSR1, announces each batch once settled,
# keeps no io_uring request posted on a held connection (a server that
# dies is seen only at the next announcement or at exit), and counts the
# connections a server closes.  Every wait is on a line or a state, with
# a generous bound; counts only, never timings.
# usage: tests/loadgen/loadgen_batches.sh [SERVER [SERVER_ARG]...]
# (default user/tpc-server; run from build/)
cd "$(dirname "$0")/../.." || exit 1
. tests/loadgen/server.sh

# start_lg ARG...: loadgen --idle in the background, stdout in $tmp/out,
# stderr in $tmp/err; sets $lg_pid.  The files are emptied here: the
# redirections run in the child, and until then the last run's lines
# would be read as this one's.
start_lg() {
	: >"$tmp/out"
	: >"$tmp/err"
	user/loadgen --port "$port" --idle -T 60 "$@" >"$tmp/out" 2>"$tmp/err" &
	lg_pid=$!
}

# stop_lg: SIGINT, then its exit status in $rc.
stop_lg() {
	kill -INT "$lg_pid" 2>/dev/null
	wait "$lg_pid"
	rc=$?
	lg_pid=
}

# poll COMMAND...: true once COMMAND is, false after 60 s or once
# loadgen ($lg_pid) has exited without it.
poll() {
	_tries=1200
	until "$@"; do
		_tries=$((_tries - 1))
		[ "$_tries" -gt 0 ] || return 1
		if [ -n "$lg_pid" ] && ! kill -0 "$lg_pid" 2>/dev/null; then
			"$@"
			return
		fi
		sleep 0.05
	done
}

# announced N: loadgen said "N connections open".
announced() {
	grep -qx "loadgen: idle: $1 connections open" "$tmp/err"
}

# announcements: the counts announced so far, on one line.
announcements() {
	sed -n 's/^loadgen: idle: \([0-9]*\) connections open$/\1/p' "$tmp/err" | tr '\n' ' '
}

# conns STATE: the client sockets to the server's port in that ss state.
conns() {
	ss -Htn state "$1" "( dport = :$port )" | wc -l
}

# conns_are STATE N
conns_are() {
	[ "$(conns "$1")" -eq "$2" ]
}

# usr1_taken: loadgen has no SIGUSR1 pending (bit 10 - 1 of the masks).
usr1_taken() {
	for _m in $(awk '/^(SigPnd|ShdPnd):/ { print $2 }' "/proc/$lg_pid/status"); do
		[ $((0x$_m & 0x200)) -eq 0 ] || return 1
	done
}

# progress_lines: how many progress lines loadgen has printed.
progress_lines() {
	grep -c '^loadgen: [0-9]* s: ' "$tmp/err"
}

# more_progress N: at least N progress lines.
more_progress() {
	[ "$(progress_lines)" -ge "$1" ]
}

fdsize() {
	awk '/^FDSize:/ { print $2 }' "/proc/$lg_pid/status"
}

# posted_polls: the requests armed on a socket in loadgen's ring, from
# the PollList of its fdinfo ("" when the list could not be read: the
# kernel prints it only when it gets the ring's lock at once).
posted_polls() {
	for _fd in /proc/"$lg_pid"/fd/*; do
		case $(readlink "$_fd") in
		*io_uring*)
			awk '/^PollList:/ { on = 1; n = 0; next }
			     /^[^ \t]/ { if (on) { print n; exit } }
			     on { n++ }' "/proc/$lg_pid/fdinfo/${_fd##*/}"
			return ;;
		esac
	done
}

posted_polls_read() {
	polls=$(posted_polls)
	[ -n "$polls" ]
}

tap_plan 21
start_server || { echo "Bail out! $server did not start"; exit 1; }

# Everything set up first, no connection yet; then a batch a SIGUSR1.
start_lg -c 10 --idle-batches 3
poll announced 0
tap_diag "$(cat "$tmp/err")"
tap_check "--idle-batches 3 -c 10: 'loadgen: idle: 0 connections open' first, before any connection" \
	sh -c "grep -qx 'loadgen: idle: 0 connections open' '$tmp/err' && [ \$(ss -Htn state established '( dport = :$port )' | wc -l) -eq 0 ]"
for n in 3 6 10; do
	kill -USR1 "$lg_pid"
	poll announced "$n"
done
tap_diag "announced: $(announcements); $(conns established) established"
tap_check "a SIGUSR1 each: 0, 3, 6, 10 connections open, in that order" \
	test "$(announcements)" = "0 3 6 10 "
tap_check "each batch announced with its GET /heavy line (3 of them)" \
	test "$(grep -c '^loadgen: idle: 0 took GET /heavy at least once$' "$tmp/err")" -eq 3
tap_check "10 connections established to the server" conns_are established 10
poll posted_polls_read
tap_diag "requests armed on a socket in loadgen's ring: ${polls:-unreadable}"
tap_check "no request posted on a held connection (fdinfo PollList empty)" \
	test "${polls:-x}" = 0

# Past the last batch a SIGUSR1 is ignored: once it is taken, and a
# progress line later, nothing was opened or announced.
kill -USR1 "$lg_pid"
poll usr1_taken
seen=$(progress_lines)
poll more_progress $((seen + 1))
tap_check "a 4th SIGUSR1 is ignored: no announcement, still 10 established" \
	sh -c "[ '$(announcements)' = '0 3 6 10 ' ] && [ \$(ss -Htn state established '( dport = :$port )' | wc -l) -eq 10 ]"

# The server dies: nothing posted on the connections, so nothing moves
# until the exit's check.  Two progress lines after its death (its
# sockets are closed before wait returns) loadgen still says 10 open and
# no error; a recv posted on each would have completed by then.
kill -KILL "$server_pid"
wait "$server_pid"
server_pid=
seen=$(progress_lines)
poll more_progress $((seen + 2))
last=$(grep '^loadgen: [0-9]* s: ' "$tmp/err" | tail -n 1)
tap_diag "after the server's SIGKILL: $last"
tap_check "server killed: loadgen runs on, 10 open, 0 errors, until it is asked" \
	sh -c "kill -0 $lg_pid && echo '$last' | grep -q ': 10 open, 10 sent, 10 answered, 0 errors$'"
stop_lg
tap_diag "$(grep -E 'requests|errors' "$tmp/out" | tr '\n' ' ')"
tap_check "at SIGINT: exit 0, the 10 closes counted (closed 10), 10 answered" \
	sh -c "[ $rc -eq 0 ] && grep -q '^  errors     connect 0 send 0 recv 0 closed 10 parse 0 timeout 0$' '$tmp/out' &&
	       grep -q '^  requests   10 sent (0 heavy), 10 answered' '$tmp/out'"

# SIGUSR1s that come while a batch is opening wait for it, each counted.
# The server stopped, batch 1's 3 connections are established (in its
# backlog) but not answered: the batch stays open while the second and
# third SIGUSR1 are taken.
start_server || { echo "Bail out! $server did not start again"; exit 1; }
pause_server
start_lg -c 10 --idle-batches 3
poll announced 0
kill -USR1 "$lg_pid"
poll usr1_taken
poll conns_are established 3
for _ in 2 3; do
	kill -USR1 "$lg_pid"
	poll usr1_taken
done
tap_check "three SIGUSR1s taken while batch 1 is unanswered: still only '0' announced" \
	test "$(announcements)" = "0 "
kill -CONT "$server_pid"
poll announced 10
tap_diag "announced: $(announcements)"
tap_check "the server runs again: the two waiting batches opened too, 0, 3, 6, 10 announced" \
	test "$(announcements)" = "0 3 6 10 "
stop_lg
tap_check "at SIGINT: exit 0, 10 answered, no error" \
	sh -c "[ $rc -eq 0 ] && grep -q '^  requests   10 sent (0 heavy), 10 answered' '$tmp/out' &&
	       grep -q '^  errors     connect 0 send 0 recv 0 closed 0 parse 0 timeout 0$' '$tmp/out'"
stop_server

# The server closes idle connections (--idle-timeout 1): batch 1's 5
# are closed (CLOSE-WAIT on loadgen's side) before batch 2; its
# announcement counts them out.  Batch 2's may close before its own
# announcement on a slow machine: at most 5 open.
start_server --idle-timeout 1 || { echo "Bail out! $server --idle-timeout 1 did not start"; exit 1; }
start_lg -c 10 --idle-batches 2 -r 1
poll announced 0
kill -USR1 "$lg_pid"
poll announced 5
poll conns_are close-wait 5
kill -USR1 "$lg_pid"
poll sh -c "[ \$(grep -c 'connections open' '$tmp/err') -ge 3 ]"
second=$(announcements | awk '{ print $3 }')
tap_diag "announced: $(announcements); $(conns close-wait) in CLOSE-WAIT"
[ -n "$second" ] || tap_diag "loadgen's stderr: $(grep -v ' s: ' "$tmp/err" | tr '\n' '|')"
tap_check "the server's closes of batch 1 counted out before batch 2's announcement (${second:-?} <= 5 open)" \
	sh -c "[ -n '$second' ] && [ '$second' -le 5 ]"
tap_check "GET /heavy taken by the open ones only (-r 1: the line says ${second:-?})" \
	test "$(sed -n 's/^loadgen: idle: \([0-9]*\) took GET \/heavy at least once$/\1/p' "$tmp/err" | tail -n 1)" = "${second:-x}"
poll conns_are close-wait "${second:-0}"
stop_lg
tap_diag "$(grep -E 'requests|errors' "$tmp/out" | tr '\n' ' ')"
tap_check "every close counted once: exit 0, closed 10, 10 answered" \
	sh -c "[ $rc -eq 0 ] && grep -q 'closed 10 parse' '$tmp/out' &&
	       grep -q '^  requests   10 sent (10 heavy), 10 answered' '$tmp/out'"
stop_server

# The fd table holds every socket before the first batch.  A child's
# table is copied from this shell's (a descriptor it inherited may sit
# high): N is taken above its size, so that only loadgen could grow it.
start_server || { echo "Bail out! $server did not start again"; exit 1; }
big=$(($(awk '/^FDSize:/ { print $2 }' /proc/$$/status) + 10))
start_lg -c "$big" --idle-batches 2
poll announced 0
fd0=$(fdsize)
tap_check "-c $big: before the first batch the fd table holds $big sockets and the spare 64 (FDSize ${fd0:-?} >= $((big + 64)))" \
	sh -c "[ '${fd0:-0}' -ge $((big + 64)) ]"
kill -USR1 "$lg_pid"
poll announced $((big / 2))
kill -USR1 "$lg_pid"
poll announced "$big"
fd1=$(fdsize)
tap_diag "announced: $(announcements)"
tap_check "the fd table did not grow with the batches (FDSize ${fd0:-?} then ${fd1:-?}), $big open" \
	sh -c "[ '${fd0:-x}' = '${fd1:-y}' ] && grep -qx 'loadgen: idle: $big connections open' '$tmp/err'"
stop_lg
stop_server

# --duration ends it as --idle, with what was opened, or nothing.
start_server || { echo "Bail out! $server did not start again"; exit 1; }
user/loadgen --port "$port" -c 2 --idle --idle-batches 2 -d 0.3 --json >"$tmp/out.json" 2>"$tmp/err"
rc=$?
tap_check "-d 0.3 and no SIGUSR1: exit 0, no connection, nothing failed" \
	sh -c "[ $rc -eq 0 ] && jq -e '.connects == 0 and .responses == 0' '$tmp/out.json' >/dev/null"
stop_server

# Bad input: one line each, naming the flag.
bad() {
	user/loadgen --port 1 "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	tap_diag "$*: exit $rc: $(cat "$tmp/err")"
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$want" "$tmp/err"
}
want='--idle-batches goes with --idle'
tap_check "--idle-batches without --idle: exit 2, says it goes with --idle" bad -c 5 -d 1 --idle-batches 2
want="--idle-batches: '0' is out of range"
tap_check "--idle-batches 0: exit 2, out of range" bad -c 5 --idle --idle-batches 0
want='--idle-batches 6: more batches than the 5 connections'
tap_check "--idle-batches 6 -c 5: exit 2, more batches than connections" bad -c 5 --idle --idle-batches 6
want="--idle-batches: 'x3' is not a whole number"
tap_check "--idle-batches x3: exit 2, not a whole number" bad -c 5 --idle --idle-batches x3
tap_exit
