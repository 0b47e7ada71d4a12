# Ground truth for "stacks at attach", from /proc alone (not the tools'
# code): proc_stacks PID prints "THREADS BYTES": the threads blocked in a
# system call (their sp in /proc/PID/task/TID/syscall) and the Rss smaps
# shows for the mappings holding those sps.  bash.
proc_stacks() {
	local pid=$1 threads=0 rss=0 t sp lo hi kb smaps
	smaps=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { split($1, r, "-"); lo = r[1]; hi = r[2] }
		     /^Rss:/ { print lo, hi, $2 }' /proc/$pid/smaps)
	for t in /proc/$pid/task/*; do
		set -- $(cat $t/syscall 2>/dev/null)
		[ $# -ge 3 ] || continue
		eval "sp=\${$(($# - 1))}"
		while read -r lo hi kb; do
			if (( 0x$lo <= sp && sp < 0x$hi )); then
				threads=$((threads + 1)) rss=$((rss + kb * 1024))
				break
			fi
		done <<<"$smaps"
	done
	echo "$threads $rss"
}

# tap_stacks_at_attach PID TMPDIR: two tap checks, stack-advise's and
# stacklab-probe's stacks_at_attach on PID against proc_stacks (needs
# tap.sh and attach.sh; run from build/).  A thread may wake between the
# reads: 2 threads, 1% + 64 KiB.
tap_stacks_at_attach() {
	local pid=$1 tmp=$2 threads rss t at
	read -r threads rss <<<"$(proc_stacks $pid)"
	echo "# warm, /proc: $threads blocked threads, $rss bytes resident in their stacks"
	for t in stack-advise stacklab-probe; do
		attach_tool "$tmp/warm.out" "$tmp/warm.err" bpf/$t -p $pid --json -d 0.5
		wait $attached_pid
		at=$(grep -m1 stacks_at_attach "$tmp/warm.out" | jq -c .stacks_at_attach)
		echo "# $t: stacks_at_attach $at"
		tap_check "$t's stacks at attach are /proc's" \
			awk -v t="$(jq .threads <<<"$at")" -v b="$(jq .resident_bytes <<<"$at")" \
			    -v T=$threads -v B=$rss \
			    'BEGIN { exit !(t >= T - 2 && t <= T + 2 && b >= B * 0.99 - 65536 && b <= B * 1.01 + 65536) }'
	done
}
