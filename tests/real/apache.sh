#!/bin/bash
# stacklab-probe and stack-advise on Apache httpd 2.4 from Debian with the
# event MPM: not a thread per connection but one child process with a
# fixed pool of worker threads and a listener thread, under wrk (64
# connections, keep-alive), checked against /proc:
#  - the probe's switches and threads against /proc's task counts of the
#    child (the pool is made at the child's start: no thread while loaded);
#  - stack-advise's classes: the whole pool is one class, every one of its
#    threads that ran while attached counted;
#  - a warm pool: stacks_at_attach against /proc and smaps.
# Run from build/ by 'make check-real'; config, pages and logs under
# build/real/apache, a free loopback port, started and stopped here.
. tests/lib/tap.sh
. tests/lib/proc_stacks.sh
. tests/lib/attach.sh
tmp=$(mktemp -d)
dir=$PWD/real/apache
THREADS=32
httpd= tool=
trap 'kill $tool 2>/dev/null; [ -n "$httpd" ] && kill $httpd 2>/dev/null; wait; rm -rf "$tmp"' EXIT

for cmd in apache2 wrk; do
	command -v $cmd >/dev/null || { echo "# $cmd missing: run scripts/deps real"; exit 1; }
done
range=${REAL_PORTS:-20000-20999}
for port in $(seq ${range%-*} ${range#*-}) none; do
	[ -z "$(ss -Htln "sport = :$port")" ] && break
done
[ $port != none ] || { echo "# no free port in $range"; exit 1; }

rm -rf "$dir"
mkdir -p "$dir/htdocs"
head -c 4096 /dev/zero | tr '\0' x >"$dir/htdocs/index.html"
cat >"$dir/httpd.conf" <<CONF
ServerRoot /usr/lib/apache2
ServerName localhost
Listen 127.0.0.1:$port
LoadModule mpm_event_module modules/mod_mpm_event.so
LoadModule authz_core_module modules/mod_authz_core.so
User www-data
Group www-data
PidFile $dir/httpd.pid
ErrorLog $dir/error.log
DocumentRoot $dir/htdocs
StartServers 1
ServerLimit 1
ThreadsPerChild $THREADS
MaxRequestWorkers $THREADS
MinSpareThreads 1
MaxSpareThreads $THREADS
CONF
chmod -R a+rX "$dir"
APACHE_RUN_DIR=$dir APACHE_LOCK_DIR=$dir apache2 -f "$dir/httpd.conf" -DFOREGROUND &
httpd=$!
child=
for _ in $(seq 100); do
	child=$(pgrep -P $httpd -u www-data | head -n 1)
	[ -n "$child" ] && [ "$(ls /proc/$child/task 2>/dev/null | wc -l)" -ge $((THREADS + 2)) ] && break
	sleep 0.1
done
[ -n "$child" ] || { echo "# apache2 did not start: $(tail -n 3 "$dir/error.log")"; exit 1; }

proc_counts() {
	cat /proc/$child/task/*/status 2>/dev/null |
		awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { s += $2 }
		     /^Pid:/ { n++ } END { print s, n }'
}
load() {
	nice wrk -t2 -c64 -d2s "http://127.0.0.1:$port/index.html" >"$tmp/wrk.out" 2>&1
}
detach() {
	kill -INT $tool
	wait $tool
	tool=
}

tap_plan 6
echo "# apache2 event MPM: child $child, $(ls /proc/$child/task | wc -l) threads, port $port"
read -r sw0 n0 <<<"$(proc_counts)"
attach_tool "$tmp/probe.json" "$tmp/probe.err" bpf/stacklab-probe -p $child --json
tool=$attached_pid
load
detach
read -r sw1 n1 <<<"$(proc_counts)"
final=$(grep '"final"' "$tmp/probe.json")
sw=$(jq .context_switches <<<"$final")
made=$(jq .threads_created <<<"$final")
echo "# wrk: $(awk '/^Requests\/sec/ { print $2 }' "$tmp/wrk.out") requests/s; probe: $sw switches, /proc $((sw1 - sw0)); threads_created $made, /proc $((n1 - n0)) more tasks"
tap_check "the probe's threads are /proc's ($made, $((n1 - n0)))" test "$made" -eq $((n1 - n0))
# /proc's window holds the probe's and its attach and detach, when the
# idle child still switches (197 more of 12351 in one run): 1% + 300.
tap_check "the probe's switches are /proc's (within 1% + 300)" \
	awk -v p="$sw" -v t=$((sw1 - sw0)) 'BEGIN { d = t - p; exit !(d >= 0 && d <= t / 100 + 300) }'

attach_tool "$tmp/sa.json" "$tmp/sa.err" bpf/stack-advise -p $child --json
tool=$attached_pid
load
detach
cp "$tmp/sa.json" "$dir/sa.json"	# kept for a look after a failure
jq -c '[.classes[] | {start_routine, name, threads, threads_all, reserve_min, max_depth}]' "$tmp/sa.json" | sed 's/^/# classes: /'
jq -r '.suggestions[] | "# \(.action) \(.function // "") class \(.class_start_routine // .class_name) threads \(.threads) share \(.threads_share)"' "$tmp/sa.json"
big=$(jq '[.classes[] | select(.main_thread | not) | .threads_all] | max' "$tmp/sa.json")
tap_check "the worker pool is one class (its largest: $big threads of $THREADS + listener)" \
	test "$big" -ge $THREADS
tap_check "stack-advise says the stacks predate it (attached to a warm pool)" \
	test "$(jq .stacks_at_attach.threads "$tmp/sa.json")" -ge $THREADS

tap_stacks_at_attach $child "$tmp"
[ $tap_failed -eq 0 ]
