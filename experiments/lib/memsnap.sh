# memsnap PID: one line "rss_kb kstack_kb task_struct_bytes tcp_mem_pages
# threads" for the bytes-per-connection metric (docs/design.md): the server's
# RSS and threads, and the system's kernel stacks, task_struct slab and TCP
# socket pages (system-wide, so measure on an otherwise quiet machine).
# POSIX sh: sourced by scripts that run on the host and in the test VM.
memsnap() {
	_rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status")
	_threads=$(awk '/^Threads:/ { print $2 }' "/proc/$1/status")
	_kstack=$(awk '/^KernelStack:/ { print $2 }' /proc/meminfo)
	_task=$(awk '$1 == "task_struct" { print $2 * $4 }' /proc/slabinfo)
	_tcp=$(awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1) }' \
		/proc/net/sockstat)
	echo "${_rss:-0} ${_kstack:-0} ${_task:-0} ${_tcp:-0} ${_threads:-0}"
}

# memsnap_per_conn BEFORE AFTER N: "bytes_per_conn socket_bytes_per_conn
# rss_per_conn kstack_per_conn task_per_conn", integers.
memsnap_per_conn() {
	echo "$1 $2" | awk -v n="$3" '{
		rss = ($6 - $1) * 1024; kstack = ($7 - $2) * 1024; task = $8 - $3
		tcp = ($9 - $4) * 4096
		printf "%d %d %d %d %d\n", (rss + kstack + task) / n, tcp / n,
			rss / n, kstack / n, task / n }'
}
