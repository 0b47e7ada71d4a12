# memsnap PID: one line "rss_kb kstack_kb task_struct_bytes tcp_mem_pages
# threads pte_kb" for the bytes-per-connection metric (docs/design.md): the server's RSS,
# threads and page tables (VmPTE), and the system's kernel stacks,
# task_struct slab and TCP socket pages (system-wide, so measure on an
# otherwise quiet machine).
# POSIX sh: sourced by scripts that run on the host and in the test VM.
memsnap() {
	slab_flush '^task_struct$'
	_st=$(awk '/^VmRSS:/ { r = $2 } /^Threads:/ { t = $2 } /^VmPTE:/ { p = $2 }
		END { print r + 0, t + 0, p + 0 }' "/proc/$1/status")
	_kstack=$(awk '/^KernelStack:/ { print $2 }' /proc/meminfo)
	_task=$(awk '$1 == "task_struct" { print $2 * $4 }' /proc/slabinfo)
	_tcp=$(awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1) }' \
		/proc/net/sockstat)
	set -- $_st
	echo "$1 ${_kstack:-0} ${_task:-0} ${_tcp:-0} $2 $3"
}

# slabsnap: the slab caches a connection's kernel objects live in, as one
# JSON object {"CACHE": bytes}, bytes being active objects x object size
# (/proc/slabinfo): sockets, their inodes, files and dentries, epoll and
# io_uring entries, socket buffers, and the kmalloc caches (io_uring's
# poll entries, a runtime's allocations).  Caches of processes and memory
# maps are left out: each memory phase starts one loadgen per batch, whose
# own task, mm and maps would count as the server's.  Needs json.sh.
slab_conn_caches='^(TCP|TCPv6|sock_inode_cache|filp|dentry|eventpoll_epi|eventpoll_pwq|io_kiocb|request_sock_TCP(v6)?|tw_sock_TCP(v6)?|skbuff_.*|kmalloc-.*)$'
slabsnap() {
	slab_flush "$slab_conn_caches"
	awk -v re="$slab_conn_caches" 'NR > 2 && $2 > 0 && $1 ~ re {
		print $1, $2 * $4 }' /proc/slabinfo 2>/dev/null | json_kv_lines
}

# slab_flush REGEX: SLUB keeps a slab or more per CPU and cache whose free
# objects /proc/slabinfo counts as active, so "active objects" moves by up
# to a few slabs with whatever ran last on each CPU, not with the objects
# in use.  Writing to a cache's /sys/kernel/slab/CACHE/shrink flushes its
# per-CPU slabs (and frees its empty ones), after which active is what is
# allocated.  Caches matching REGEX; none where the file is absent or not
# writable (no SLUB sysfs, not root): the figure is then as coarse as before.
# STACKLAB_SLAB_SYSFS and STACKLAB_SLABINFO stand in for the two files'
# places in tests/paired/paired_aggregate.sh.
slab_flush() {
	for _c in $(awk -v re="$1" 'NR > 2 && $1 ~ re { print $1 }' "${STACKLAB_SLABINFO:-/proc/slabinfo}" 2>/dev/null); do
		_f=${STACKLAB_SLAB_SYSFS:-/sys/kernel/slab}/$_c/shrink
		[ -w "$_f" ] && echo 1 >"$_f" 2>/dev/null
	done
	return 0
}

# memcgsnap DIR: the memory a cgroup v2 holds by the kernel's own
# accounting, one JSON object {"STAT": bytes} of DIR/memory.stat's anon,
# kernel_stack, pagetables, sock, slab and percpu (those present; percpu
# is there from Linux 5.9).  experiments/paired fits memcg_bytes_per_conn
# to their sum.  Needs json.sh.
memcgsnap() {
	awk '$1 == "anon" || $1 == "kernel_stack" || $1 == "pagetables" || $1 == "sock" ||
		$1 == "slab" || $1 == "percpu" { print $1, $2 }' "$1/memory.stat" 2>/dev/null | json_kv_lines
}

# slab_objsizes: {"CACHE": object size} of the caches a client's
# connection is known to take (experiments/lib/metrics.jq, client_caches).
slab_objsizes() {
	awk 'NR > 2 && ($1 == "TCP" || $1 == "TCPv6" || $1 == "sock_inode_cache" || $1 == "filp" ||
		$1 == "dentry" || $1 == "io_kiocb") { print $1, $4 }' /proc/slabinfo 2>/dev/null | json_kv_lines
}

# socket_fds PID...: the socket file descriptors the processes hold.
socket_fds() {
	_n=0
	for _p; do
		_c=$(ls -l "/proc/$_p/fd" 2>/dev/null | grep -c 'socket:')
		_n=$((_n + ${_c:-0}))
	done
	echo "$_n"
}

# memsnap_per_conn BEFORE AFTER N: "bytes_per_conn socket_bytes_per_conn
# rss_per_conn kstack_per_conn task_per_conn pte_per_conn", integers, from
# a single difference (bench-conns; experiments/paired fits a slope over
# several snapshots instead).  Page tables are in the total: RSS leaves
# them out.
memsnap_per_conn() {
	echo "$1 $2" | awk -v n="$3" '{
		rss = ($7 - $1) * 1024; kstack = ($8 - $2) * 1024; task = $9 - $3
		tcp = ($10 - $4) * 4096; pte = ($12 - $6) * 1024
		printf "%d %d %d %d %d %d\n", (rss + kstack + task + pte) / n, tcp / n,
			rss / n, kstack / n, task / n, pte / n }'
}
