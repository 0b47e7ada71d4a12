# memsnap PID: one line "rss_kb kstack_kb task_struct_bytes tcp_mem_pages
# threads pte_kb" for the bytes-per-connection metric (docs/design.md): the
# server's resident anonymous and shared-memory pages (smaps_rollup's
# Anonymous, a walk of the page tables, exact where status's RssAnon is a
# per-CPU counter that can lag by tens of pages; plus RssShmem.  File
# pages, the code of the binary and its libraries as it is first run,
# are the program's, not a connection's; at 100 connections the first
# batch's faults on code read as hundreds of bytes a connection),
# threads and page tables (VmPTE), and the system's kernel stacks,
# task_struct slab and TCP socket pages (system-wide, so measure on an
# otherwise quiet machine).  The task_struct cache is flushed first (see
# slab_flush) unless memsnap_task_flush=0: experiments/paired counts the
# server's own threads times the object size instead, and opens no sysfs
# file between its snapshots (user/slabsnap says why).
# POSIX sh: sourced by scripts that run on the host and in the test VM.
memsnap() {
	[ "${memsnap_task_flush:-1}" = 0 ] || slab_flush '^task_struct$'
	_anon=$(awk '/^Anonymous:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null)
	_st=$(awk -v an="$_anon" '/^RssAnon:/ { a = $2 } /^RssShmem:/ { s = $2 } /^Threads:/ { t = $2 } /^VmPTE:/ { p = $2 }
		END { if (an != "") a = an; print a + s, t + 0, p + 0 }' "/proc/$1/status")
	_kstack=$(awk '/^KernelStack:/ { print $2 }' /proc/meminfo)
	_task=$(awk '$1 == "task_struct" { print $2 * $4 }' /proc/slabinfo)
	_tcp=$(awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1) }' \
		/proc/net/sockstat)
	set -- $_st
	echo "$1 ${_kstack:-0} ${_task:-0} ${_tcp:-0} $2 $3"
}

# slab_conn_caches: the slab caches a connection's kernel objects live
# in: sockets, their inodes, files and dentries, epoll and io_uring
# entries, socket buffers, and the kmalloc caches (io_uring's poll entries
# and async data, a runtime's allocations).  Caches of processes and
# memory maps are left out: they are counted by thread (task_struct,
# kernel stack) or not per connection.
slab_conn_caches='^(TCP|TCPv6|sock_inode_cache|filp|dentry|eventpoll_epi|eventpoll_pwq|io_kiocb|request_sock_TCP(v6)?|tw_sock_TCP(v6)?|skbuff_.*|kmalloc-.*)$'
# slabsnap: one snapshot of those caches, {"CACHE": bytes} (active objects
# x object size, per-CPU slabs flushed first), by user/slabsnap (run from
# the build tree).  A series of snapshots runs one user/slabsnap for all
# (experiments/lib/paired-run.sh snap_start).
slabsnap() {
	user/slabsnap --once --caches "$slab_conn_caches" | head -n 1
}

# slab_flush REGEX, for the one cache memsnap reads (user/slabsnap does
# the same for a series): SLUB keeps a slab or more per CPU and cache
# whose free objects /proc/slabinfo counts as active, so "active objects"
# moves by up to a few slabs with whatever ran last on each CPU, not with
# the objects in use.  Writing to a cache's /sys/kernel/slab/CACHE/shrink flushes its
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

# slab_objsizes: {"CACHE": object size} of the caches a client's
# connection is known to take (experiments/lib/metrics.jq, client_caches)
# and of the epoll caches the server's registrations are counted in.
slab_objsizes() {
	awk 'NR > 2 && ($1 == "TCP" || $1 == "TCPv6" || $1 == "sock_inode_cache" || $1 == "filp" ||
		$1 == "dentry" || $1 == "eventpoll_epi" || $1 == "eventpoll_pwq") { print $1, $4 }' \
		/proc/slabinfo 2>/dev/null | json_kv_lines
}

# epoll_fds PID: the process's epoll descriptors, blank-separated.  Read
# once, before its connections: a descriptor listed in /proc/PID/fd gets
# a dentry that lives as long as the process, which would count as a
# connection's if its sockets were listed too.
epoll_fds() {
	for _f in /proc/"$1"/fd/*; do
		[ "$(readlink "$_f" 2>/dev/null)" = 'anon_inode:[eventpoll]' ] && printf '%s ' "${_f##*/}"
	done
	return 0
}

# epoll_items PID FD...: the registrations in those epoll descriptors (the
# "tfd:" lines of their fdinfo): the process's own eventpoll_epi objects.
# Other processes' epoll churn moves that slab cache system-wide.
epoll_items() {
	_p=$1 _n=0
	shift
	for _f; do
		_c=$(grep -c '^tfd:' "/proc/$_p/fdinfo/$_f" 2>/dev/null)
		_n=$((_n + ${_c:-0}))
	done
	echo "$_n"
}

# conn_queued PORT: bytes queued to send or to read on the TCP sockets of
# PORT's connections, both ends (Recv-Q and Send-Q; listeners left out).
# 0: the connections hold no packet buffers, so the skbuff caches' moves
# are other traffic.  ss filters in the kernel (sock_diag); reading
# /proc/net/tcp walks every socket on the machine as text, 0.14 s with
# the load phases' 19000 TIME_WAIT sockets, so it is only the fallback
# (the test VM's busybox has no ss).
conn_queued() {
	if command -v ss >/dev/null 2>&1; then
		ss -tnH "( sport = :$1 or dport = :$1 )" 2>/dev/null |
			awk '{ n += $2 + $3 } END { printf "%.0f\n", n }'
		return
	fi
	# Hex by hand: mawk, gawk and busybox awk read "0x.." differently.
	awk -v port="$(printf '%04X' "$1")" 'function hex(s,  i, v) {
			v = 0
			for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1
			return v }
		FNR > 1 && $4 != "0A" {
		split($2, l, ":"); split($3, r, ":")
		if (l[2] == port || r[2] == port) {
			split($5, q, ":")
			n += hex(q[1]) + hex(q[2])
		}
	} END { printf "%.0f\n", n }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# idle_announced FILE PID K: waits, while PID runs, for the K-th
# "idle: N connections open" line loadgen --idle writes to FILE (its
# stderr), passing its last line to stderr every 10 s (under TCG
# connections open many times slower), and prints that N (nothing when
# loadgen ended first).  Its own timeouts end a stuck loadgen.
idle_announced() {
	_t=0
	while [ "$(grep -c 'idle: [0-9]* connections open' "$1" 2>/dev/null)" -lt "$3" ] &&
		kill -0 "$2" 2>/dev/null; do
		sleep 0.05
		_t=$((_t + 1))
		[ $((_t % 200)) -eq 0 ] && tail -n 1 "$1" >&2
	done
	sed -n 's/.*idle: \([0-9]*\) connections open.*/\1/p' "$1" | sed -n "$3p"
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
