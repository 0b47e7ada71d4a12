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
