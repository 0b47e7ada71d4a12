#!/bin/sh
# stack-advise's thread classes by start routine: sa_routines starts 8
# threads in reader() (deep(), a 64 KiB frame, each) and 8 in writer() (shallow),
# one name, one stack size, while stack-advise -p watches; they are alive
# at the report.  Two classes, reader and writer, 8 threads each; the deep
# frame is in reader's class, reached by all of it: "keep" (by name it
# would be half of one class of 16: "segment").
. tests/lib/tap.sh
. tests/lib/attach.sh
tmp=$(mktemp -d)
w= sa=
trap 'exec 3>&-; kill $sa $w 2>/dev/null; rm -rf "$tmp"' EXIT
mkfifo "$tmp/in"

tap_plan 3
tests/stackadvise/sa_routines 8 <"$tmp/in" >"$tmp/w.out" &
w=$!
exec 3>"$tmp/in"
attach_tool "$tmp/sa.json" "$tmp/sa.err" bpf/stack-advise -p $w --json
sa=$attached_pid
echo go >&3
for _ in $(seq 100); do grep -q ready "$tmp/w.out" && break; sleep 0.1; done
kill -INT $sa; wait $sa; sa=
exec 3>&-
wait $w; w=
classes=$(jq -c '[.classes[] | select(.main_thread | not) | [.start_routine, .threads_all]] | sort' "$tmp/sa.json")
deep=$(jq -r '[.suggestions[] | select(.function == "deep")][0] | "\(.action) \(.class_start_routine) \(.threads)"' "$tmp/sa.json")
echo "# classes (start routine, threads): $classes; deep: $deep"
tap_check "two classes by start routine, reader and writer, 8 threads each" \
	test "$classes" = '[["reader",8],["writer",8]]'
tap_check "deep is in reader's class, all 8 threads" \
	test "$(echo $deep | cut -d' ' -f2-)" = "reader 8"
tap_check "deep: keep (every thread of its class goes there)" \
	test "$(echo $deep | cut -d' ' -f1)" = keep
[ $tap_failed -eq 0 ]
