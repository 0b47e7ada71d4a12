#!/bin/sh
# stack-advise's thread classes by start routine: sa_routines starts 8
# threads in reader() (deep(), a 64 KiB frame, each) and 8 in writer() (shallow),
# one name, one stack size.  Two classes, reader and writer, 8 threads each;
# the deep frame is in reader's class, reached by all of it: "keep" (by name
# it would be half of one class of 16: "segment").  usage: routines.sh MODE
#   pid:      stack-advise -p watches; the threads are alive at the report.
#   pid-exit: the same, but sa_routines exits first and the report comes at
#             its exit: the routines are the ones read while the threads ran.
#   command:  stack-advise -- sa_routines starts it; the threads have exited
#             by the report, as with pid-exit.
# A thread is read at the tool's polls: the threads end only once -v has
# said all 16 were read (a thread that lives less than a poll is not, and
# takes its namesakes' routine).
. tests/lib/tap.sh
. tests/lib/attach.sh
mode=${1:-pid}
tmp=$(mktemp -d)
w= sa=
trap 'exec 3>&-; kill $sa $w 2>/dev/null; rm -rf "$tmp"' EXIT
mkfifo "$tmp/in"

tap_plan 3
case $mode in
pid|pid-exit)
	tests/stackadvise/sa_routines 8 <"$tmp/in" >"$tmp/w.out" &
	w=$!
	exec 3>"$tmp/in"
	# Not holding the fifo: sa_routines sees its end when fd 3 closes.
	attach_tool "$tmp/sa.json" "$tmp/sa.err" bpf/stack-advise -v -p $w --json 3>&-
	sa=$attached_pid ;;
command)
	bpf/stack-advise -v --json -o "$tmp/sa.json" -- tests/stackadvise/sa_routines 8 \
		<"$tmp/in" >"$tmp/w.out" 2>"$tmp/sa.err" &
	sa=$!
	exec 3>"$tmp/in" ;;
*)
	echo "routines.sh: mode '$mode' is not pid, pid-exit or command" >&2
	exit 2 ;;
esac
echo go >&3
for _ in $(seq 100); do grep -q ready "$tmp/w.out" && break; sleep 0.1; done
# The bound only ends a run whose tool never reads them (the old code's).
for _ in $(seq 300); do
	[ "$(grep -c '^stack-advise: thread [0-9]* starts in' "$tmp/sa.err")" -ge 16 ] && break
	sleep 0.1
done
if [ $mode = pid ]; then
	kill -INT $sa; wait $sa; sa=
	exec 3>&-
	wait $w; w=
else
	exec 3>&-	# sa_routines ends, and stack-advise reports
	wait $sa; sa=
	[ -z "$w" ] || { wait $w; w=; }
fi
classes=$(jq -c '[.classes[] | select(.main_thread | not) | [.start_routine, .threads_all]] | sort' "$tmp/sa.json")
deep=$(jq -r '[.suggestions[] | select(.function == "deep")][0] | "\(.action) \(.class_start_routine) \(.threads)"' "$tmp/sa.json")
echo "# $mode: classes (start routine, threads): $classes; deep: $deep"
tap_check "two classes by start routine, reader and writer, 8 threads each ($mode)" \
	test "$classes" = '[["reader",8],["writer",8]]'
tap_check "deep is in reader's class, all 8 threads ($mode)" \
	test "$(echo $deep | cut -d' ' -f2-)" = "reader 8"
tap_check "deep: keep (every thread of its class goes there) ($mode)" \
	test "$(echo $deep | cut -d' ' -f1)" = keep
[ $tap_failed -eq 0 ]
