#!/bin/sh
# The measuring half of experiments/paired (POSIX sh: runs on the host and
# under busybox in the test VM, where there is no bash or jq).  Per
# connection count it runs --repeat rounds, the variant order rotated each
# round; a round gives every variant, each on a fresh server, an idle
# phase, an after-load phase and a closed-loop load phase (after a
# warm-up); then come the open-loop rounds at one offered rate for all.
# Raw results are JSON lines prefixed "@@paired " on stdout; progress goes
# to stderr.  experiments/paired turns them into results.json, summary.md
# and plots.  Run from the source or build tree.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/memsnap.sh"
memsnap_task_flush=0
. "$here/json.sh"
. "$here/server.sh"
. "$here/cpushare.sh"
variants_file=$here/variants.list
. "$here/variants.sh"

all_variants=$(variants_names paired | tr '\n' ',')
all_variants=${all_variants%,}

usage() {
	cat <<USAGE
usage: sh experiments/lib/paired-run.sh [OPTION]...

  --conns LIST          connection counts, blank- or comma-separated (default "50")
  --duration S          closed- and open-loop phase length, seconds (default 2)
  --warmup S            uncounted load before each measured phase (default 1)
  --repeat K            rounds per connection count (default 3)
  --rate R              open-loop offered rate, requests/s (default: half of
                        the slowest variant's median closed-loop rate at that N)
  --client NAME         closed-loop client: loadgen (default) or wrk
  --after-requests A    requests per connection before the after-load
                        memory is taken (default 20)
  --after-k LIST        memory as requests accumulate: at --k-conns connections,
                        a fresh server per K whose connections each served K
                        requests (heavy ratio as set) before staying idle
                        (default "1 10 100 1000"; "none": skip it)
  --k-conns N           the connection count of that series (default 100;
                        run where N is one of --conns, else at N itself)
  --k-rounds R          rounds that run it (default: every round)
  --k-variants LIST     the variants that run it, comma-separated, or all
                        (default all)
  --steps S             connection batches in the memory phases, a snapshot
                        after each, for the least-squares slope (default 4)
  --heavy-ratio R       share of GET /heavy (default 0.01)
  --heavy-bytes N       the heavy branch's scratch, passed to every stacklab server
                        (default 262144)
  --variants LIST       built-in variants, comma-separated, or "none"
                        (default $all_variants;
                        any other name of experiments/lib/variants.list too)
  --server NAME=CMD     one more variant (repeatable); see experiments/README.md
  --port P              port for every server (default: any free one)
  --load-module         insmod kmod/\$(uname -r)/stacklab.ko if /proc/stacklab
                        is missing (the test VM)
  --memcg               each memory phase's server alone in a cgroup v2 of its
                        own, its memory.stat read with every snapshot
                        (memcg_bytes_per_conn); turns the memory controller
                        on at the cgroup2 root, so meant for the test VM
  --where WHERE         recorded as is in the machine record (host, vm)
  --start-timeout S     seconds a server may take to listen (default 10)
  --switch-tasks N, --switch-rounds N
                        fut_bench sizes for the switch-cost figures
                        (default 100000, 200000; 0 rounds: skip it)
  --bench-cache DIR     keep those figures in DIR and reuse them while they
                        are newer than the benchmark programs and were
                        taken with the same sizes (default: run them)
  -h, --help            this text
Output: "@@paired {JSON}" lines, types machine, switch_cost, skip, idle,
after_load, load, open_loop, error.  Needs root (BPF probe, /proc/slabinfo).
USAGE
}

die_usage() {
	echo "paired-run: $1" >&2
	echo "Try 'sh experiments/lib/paired-run.sh --help'." >&2
	exit 2
}

conns=50 duration=2 warmup=1 repeat=3 rate= client=loadgen after_requests=20 steps=4
after_k="1 10 100 1000" k_conns=100 k_rounds= k_variants=all
heavy_ratio=0.01 heavy_bytes=262144
variants_builtin=$all_variants
extra=
paired_port= load_module= memcg= where=host start_timeout=10
switch_tasks=100000 switch_rounds=200000 bench_cache=
while [ $# -gt 0 ]; do
	case $1 in
	--conns | --duration | --warmup | --repeat | --rate | --client | --after-requests | \
		--after-k | --k-conns | --k-rounds | --k-variants | \
		--steps | --heavy-ratio | --heavy-bytes | --variants | --server | --port | \
		--where | --start-timeout | --switch-tasks | --switch-rounds | --bench-cache)
		[ $# -ge 2 ] || die_usage "$1 needs a value"
		;;
	esac
	case $1 in
	--conns) conns=$(echo "$2" | tr ',' ' ') ;;
	--duration) duration=$2 ;;
	--warmup) warmup=$2 ;;
	--repeat) repeat=$2 ;;
	--rate) rate=$2 ;;
	--client) client=$2 ;;
	--after-requests) after_requests=$2 ;;
	--after-k) after_k=$(echo "$2" | tr ',' ' ') ;;
	--k-conns) k_conns=$2 ;;
	--k-rounds) k_rounds=$2 ;;
	--k-variants) k_variants=$2 ;;
	--steps) steps=$2 ;;
	--heavy-ratio) heavy_ratio=$2 ;;
	--heavy-bytes) heavy_bytes=$2 ;;
	--variants) variants_builtin=$2 ;;
	--server)
		case $2 in
		*=*) ;;
		nginx) ;;
		*) die_usage "--server wants NAME=COMMAND (or just nginx), not '$2'" ;;
		esac
		extra="$extra
$2"
		;;
	--port) paired_port=$2 ;;
	--load-module) load_module=1; shift; continue ;;
	--memcg) memcg=1; shift; continue ;;
	--where) where=$2 ;;
	--start-timeout) start_timeout=$2 ;;
	--switch-tasks) switch_tasks=$2 ;;
	--switch-rounds) switch_rounds=$2 ;;
	--bench-cache) bench_cache=$2 ;;
	-h | --help) usage; exit 0 ;;
	*) die_usage "unknown argument '$1'" ;;
	esac
	shift 2
done
for n in $conns; do
	case $n in '' | *[!0-9]*) die_usage "--conns wants whole numbers, not '$n'" ;; esac
	[ "$n" -gt 0 ] || die_usage "--conns values must be at least 1"
done
case $duration in '' | *[!0-9.]*) die_usage "--duration wants seconds, not '$duration'" ;; esac
case $warmup in '' | *[!0-9.]*) die_usage "--warmup wants seconds (0: none), not '$warmup'" ;; esac
case $repeat in '' | *[!0-9]* | 0) die_usage "--repeat wants a whole number from 1, not '$repeat'" ;; esac
case $rate in *[!0-9.]*) die_usage "--rate wants requests per second, not '$rate'" ;; esac
case $client in loadgen | wrk) ;; *) die_usage "--client wants loadgen or wrk, not '$client'" ;; esac
case $after_requests in '' | *[!0-9]* | 0) die_usage "--after-requests wants a whole number from 1" ;; esac
[ "$after_k" = none ] && after_k=
for _k in $after_k; do
	case $_k in *[!0-9]* | 0) die_usage "--after-k wants whole numbers from 1 (or none), not '$_k'" ;; esac
done
case $k_conns in '' | *[!0-9]* | 0) die_usage "--k-conns wants a whole number from 1, not '$k_conns'" ;; esac
case $k_rounds in *[!0-9]*) die_usage "--k-rounds wants a whole number, not '$k_rounds'" ;; esac
: "${k_rounds:=$repeat}"
case $steps in '' | *[!0-9]* | 0 | 1) die_usage "--steps wants a whole number from 2 (a slope needs two points past the empty server)" ;; esac
case $heavy_ratio in '' | *[!0-9.]*) die_usage "--heavy-ratio wants 0..1, not '$heavy_ratio'" ;; esac
case $heavy_bytes in "" | *[!0-9]*) die_usage "--heavy-bytes wants a number of bytes, not '$heavy_bytes'" ;; esac
case $paired_port in *[!0-9]*) die_usage "--port wants a number, not '$paired_port'" ;; esac
case $start_timeout in '' | *[!0-9]*) die_usage "--start-timeout wants whole seconds" ;; esac

# Run from the source tree or from the build tree (the VM's /stacklab).
[ -f user/loadgen ] || cd build 2>/dev/null || true
for f in user/loadgen user/slabsnap user/tpc-server bpf/stacklab-probe; do
	[ -x "$f" ] || { echo "paired-run: $f is not built: run make" >&2; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
	echo "paired-run: needs root (BPF probe, /proc/slabinfo): run it as root or with sudo" >&2
	exit 1
fi
command -v taskset >/dev/null || { echo "paired-run: taskset is missing (util-linux)" >&2; exit 1; }
if [ "$client" = wrk ]; then
	command -v wrk >/dev/null || { echo "paired-run: --client wrk: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
	[ -r "$here/heavy-mix.lua" ] || { echo "paired-run: --client wrk: $here/heavy-mix.lua is missing" >&2; exit 1; }
fi
# The server and loadgen each hold N sockets: raise the soft limit (root in
# the VM may raise the hard one too) before anything starts.
max_n=0
for n in $conns ${after_k:+$k_conns}; do [ "$n" -gt "$max_n" ] && max_n=$n; done
need_fds=$((max_n + 200))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need_fds" ]; then
	ulimit -n "$need_fds" 2>/dev/null || ulimit -n "$(ulimit -H -n)" 2>/dev/null
	if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need_fds" ]; then
		echo "paired-run: $max_n connections need $need_fds file descriptors per process, but RLIMIT_NOFILE is $(ulimit -n) (hard $(ulimit -H -n)): lower --conns or raise the limit" >&2
		exit 1
	fi
fi

emit() { printf '@@paired %s\n' "$1"; }
say() { echo "paired: $*" >&2; }

cpus=$(grep -c '^processor' /proc/cpuinfo)
server_cpu=0
loadgen_cpu=$((cpus > 1 ? 1 : 0))
clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)

tmp=$(mktemp -d /tmp/paired.XXXXXX)
client_pid= probe_pid= module_loaded_here= holders= snap_pid=
cleanup() {
	[ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null
	[ -n "$holders" ] && kill "$holders" 2>/dev/null
	[ -n "$snap_pid" ] && kill "$snap_pid" 2>/dev/null
	[ -n "$probe_pid" ] && kill -INT "$probe_pid" 2>/dev/null
	server_stop
	[ -n "$client_pid" ] && wait "$client_pid" 2>/dev/null
	[ -n "$probe_pid" ] && wait "$probe_pid" 2>/dev/null
	[ -n "$module_loaded_here" ] && rmmod stacklab 2>/dev/null
	[ -n "$cg" ] && rmdir "$cg" 2>/dev/null
	[ -n "$cgc" ] && rmdir "$cgc" 2>/dev/null
	[ -n "$srv_cgroup" ] && rmdir "$srv_cgroup" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'say "interrupted; servers stopped"; exit 130' INT TERM

fatal() {
	say "$1"
	emit "{\"type\":\"error\",\"message\":$(json_str "$1")}"
	exit 1
}

# --- the kernel module ----------------------------------------------------
module_status=
if [ -d /proc/stacklab ]; then
	module_status=loaded
elif [ -n "$load_module" ]; then
	ko=kmod/$(uname -r)/stacklab.ko
	if [ ! -r "$ko" ]; then
		module_status="absent: $ko not built (make kmod KVER=$(uname -r))"
	elif err=$(insmod "$ko" 2>&1); then
		module_status=loaded
		module_loaded_here=1
	else
		module_status="absent: insmod $ko failed: $err"
	fi
else
	module_status="absent: no /proc/stacklab (the module runs only in the test VM: use --vm)"
fi
[ "$module_status" = loaded ] || say "kernel stack used: not measured ($module_status)"

# module_summary PID: /proc/stacklab/summary for PID as a JSON object, or null.
module_summary() {
	if [ "$module_status" = loaded ] && echo "$1" >/proc/stacklab/target 2>/dev/null; then
		json_kv_lines </proc/stacklab/summary
	else
		echo null
	fi
}

# Server CPU time in nanoseconds: the server is moved into a cgroup of
# its own (cgroup v1 cpuacct, or v2), whose usage counts every thread it
# ever had, to the nanosecond.  /proc/PID/stat has the same total in
# clock ticks (10 ms at 100 Hz: a 1.5 s phase is ~150 of them), and only
# that where no cgroup can be made: then cpu_ns is null.
# Only a cgroup that accounts without scheduling: cpuacct not co-mounted
# with cpu, or a v2 root that does not hand the cpu controller down (a
# group of its own would change the server's share of CPU 0).
# The client (loadgen or wrk) gets a cgroup of its own the same way, for
# the other work on the two CPUs (cpushare.sh).
cg= cg_kind= cgc=
if [ -f /sys/fs/cgroup/cpuacct/cpuacct.usage ] && [ ! -e /sys/fs/cgroup/cpuacct/cpu.shares ] &&
	mkdir "/sys/fs/cgroup/cpuacct/stacklab-paired.$$" 2>/dev/null; then
	cg=/sys/fs/cgroup/cpuacct/stacklab-paired.$$ cg_kind=cpuacct
elif [ -f /sys/fs/cgroup/cgroup.controllers ] &&
	! grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null &&
	mkdir "/sys/fs/cgroup/stacklab-paired.$$" 2>/dev/null; then
	cg=/sys/fs/cgroup/stacklab-paired.$$ cg_kind=cgroup2
fi
[ -n "$cg" ] && mkdir "$cg-client" 2>/dev/null && cgc=$cg-client
# cg_join PID: move the whole process into the cgroup; false without one.
cg_join() {
	[ -n "$cg" ] && echo "$1" >"$cg/cgroup.procs" 2>/dev/null
}
# cg_cpu_ns DIR: "total user sys" nanoseconds used in that cgroup so far
# (%.0f: busybox's and mawk's %d stop at 2^31).
cg_cpu_ns() {
	if [ "$cg_kind" = cpuacct ]; then
		echo "$(cat "$1/cpuacct.usage") $(cat "$1/cpuacct.usage_user" 2>/dev/null || echo 0) $(cat "$1/cpuacct.usage_sys" 2>/dev/null || echo 0)"
	else
		awk '$1 == "usage_usec" { t = $2 } $1 == "user_usec" { u = $2 } $1 == "system_usec" { s = $2 }
			END { printf "%.0f %.0f %.0f\n", t * 1000, u * 1000, s * 1000 }' "$1/cpu.stat"
	fi
}
# in_client_cg CMD...: CMD in the client's cgroup (where there is one),
# joined before it starts, so that all its CPU time is counted.
in_client_cg() {
	if [ -n "$cgc" ]; then
		sh -c 'echo $$ >"$0/cgroup.procs" 2>/dev/null; exec "$@"' "$cgc" "$@"
	else
		"$@"
	fi
}
# The server's and the client's CPUs, each once.
measuring_cpus=$server_cpu
[ "$loadgen_cpu" = "$server_cpu" ] || measuring_cpus="$server_cpu $loadgen_cpu"
# cpus_mark: the server's and the client's CPU time so far (ns; "-" with
# no cgroup) and /proc/stat's ticks of their CPUs, for other_cpu_fields.
cpus_mark() {
	if [ -n "$cgc" ]; then
		set -- "$(cg_cpu_ns "$cg")" "$(cg_cpu_ns "$cgc")"
		echo "${1%% *} ${2%% *} $(cpus_stat $measuring_cpus)"
	else
		echo "- - $(cpus_stat $measuring_cpus)"
	fi
}
# other_fields MARK0 MARK1: other_cpu_fields for this machine's CPUs.
other_fields() {
	other_cpu_fields "$1" "$2" "$(echo $measuring_cpus | tr ' ' ',')" "$clk_tck"
}

# The memory phases' own cgroup (--memcg): memory.stat counts what the
# kernel charged to the server alone, user and kernel memory alike.  The
# memory controller must be on in the root's subtree_control for a child
# to have memory.stat.
memcg_status=off memcg_dir=
if [ -n "$memcg" ]; then
	if [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
		memcg_status="absent: no cgroup2 at /sys/fs/cgroup (mount -t cgroup2 none /sys/fs/cgroup)"
	elif ! grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
		memcg_status="absent: the kernel's cgroup2 has no memory controller"
	elif ! grep -qw memory /sys/fs/cgroup/cgroup.subtree_control &&
		! echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
		memcg_status="absent: cannot enable +memory in /sys/fs/cgroup/cgroup.subtree_control"
	else
		memcg_status=on memcg_dir=/sys/fs/cgroup/stacklab-paired-mem.$$
	fi
	[ "$memcg_status" = on ] || say "memcg_bytes_per_conn: not measured ($memcg_status)"
fi
# memcg_enter: the next server starts in a fresh cgroup of its own.
memcg_seq=0
memcg_enter() {
	[ -n "$memcg_dir" ] || return 0
	memcg_seq=$((memcg_seq + 1))
	mkdir "$memcg_dir.$memcg_seq" || fatal "--memcg: cannot create $memcg_dir.$memcg_seq"
	srv_cgroup=$memcg_dir.$memcg_seq
}
memcg_leave() {
	[ -n "$srv_cgroup" ] || return 0
	rmdir "$srv_cgroup" 2>/dev/null
	srv_cgroup=
}

# cpu_ticks PID: "utime stime" of the whole process (dead threads included).
cpu_ticks() {
	awk '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); print f[12], f[13] }' "/proc/$1/stat"
}

threads_of() {
	awk '/^Threads:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# The server's own kernel stacks and task_structs: its threads times the
# kernel's per-thread sizes.  The system-wide KernelStack and task_struct
# slab stay in each sample, but they move with every process the other
# users of the machine start (one is a 16 KiB stack and a task_struct).
thread_kstack=$(awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "kstack_size") c = i; next }
	c { print $c; exit }' /proc/stacklab/tasks 2>/dev/null)
thread_kstack_source=/proc/stacklab/tasks
if [ -z "$thread_kstack" ]; then
	# THREAD_SIZE: 16 KiB on x86-64 and arm64 with 4 KiB pages.
	thread_kstack=16384 thread_kstack_source="THREAD_SIZE of $(uname -m)"
fi
thread_task=$(awk '$1 == "task_struct" { print $4; exit }' /proc/slabinfo 2>/dev/null)

# --- machine facts ----------------------------------------------------------
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
shell_kind=$(readlink /proc/$$/exe 2>/dev/null || echo sh)
# An accepted socket's object is allocated in the softirq of the client's
# connect, where no cgroup is charged; a kernel with kmem_cache_charge
# (Linux 6.12) charges it to the accepting task's cgroup at accept.
# Unknown (null) when kallsyms cannot be read.
accept_charged=null
if [ -r /proc/kallsyms ]; then
	accept_charged=false
	grep -q ' kmem_cache_charge$' /proc/kallsyms && accept_charged=true
fi
emit "{\"type\":\"machine\",\"where\":$(json_str "$where"),\"kernel\":$(json_str "$(uname -r)"),\
\"kernel_version\":$(json_str "$(uname -v)"),\"arch\":$(json_str "$(uname -m)"),\
\"cpu_model\":$(json_str "$cpu_model"),\"cpus\":$cpus,\"mem_kb\":${mem_kb:-0},\
\"pinning\":{\"server_cpu\":$server_cpu,\"loadgen_cpu\":$loadgen_cpu,\"probe\":\"not pinned (sleeps)\"},\
\"clk_tck\":$clk_tck,\"cpu_time_source\":$(json_str "${cg_kind:-/proc/PID/stat ticks}"),\
\"other_cpu_source\":$(json_str "$([ -n "$cgc" ] && echo "/proc/stat cpu$(echo $measuring_cpus | sed 's/ /, cpu/') less the server's and the client's $cg_kind" || echo "none: no CPU cgroup for the server and the client")"),\
\"thread_kstack_bytes\":$thread_kstack,\"slab_objsize\":$(slab_objsizes),\"thread_kstack_source\":$(json_str "$thread_kstack_source"),\"task_struct_size\":${thread_task:-0},\"module\":$(json_str "$module_status"),\"memcg\":$(json_str "$memcg_status"),\"accept_charged\":$accept_charged,\"shell\":$(json_str "$shell_kind"),\
\"rlimit_nofile\":$(json_str "$(ulimit -n)"),\"client\":$(json_str "$client")}"
say "$(uname -r), $cpus CPUs ($cpu_model); server pinned to CPU $server_cpu, loadgen to CPU $loadgen_cpu"

# --- switch cost and segment cost: make bench's programs, on CPU 0 -------
# fut_bench runs each of its figures in a fresh process; segment_bench
# (the hot split, the box in a loop) and go-grow (a copying growth) add
# their keys when they are built.
# bench_up_to_date: the cached figures were taken with these sizes, by
# the programs as they are now.
bench_key="tasks $switch_tasks rounds $switch_rounds heavy_bytes $heavy_bytes"
bench_up_to_date() {
	[ -n "$bench_cache" ] && [ -s "$bench_cache/figures" ] &&
		[ "$(cat "$bench_cache/key" 2>/dev/null)" = "$bench_key" ] || return 1
	for _b in user/bench/fut_bench user/bench/segment_bench peers/go-grow; do
		[ ! -e "$_b" ] || [ "$bench_cache/figures" -nt "$_b" ] || return 1
	done
}
if [ "$switch_rounds" -gt 0 ] && bench_up_to_date; then
	say "switch and segment cost: reused from $bench_cache (taken $(cat "$bench_cache/taken"); delete it to take them again)"
	emit "{\"type\":\"switch_cost\",\"tasks\":$switch_tasks,\"rounds\":$switch_rounds,\
\"reused_from\":$(json_str "$(cat "$bench_cache/taken")"),\"figures\":$(json_kv_lines <"$bench_cache/figures")}"
elif [ "$switch_rounds" -gt 0 ] && [ -x user/bench/fut_bench ]; then
	say "switch cost: fut_bench --tasks $switch_tasks --rounds $switch_rounds (CPU 0)"
	if taskset -c "$server_cpu" user/bench/fut_bench --tasks "$switch_tasks" --rounds "$switch_rounds" \
		>"$tmp/fut_bench" 2>&1; then
		: >"$tmp/segment_bench"
		if [ -x user/bench/segment_bench ]; then
			say "segment cost: segment_bench --calls $switch_rounds (CPU 0)"
			taskset -c "$server_cpu" user/bench/segment_bench --calls "$switch_rounds" >"$tmp/segment_bench" 2>&1 ||
				say "segment cost: segment_bench failed: $(tail -n 1 "$tmp/segment_bench")"
		fi
		if [ -x peers/go-grow ]; then
			say "segment cost: go-grow --heavy-bytes $heavy_bytes (CPU 0)"
			taskset -c "$server_cpu" peers/go-grow --heavy-bytes "$heavy_bytes" >>"$tmp/segment_bench" 2>&1 ||
				say "segment cost: go-grow failed: $(tail -n 1 "$tmp/segment_bench")"
		fi
		emit "{\"type\":\"switch_cost\",\"tasks\":$switch_tasks,\"rounds\":$switch_rounds,\
\"figures\":$(cat "$tmp/fut_bench" "$tmp/segment_bench" | grep -E '^[a-z_0-9]+ [-0-9.]+$' | json_kv_lines)}"
		if [ -n "$bench_cache" ] && mkdir -p "$bench_cache"; then
			cat "$tmp/fut_bench" "$tmp/segment_bench" | grep -E '^[a-z_0-9]+ [-0-9.]+$' >"$bench_cache/figures.new" &&
				echo "$bench_key" >"$bench_cache/key" && date -u +%Y-%m-%dT%H:%M:%SZ >"$bench_cache/taken" &&
				mv "$bench_cache/figures.new" "$bench_cache/figures"
		fi
	else
		say "switch cost: fut_bench failed: $(tail -n 1 "$tmp/fut_bench")"
		emit "{\"type\":\"skip\",\"variant\":\"switch_cost\",\"reason\":$(json_str "fut_bench failed: $(tail -n 1 "$tmp/fut_bench")")}"
	fi
elif [ "$switch_rounds" -gt 0 ]; then
	emit '{"type":"skip","variant":"switch_cost","reason":"user/bench/fut_bench is not built"}'
fi
# --- the variants -----------------------------------------------------------
variants=
skip_variant() {
	say "$1: skipped: $2"
	emit "{\"type\":\"skip\",\"variant\":$(json_str "$1"),\"reason\":$(json_str "$2")}"
}
for v in $(echo "$variants_builtin" | tr ',' ' '); do
	[ "$v" = none ] && continue
	# The registry's command; the smallest fixed stack for the heavy branch.
	cmd=$(variants_cmd "$v" "$heavy_bytes") ||
		die_usage "unknown variant '$v' ($(variants_names | tr '\n' ' ')or none)"
	# go-server reports its runtime's figures to a file (go_stats).
	[ "$v" = go ] && cmd="$cmd --stats $tmp/go-stats.json"
	if ref_server "$cmd"; then
		if ! command -v "$cmd" >/dev/null 2>&1; then
			skip_variant "$v" "$cmd is not installed (make deps-bench)"
			continue
		fi
		variants="$variants
$v"
		continue
	fi
	exe=${cmd%% *}
	if [ ! -x "$exe" ]; then
		skip_variant "$v" "$exe is not built (make; go needs golang-go, rust cargo and librust-tokio-dev)"
		continue
	fi
	variants="$variants
$v=$cmd"
done
variants="$variants$extra"
nvariants=$(echo "$variants" | grep -c .)
[ "$nvariants" -gt 0 ] || fatal "no variant to run"

# rotate K: the variant list, starting at its K-th entry (0-based).
rotate() {
	echo "$variants" | grep . | awk -v k="$1" '{ l[NR - 1] = $0 } END {
		for (i = 0; i < NR; i++) print l[(i + k) % NR] }'
}

# snap_json CONNS MEMSNAP CLIENT_SOCKETS SLAB MEMCG EPOLL_ITEMS: one
# sample of a memory phase: the server's memsnap figures, the client's
# sockets (whose kernel objects metrics.jq subtracts from the slab's,
# leaving the server's), the slab caches and the server's cgroup's
# memory.stat (null without --memcg), those two from the phase's
# slabsnap, and the registrations in the server's epoll descriptors
# (metrics.jq counts its eventpoll objects by them).
snap_json() {
	echo "$2" | awk -v c="$1" -v ks="$thread_kstack" -v ts="${thread_task:-0}" -v cs="$3" -v slab="$4" -v memcg="$5" -v ep="$6" '{ printf "{\"conns\":%d,\"rss_kb\":%d,\"kernel_stack_kb\":%d,\"task_struct_bytes\":%d,\"tcp_mem_pages\":%d,\"threads\":%d,\"pte_kb\":%d,\"thread_kstack_bytes\":%d,\"thread_task_bytes\":%d,\"client_sockets\":%d,\"server_epoll_items\":%d,\"slab\":%s,\"memcg\":%s}", c, $1, $2, $3, $4, $5, $6, $5 * ks, $5 * ts, cs, ep, slab, memcg }'
}

# The memory phases' snapshots of slab caches and memory.stat come from
# one user/slabsnap per phase, which holds every file it reads or writes
# open (each open of a sysfs or cgroup file leaves a kernfs node in
# kmalloc-96 until an RCU batch frees it, seconds later: the script's own
# opens would count as the server's objects).  It reads a line per
# snapshot from a FIFO and appends two lines (slab, memcg) to a file.
# snap_start: the helper for the current server (and its cgroup).
snap_start() {
	rm -f "$tmp/snap.req" "$tmp/snap.out"
	mkfifo "$tmp/snap.req" || fatal "cannot make a FIFO in $tmp"
	: >"$tmp/snap.out"
	# Read-write: opening a FIFO so never blocks, and the helper's read
	# end sees a writer from the start; the helper itself does not hold
	# fd 7, so closing it here is its end of input.
	exec 7<>"$tmp/snap.req"
	# shellcheck disable=SC2086
	user/slabsnap --caches "$slab_conn_caches" ${srv_cgroup:+--memcg "$srv_cgroup"} \
		<"$tmp/snap.req" >>"$tmp/snap.out" 2>"$tmp/snap.err" 7>&- &
	snap_pid=$! snap_lines=0
}
# snap_take: one snapshot; SNAP_SLAB and SNAP_MEMCG its two lines.
snap_take() {
	echo >&7
	snap_lines=$((snap_lines + 2))
	while [ "$(wc -l <"$tmp/snap.out")" -lt "$snap_lines" ]; do
		kill -0 "$snap_pid" 2>/dev/null || [ "$(wc -l <"$tmp/snap.out")" -ge "$snap_lines" ] ||
			fatal "user/slabsnap stopped: $(tail -n 2 "$tmp/snap.err" | tr '\n' ' ')"
		sleep 0.02
	done
	SNAP_SLAB=$(sed -n "$((snap_lines - 1))p" "$tmp/snap.out")
	SNAP_MEMCG=$(sed -n "${snap_lines}p" "$tmp/snap.out")
}
snap_stop() {
	[ -n "$snap_pid" ] || return 0
	exec 7>&-
	wait "$snap_pid" 2>/dev/null
	snap_pid=
}

# go_stats: the Go server's runtime facts (--stats FILE), refreshed with
# SIGUSR1 while it runs; null for every other server.
go_stats() {
	case $srv_cmd in *"--stats $tmp/go-stats.json"*) ;; *) echo null; return ;; esac
	if [ -n "$srv_pid" ]; then
		rm -f "$tmp/go-stats.json"
		kill -USR1 "$srv_pid" 2>/dev/null
		_t=40
		while [ ! -s "$tmp/go-stats.json" ] && [ "$_t" -gt 0 ]; do sleep 0.05; _t=$((_t - 1)); done
	fi
	if [ -s "$tmp/go-stats.json" ]; then json_compact "$tmp/go-stats.json"; else echo null; fi
}

# start_or_skip NAME CMD N: a fresh server; status 2 at start (it refused
# its options, as a fixed stack too small for the heavy branch does)
# makes the variant skipped at N.
start_or_skip() {
	rm -f "$tmp/go-stats.json"
	if ! server_start "$1" "$2" "$3" "$tmp/srv"; then
		if [ "$srv_status" = 2 ]; then
			say "  $1: skipped: $srv_error"
			emit "{\"type\":\"skip\",\"variant\":$(json_str "$1"),\"conns\":$3,\"reason\":$(json_str "$srv_error")}"
			echo "$1" >>"$tmp/skipped.$3"
			return 1
		fi
		fatal "$1 did not start: $srv_error"
	fi
}

# memory_phase TYPE NAME CMD N ROUND [K]: TYPE idle (one request per
# connection), after_load (--after-requests each, heavy ratio as in the
# load) or after_k (K each, the same heavy ratio).  One loadgen holds the
# phase's connections, opening them in --steps batches (one per SIGUSR1);
# a snapshot with none open and one after each batch give the series the
# per-connection slope is fitted to.  The holder keeps no request posted
# on an idle connection, so its sockets are all it has in the kernel per
# connection, and its own process is in every snapshot alike.
memory_phase() {
	_type=$1 _name=$2 _n=$4 _kreq=${6:-1}
	[ "$_type" = after_load ] && _kreq=$after_requests
	memcg_enter
	start_or_skip "$2" "$3" "$4" || { memcg_leave; return 1; }
	pid=$srv_pid
	# memory.stat's counters are per-CPU and flushed at least every 2 s
	# (sooner once enough updates are pending): a snapshot waits for one.
	_settle=0.1
	[ -n "$srv_cgroup" ] && _settle=2.1
	_s=$steps
	# The K series fits its slope to 2 batches: it runs 4 phases a variant
	# and keeps the default run within 8 minutes.
	[ "$_type" = after_k ] && _s=2
	[ "$_n" -lt "$_s" ] && _s=$_n
	_extra=
	[ "$_type" = idle ] || _extra="--idle-requests $_kreq --heavy-ratio $heavy_ratio"
	rm -f "$tmp/hold"
	# shellcheck disable=SC2086
	user/loadgen --port "$srv_port" --connections "$_n" --idle --idle-batches "$_s" $_extra \
		--seed 1 --cpu "$loadgen_cpu" --timeout 60 >/dev/null 2>"$tmp/hold" &
	holders=$!
	snap_start
	_epfds=
	_i=0
	while :; do
		# Announcement _i + 1: batch _i has settled (0: the holder is up).
		_got=$(idle_announced "$tmp/hold" "$holders" $((_i + 1)))
		_want=$((_n * _i / _s))
		if [ "${_got:--1}" -ne "$_want" ]; then
			_why=$(grep -v '^$' "$tmp/hold" | tail -n 2 | tr '\n' ' ')
			kill -0 "$srv_pid" 2>/dev/null || _why="the server died ($(tail -n 1 "$tmp/srv/stderr")); $_why"
			kill "$holders" 2>/dev/null
			holders=
			snap_stop
			server_stop
			fatal "$_name ($_type): only ${_got:-0} of $_want connections open after batch $_i of $_s: ${_why:-loadgen printed nothing}"
		fi
		_open=$_got
		# The server's epoll descriptors, while it has no connection.
		[ "$_i" -eq 0 ] && _epfds=$(epoll_fds "$srv_pid")
		sleep "$_settle"
		snap_take
		# shellcheck disable=SC2086
		_row=$(snap_json "$_open" "$(memsnap "$srv_pid")" "$_open" "$SNAP_SLAB" "$SNAP_MEMCG" \
			"$(epoll_items "$srv_pid" $_epfds)")
		if [ "$_i" -eq 0 ]; then samples=$_row; else samples="$samples,$_row"; fi
		[ "$_i" -eq "$_s" ] && break
		_i=$((_i + 1))
		kill -USR1 "$holders"
	done
	snap_stop
	# Bytes queued on the connections once all are open (none: they hold
	# no packet, and metrics.jq leaves the skbuff caches out).
	_queued=$(conn_queued "$srv_port")
	mod=$(module_summary "$srv_pid")
	gs=$(go_stats)
	# Connections that took the heavy branch at least once (loadgen says).
	_heavy=$(sed -n 's/.*idle: \([0-9]*\) took GET \/heavy.*/\1/p' "$tmp/hold" | tail -n 1)
	kill "$holders" 2>/dev/null
	wait "$holders" 2>/dev/null
	holders=
	server_stop
	memcg_leave
	emit "{\"type\":\"$_type\",\"variant\":$(json_str "$_name"),\"conns\":$_n,\"round\":$5,\"server_pid\":$pid,\"open\":$_open,\
\"command\":$(json_str "$(cat "$tmp/srv/command")"),\"requests_per_conn\":$_kreq,\"took_heavy\":${_heavy:-0},\
\"slab_objsize\":$(slab_objsizes),\"conn_queued_bytes\":${_queued:-null},\"samples\":[$samples],\"module\":$mod,\"go_stats\":$gs}"
	_what=$_type
	[ "$_type" = after_k ] && _what="after $_kreq requests each (${_heavy:-0} of $_n took GET /heavy)"
	say "  $_what: $(echo "$samples" | awk -v n="$_n" -F'"rss_kb":' '{ split($2, a, ","); split($NF, b, ",")
		printf "%s", human((b[1] - a[1]) * 1024 / n) }
		function human(x) { return x >= 1e6 ? sprintf("%.1f MB", x / 1e6) : x >= 1e3 ? sprintf("%.1f KB", x / 1e3) : sprintf("%d B", x) }') RSS per connection (single difference; the slope comes later)"
}

# closed_client N SECONDS OUT ERR: the closed-loop client, loadgen's JSON
# (or wrk's, in the same shape, from heavy-mix.lua) in OUT.
closed_client() {
	if [ "$client" = wrk ]; then
		_d=$(awk -v d="$2" 'BEGIN { printf "%d", (d == int(d)) ? d : int(d) + 1 }')
		in_client_cg env STACKLAB_HEAVY_RATIO="$heavy_ratio" taskset -c "$loadgen_cpu" wrk -t1 -c "$1" -d "${_d}s" \
			--timeout 10s -s "$here/heavy-mix.lua" "http://127.0.0.1:$srv_port/" >"$3.wrk" 2>"$4"
		_rc=$?
		grep '^{"client":"wrk"' "$3.wrk" >"$3"
		return $_rc
	fi
	in_client_cg user/loadgen --port "$srv_port" --connections "$1" --duration "$2" \
		--heavy-ratio "$heavy_ratio" --cpu "$loadgen_cpu" --json --quiet >"$3" 2>"$4"
}

# load_phase NAME CMD N ROUND: warm-up, then the measured closed loop with
# the probe attached.
load_phase() {
	start_or_skip "$1" "$2" "$3" || return 1
	pid=$srv_pid
	if [ "$warmup" != 0 ]; then
		closed_client "$3" "$warmup" "$tmp/warm.json" "$tmp/warm.err" ||
			fatal "$1: the warm-up client failed: $(tail -n 2 "$tmp/warm.err" | tr '\n' ' ')"
	fi
	rm -f "$tmp/probe.out" "$tmp/probe.err" "$tmp/load.json" "$tmp/load.err"
	# -i: the first interval report says the programs are attached.
	bpf/stacklab-probe -p "$srv_pid" --json -i 0.25 >"$tmp/probe.out" 2>"$tmp/probe.err" &
	probe_pid=$!
	ticks=$((start_timeout * 20 + 200))
	while ! grep -q '^{' "$tmp/probe.out" 2>/dev/null && kill -0 "$probe_pid" 2>/dev/null && [ $ticks -gt 0 ]; do
		sleep 0.05
		ticks=$((ticks - 1))
	done
	if ! grep -q '^{' "$tmp/probe.out" 2>/dev/null; then
		if kill -0 "$probe_pid" 2>/dev/null; then
			why="no report after $((start_timeout + 10))s"
		else
			wait "$probe_pid"
			why="it exited with status $?"
			probe_pid=
		fi
		fatal "stacklab-probe did not attach ($why): $(tail -n 2 "$tmp/probe.err" "$tmp/probe.out" | tr '\n' ' ')"
	fi
	cpuns0= mark0=-
	cg_join "$srv_pid" && cpuns0=$(cg_cpu_ns "$cg") && mark0=$(cpus_mark)
	cpu0=$(cpu_ticks "$srv_pid")
	closed_client "$3" "$duration" "$tmp/load.json" "$tmp/load.err" &
	client_pid=$!
	# Sample while it runs: most threads, and the module's summary with the
	# highest kernel-stack use (threads come and go).
	threads_max=0 kused_max=-1 mod=null
	while kill -0 "$client_pid" 2>/dev/null; do
		t=$(threads_of "$srv_pid")
		[ "${t:-0}" -gt "$threads_max" ] && threads_max=$t
		m=$(module_summary "$srv_pid")
		if [ "$m" != null ]; then
			k=$(echo "$m" | sed -n 's/.*"kstack_used_total":\([0-9]*\).*/\1/p')
			[ "${k:-0}" -gt "$kused_max" ] && { kused_max=${k:-0}; mod=$m; }
		fi
		sleep 0.25
	done
	wait "$client_pid"
	lg_rc=$?
	client_pid=
	mark1=$(cpus_mark)
	cpu1=$(cpu_ticks "$srv_pid")
	cpu_ns=null
	[ -n "$cpuns0" ] && cpu_ns=$(echo "$cpuns0 $(cg_cpu_ns "$cg")" | awk -v k="$cg_kind" \
		'{ printf "{\"total\":%.0f,\"user\":%.0f,\"sys\":%.0f,\"source\":\"%s\"}", $4 - $1, $5 - $2, $6 - $3, k }')
	kill -INT "$probe_pid" 2>/dev/null
	wait "$probe_pid"
	probe_pid=
	server_stop
	gs=$(go_stats)
	[ "$lg_rc" -eq 0 ] || fatal "$1: $client failed (status $lg_rc): $(tail -n 2 "$tmp/load.err" | tr '\n' ' ')"
	# The first: the top level's (loadgen's "warmup" has one too, later).
	responses=$(sed -n 's/.*"responses": *\([0-9]*\).*/\1/p' "$tmp/load.json" | head -n 1)
	[ "${responses:-0}" -gt 0 ] ||
		fatal "$1: $client got no response on port $srv_port: $(tail -n 3 "$tmp/load.err" "$tmp/load.json" | tr -d '\n')"
	final=$(grep '"type":"final"' "$tmp/probe.out" | tail -n 1)
	[ -n "$final" ] || fatal "$1: stacklab-probe gave no final report: $(tail -n 2 "$tmp/probe.err" | tr '\n' ' ')"
	emit "{\"type\":\"load\",\"variant\":$(json_str "$1"),\"conns\":$3,\"round\":$4,\"server_pid\":$pid,\
\"command\":$(json_str "$(cat "$tmp/srv/command")"),\"client\":\"$client\",\"warmup_s\":$warmup,\"duration_s\":$duration,\"heavy_ratio\":$heavy_ratio,\"heavy_bytes\":$heavy_bytes,\
\"cpu_ticks\":$(echo "$cpu0 $cpu1" | awk -v hz="$clk_tck" '{ printf "{\"user\":%d,\"sys\":%d,\"clk_tck\":%d}", $3 - $1, $4 - $2, hz }'),\
\"cpu_ns\":$cpu_ns$(other_fields "$mark0" "$mark1"),\"threads_max_sampled\":$threads_max,\"module\":$mod,\"go_stats\":$gs,\
\"loadgen\":$(json_compact "$tmp/load.json"),\"probe\":$final}"
	rps=$(sed -n 's/.*"requests_per_s": *\([0-9.]*\).*/\1/p' "$tmp/load.json")
	echo "$1 $rps" >>"$tmp/rps.$3"
	say "  load: $(awk -v r="$rps" 'BEGIN { printf "%.0f", r }') requests/s"
}

# open_phase NAME CMD N RATE ROUND: loadgen at a fixed offered rate;
# latency counted from when each request was due.
open_phase() {
	start_or_skip "$1" "$2" "$3" || return 1
	pid=$srv_pid
	if [ "$warmup" != 0 ]; then
		in_client_cg user/loadgen --port "$srv_port" --connections "$3" --duration "$warmup" --rate "$4" \
			--heavy-ratio "$heavy_ratio" --cpu "$loadgen_cpu" --json --quiet >/dev/null 2>"$tmp/open.err" ||
			{ server_stop; fatal "$1: the open-loop warm-up failed: $(tail -n 2 "$tmp/open.err" | tr '\n' ' ')"; }
	fi
	mark0=-
	cg_join "$srv_pid" && mark0=$(cpus_mark)
	in_client_cg user/loadgen --port "$srv_port" --connections "$3" --duration "$duration" --rate "$4" \
		--heavy-ratio "$heavy_ratio" --cpu "$loadgen_cpu" --json --quiet >"$tmp/open.json" 2>"$tmp/open.err"
	_rc=$?
	mark1=$(cpus_mark)
	server_stop
	[ "$_rc" -eq 0 ] || fatal "$1: open-loop loadgen failed (status $_rc): $(tail -n 2 "$tmp/open.err" | tr '\n' ' ')"
	emit "{\"type\":\"open_loop\",\"variant\":$(json_str "$1"),\"conns\":$3,\"round\":$5,\"server_pid\":$pid,\
\"rate\":$4,\"warmup_s\":$warmup,\"duration_s\":$duration$(other_fields "$mark0" "$mark1"),\"loadgen\":$(json_compact "$tmp/open.json")}"
	say "  open loop at $4/s: p99 $(sed -n 's/.*"p99": *\([0-9]*\).*/\1/p' "$tmp/open.json" | head -n 1 | awk '{ printf "%.2f", $1 / 1e6 }') ms"
}

# not_skipped NAME N: false once NAME was skipped at N.
not_skipped() {
	! grep -qx "$1" "$tmp/skipped.$2" 2>/dev/null
}

t_start=$(date +%s)
elapsed() { echo "$(($(date +%s) - t_start)) s in"; }
nconns=$(echo $conns | wc -w)
first_n=${conns%% *}
say "$nvariants variants x $nconns connection counts x $repeat rounds: idle, after-load (${after_requests} requests per connection) and closed-loop phases (${warmup}s warm-up + ${duration}s, $client), then open-loop rounds"
[ -n "$after_k" ] && say "memory as requests accumulate: $k_conns connections, K = $after_k requests each, in $k_rounds round(s)"
for n in $conns; do
	: >"$tmp/rps.$n"
	r=1
	while [ "$r" -le "$repeat" ]; do
		rotate $((r - 1)) >"$tmp/order"
		while IFS='=' read -r name cmd; do
			say "[round $r/$repeat] $name, $n connections ($(elapsed))"
			not_skipped "$name" "$n" && memory_phase idle "$name" "$cmd" "$n" "$r" &&
				memory_phase after_load "$name" "$cmd" "$n" "$r" &&
				load_phase "$name" "$cmd" "$n" "$r"
			# Memory as requests accumulate: with the first N's rounds.
			case ",$k_variants," in *",$name,"* | *,all,*) k_here=1 ;; *) k_here= ;; esac
			if [ "$n" = "$first_n" ] && [ "$r" -le "$k_rounds" ] && [ -n "$k_here" ]; then
				for k in $after_k; do
					not_skipped "$name" "$k_conns" &&
						memory_phase after_k "$name" "$cmd" "$k_conns" "$r" "$k"
				done
			fi
		done <"$tmp/order"
		r=$((r + 1))
	done
	# One offered rate for every variant: half the slowest median.
	open_rate=$rate
	if [ -z "$open_rate" ]; then
		open_rate=$(sort -k1,1 -k2,2n "$tmp/rps.$n" | awk '
			{ v[$1, ++c[$1]] = $2 }
			END { min = -1
			      for (k in c) { m = v[k, int((c[k] + 1) / 2)]
			                     if (c[k] % 2 == 0) m = (m + v[k, c[k] / 2 + 1]) / 2
			                     if (min < 0 || m < min) min = m }
			      if (min > 0) printf "%.0f", min / 2 }')
	fi
	[ -n "$open_rate" ] && [ "$open_rate" != 0 ] || { say "no closed-loop rate at $n connections: no open-loop phase"; continue; }
	r=1
	while [ "$r" -le "$repeat" ]; do
		rotate $((r - 1)) >"$tmp/order"
		while IFS='=' read -r name cmd; do
			say "[open loop $r/$repeat] $name, $n connections, $open_rate requests/s ($(elapsed))"
			not_skipped "$name" "$n" && open_phase "$name" "$cmd" "$n" "$open_rate" "$r"
		done <"$tmp/order"
		r=$((r + 1))
	done
done
say "done ($(elapsed))"
