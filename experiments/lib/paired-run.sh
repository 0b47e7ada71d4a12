#!/bin/sh
# The measuring half of experiments/paired (POSIX sh: runs on the host and
# under busybox in the test VM, where there is no bash or jq).  For each
# variant and each connection count it runs an idle phase and a load phase
# on a fresh server, and prints raw results as JSON lines prefixed "@@paired "
# on stdout; progress goes to stderr.  experiments/paired turns them into
# results.json, summary.md and plots.  Run from the source or build tree.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/memsnap.sh"
. "$here/json.sh"
. "$here/server.sh"

usage() {
	cat <<USAGE
usage: sh experiments/lib/paired-run.sh [OPTION]...

  --conns LIST          connection counts, blank- or comma-separated (default "50")
  --duration S          load phase length, seconds (default 2)
  --heavy-ratio R       share of GET /heavy in the load phase (default 0.01)
  --heavy-bytes N       the heavy branch's scratch, passed to every stacklab server
                        (default 262144; 16384 is what a 64 KiB thread stack holds)
  --variants LIST       built-in variants to run, comma-separated, or "none"
                        (default tpc,tpc-64k,fut-inline,fut-boxed)
  --server NAME=CMD     one more variant (repeatable); see experiments/README.md
  --port P              port for every server (default: any free one)
  --load-module         insmod kmod/\$(uname -r)/stacklab.ko if /proc/stacklab
                        is missing (the test VM)
  --where WHERE         recorded as is in the machine record (host, vm)
  --start-timeout S     seconds a server may take to listen (default 10)
  --switch-tasks N, --switch-rounds N
                        fut_bench sizes for the switch-cost figures
                        (default 100000, 200000; 0 rounds: skip it)
  -h, --help            this text
Output: "@@paired {JSON}" lines, types machine, switch_cost, skip, idle,
load, error.  Needs root (BPF probe, /proc/slabinfo).
USAGE
}

die_usage() {
	echo "paired-run: $1" >&2
	echo "Try 'sh experiments/lib/paired-run.sh --help'." >&2
	exit 2
}

conns=50 duration=2 heavy_ratio=0.01 heavy_bytes=262144
variants_builtin=tpc,tpc-64k,fut-inline,fut-boxed
extra=
paired_port= load_module= where=host start_timeout=10
switch_tasks=100000 switch_rounds=200000
while [ $# -gt 0 ]; do
	case $1 in
	--conns | --duration | --heavy-ratio | --heavy-bytes | --variants | --server | --port | \
		--where | --start-timeout | --switch-tasks | --switch-rounds)
		[ $# -ge 2 ] || die_usage "$1 needs a value"
		;;
	esac
	case $1 in
	--conns) conns=$(echo "$2" | tr ',' ' ') ;;
	--duration) duration=$2 ;;
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
	--where) where=$2 ;;
	--start-timeout) start_timeout=$2 ;;
	--switch-tasks) switch_tasks=$2 ;;
	--switch-rounds) switch_rounds=$2 ;;
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
case $heavy_ratio in '' | *[!0-9.]*) die_usage "--heavy-ratio wants 0..1, not '$heavy_ratio'" ;; esac
case $heavy_bytes in "" | *[!0-9]*) die_usage "--heavy-bytes wants a number of bytes, not '$heavy_bytes'" ;; esac
case $paired_port in *[!0-9]*) die_usage "--port wants a number, not '$paired_port'" ;; esac
case $start_timeout in '' | *[!0-9]*) die_usage "--start-timeout wants whole seconds" ;; esac

# Run from the source tree or from the build tree (the VM's /stacklab).
[ -f user/loadgen ] || cd build 2>/dev/null || true
for f in user/loadgen user/tpc-server bpf/stacklab-probe; do
	[ -x "$f" ] || { echo "paired-run: $f is not built: run make" >&2; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
	echo "paired-run: needs root (BPF probe, /proc/slabinfo): run it as root or with sudo" >&2
	exit 1
fi
command -v taskset >/dev/null || { echo "paired-run: taskset is missing (util-linux)" >&2; exit 1; }

# The server and loadgen each hold N sockets: raise the soft limit (root in
# the VM may raise the hard one too) before anything starts.
max_n=0
for n in $conns; do [ "$n" -gt "$max_n" ] && max_n=$n; done
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
client_pid= probe_pid= module_loaded_here=
cleanup() {
	[ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null
	[ -n "$probe_pid" ] && kill -INT "$probe_pid" 2>/dev/null
	server_stop
	[ -n "$client_pid" ] && wait "$client_pid" 2>/dev/null
	[ -n "$probe_pid" ] && wait "$probe_pid" 2>/dev/null
	[ -n "$module_loaded_here" ] && rmmod stacklab 2>/dev/null
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

# cpu_ticks PID: "utime stime" of the whole process (dead threads included).
cpu_ticks() {
	awk '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); print f[12], f[13] }' "/proc/$1/stat"
}

threads_of() {
	awk '/^Threads:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# --- machine facts ----------------------------------------------------------
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
shell_kind=$(readlink /proc/$$/exe 2>/dev/null || echo sh)
emit "{\"type\":\"machine\",\"where\":$(json_str "$where"),\"kernel\":$(json_str "$(uname -r)"),\
\"kernel_version\":$(json_str "$(uname -v)"),\"arch\":$(json_str "$(uname -m)"),\
\"cpu_model\":$(json_str "$cpu_model"),\"cpus\":$cpus,\"mem_kb\":${mem_kb:-0},\
\"pinning\":{\"server_cpu\":$server_cpu,\"loadgen_cpu\":$loadgen_cpu,\"probe\":\"not pinned (sleeps)\"},\
\"clk_tck\":$clk_tck,\"module\":$(json_str "$module_status"),\"shell\":$(json_str "$shell_kind"),\
\"rlimit_nofile\":$(json_str "$(ulimit -n)")}"
say "$(uname -r), $cpus CPUs ($cpu_model); server pinned to CPU $server_cpu, loadgen to CPU $loadgen_cpu"

# --- switch cost (docs/design.md): thread ping-pong vs future wake/poll ---------
if [ "$switch_rounds" -gt 0 ] && [ -x user/bench/fut_bench ]; then
	say "switch cost: fut_bench --tasks $switch_tasks --rounds $switch_rounds (CPU 0)"
	if user/bench/fut_bench --tasks "$switch_tasks" --rounds "$switch_rounds" \
		>"$tmp/fut_bench" 2>&1; then
		emit "{\"type\":\"switch_cost\",\"tasks\":$switch_tasks,\"rounds\":$switch_rounds,\
\"figures\":$(grep -E '^[a-z_0-9]+ [-0-9.]+$' "$tmp/fut_bench" | json_kv_lines)}"
	else
		say "switch cost: fut_bench failed: $(tail -n 1 "$tmp/fut_bench")"
		emit "{\"type\":\"skip\",\"variant\":\"switch_cost\",\"reason\":$(json_str "fut_bench failed: $(tail -n 1 "$tmp/fut_bench")")}"
	fi
elif [ "$switch_rounds" -gt 0 ]; then
	emit '{"type":"skip","variant":"switch_cost","reason":"user/bench/fut_bench is not built"}'
fi

# --- the variants -----------------------------------------------------------
variants=
for v in $(echo "$variants_builtin" | tr ',' ' '); do
	case $v in
	none) continue ;;
	tpc) cmd=user/tpc-server ;;
	tpc-64k) cmd="user/tpc-server --stack-size 65536" ;;
	fut-inline) cmd="user/fut-server --heavy inline" ;;
	fut-boxed) cmd="user/fut-server --heavy boxed" ;;
	*) die_usage "unknown variant '$v' (tpc, tpc-64k, fut-inline, fut-boxed, none)" ;;
	esac
	case $cmd in
	user/fut-server*)
		if [ ! -x user/fut-server ]; then
			say "$v: skipped: user/fut-server is not built"
			emit "{\"type\":\"skip\",\"variant\":\"$v\",\"reason\":\"user/fut-server is not built\"}"
			continue
		fi
		;;
	esac
	variants="$variants
$v=$cmd"
done
variants="$variants$extra"
nvariants=$(echo "$variants" | grep -c .)
[ "$nvariants" -gt 0 ] || fatal "no variant to run"
nconns=$(echo $conns | wc -w)
total=$((nvariants * nconns))
step=0

# idle_phase NAME CMD N
idle_phase() {
	if ! server_start "$1" "$2" "$3" "$tmp/srv"; then
		# Status 2: the server refused its options (a 64 KiB stack cannot
		# hold a large heavy array): that variant cannot run this workload.
		if [ "$srv_status" = 2 ]; then
			say "  $1: skipped: $srv_error"
			emit "{\"type\":\"skip\",\"variant\":$(json_str "$1"),\"conns\":$3,\"reason\":$(json_str "$srv_error")}"
			return 1
		fi
		fatal "$1 did not start: $srv_error"
	fi
	sleep 0.3
	pid=$srv_pid
	before=$(memsnap "$srv_pid")
	# Background redirections happen in the child: the last run's files
	# must be gone before the parent polls them.
	rm -f "$tmp/idle.err"
	user/loadgen --port "$srv_port" --connections "$3" --idle --cpu "$loadgen_cpu" \
		--timeout 60 >/dev/null 2>"$tmp/idle.err" &
	client_pid=$!
	ticks=0
	while ! grep -q 'idle: [0-9]* connections open' "$tmp/idle.err" 2>/dev/null && kill -0 "$client_pid" 2>/dev/null; do
		sleep 0.1
		ticks=$((ticks + 1))
		[ $((ticks % 100)) -eq 0 ] && say "  $(tail -n 1 "$tmp/idle.err")"
	done
	sleep 0.5
	open=$(sed -n 's/.*idle: \([0-9]*\) connections open.*/\1/p' "$tmp/idle.err" | tail -n 1)
	after=$(memsnap "$srv_pid")
	mod=$(module_summary "$srv_pid")
	kill "$client_pid" 2>/dev/null
	wait "$client_pid" 2>/dev/null
	client_pid=
	server_stop
	if [ "${open:-0}" -ne "$3" ]; then
		fatal "$1: only ${open:-0} of $3 idle connections opened: $(tail -n 1 "$tmp/idle.err")"
	fi
	per=$(memsnap_per_conn "$before" "$after" "$3")
	emit "{\"type\":\"idle\",\"variant\":$(json_str "$1"),\"conns\":$3,\"server_pid\":$pid,\"open\":$open,\
\"command\":$(json_str "$(cat "$tmp/srv/command")"),\
\"before\":$(echo "$before" | awk '{ printf "{\"rss_kb\":%d,\"kernel_stack_kb\":%d,\"task_struct_bytes\":%d,\"tcp_mem_pages\":%d,\"threads\":%d}", $1, $2, $3, $4, $5 }'),\
\"after\":$(echo "$after" | awk '{ printf "{\"rss_kb\":%d,\"kernel_stack_kb\":%d,\"task_struct_bytes\":%d,\"tcp_mem_pages\":%d,\"threads\":%d}", $1, $2, $3, $4, $5 }'),\
\"per_conn\":$(echo "$per" | awk '{ printf "{\"bytes\":%d,\"socket_bytes\":%d,\"rss_bytes\":%d,\"kernel_stack_bytes\":%d,\"task_struct_bytes\":%d}", $1, $2, $3, $4, $5 }'),\
\"module\":$mod}"
	say "  idle: $(echo "$per" | awk '{ print $1 }') bytes per connection"
}

# load_phase NAME CMD N
load_phase() {
	server_start "$1" "$2" "$3" "$tmp/srv" ||
		fatal "$1 did not start: $srv_error"
	pid=$srv_pid
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
	cpu0=$(cpu_ticks "$srv_pid")
	user/loadgen --port "$srv_port" --connections "$3" --duration "$duration" \
		--heavy-ratio "$heavy_ratio" --cpu "$loadgen_cpu" --json --quiet \
		>"$tmp/load.json" 2>"$tmp/load.err" &
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
	cpu1=$(cpu_ticks "$srv_pid")
	kill -INT "$probe_pid" 2>/dev/null
	wait "$probe_pid"
	probe_pid=
	server_stop
	[ "$lg_rc" -eq 0 ] || fatal "$1: loadgen failed (status $lg_rc): $(tail -n 2 "$tmp/load.err" | tr '\n' ' ')"
	responses=$(sed -n 's/.*"responses": *\([0-9]*\).*/\1/p' "$tmp/load.json")
	[ "${responses:-0}" -gt 0 ] ||
		fatal "$1: loadgen got no response on port $srv_port: $(grep -A7 '"errors"' "$tmp/load.json" | tr -d ' \n')"
	final=$(grep '"type":"final"' "$tmp/probe.out" | tail -n 1)
	[ -n "$final" ] || fatal "$1: stacklab-probe gave no final report: $(tail -n 2 "$tmp/probe.err" | tr '\n' ' ')"
	emit "{\"type\":\"load\",\"variant\":$(json_str "$1"),\"conns\":$3,\"server_pid\":$pid,\
\"command\":$(json_str "$(cat "$tmp/srv/command")"),\"duration_s\":$duration,\"heavy_ratio\":$heavy_ratio,\"heavy_bytes\":$heavy_bytes,\
\"cpu_ticks\":$(echo "$cpu0 $cpu1" | awk -v hz="$clk_tck" '{ printf "{\"user\":%d,\"sys\":%d,\"clk_tck\":%d}", $3 - $1, $4 - $2, hz }'),\
\"threads_max_sampled\":$threads_max,\"module\":$mod,\
\"loadgen\":$(json_compact "$tmp/load.json"),\"probe\":$final}"
	say "  load: $(sed -n 's/.*"requests_per_s": *\([0-9]*\).*/\1/p' "$tmp/load.json") requests/s"
}

say "$total runs ($nvariants variants x $nconns connection counts), each an idle and a ${duration}s load phase"
for n in $conns; do
	while IFS='=' read -r name cmd; do
		[ -n "$name" ] || continue
		step=$((step + 1))
		say "[$step/$total] $name, $n connections: idle phase, then load phase (${duration}s, heavy ratio $heavy_ratio)"
		idle_phase "$name" "$cmd" "$n" && load_phase "$name" "$cmd" "$n"
	done <<EOF
$variants
EOF
done
say "done"
