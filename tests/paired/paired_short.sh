#!/bin/sh
# experiments/paired end to end on the host, short: --conns 50, 2 rounds,
# every essay strategy whose binary is built, plus a stand-in --server in
# the {port} form; then a second run with --client wrk.  Checks
# results.json's schema (stacklab-paired/2: median/min/max/n), that every
# figure is there and sane (no negative bytes), the after-load, page-table
# and open-loop rows, the switch-cost keys, the K series in every round,
# the other work on the measuring CPUs of every closed- and open-loop
# round, the essay's table, summary.md and the plots.  Never timings.
# Run from build/ (host suite); the orchestrator lives in the source tree.
. "$(dirname "$0")/../lib/tap.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
if [ ! -x "$root/experiments/paired" ] || ! command -v jq >/dev/null; then
	echo "1..0 # SKIP needs the source tree's experiments/paired and jq"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root (BPF probe)"
	exit 0
fi

out=$(mktemp -d /tmp/paired-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
N=50

# Every strategy of the essay's table whose binary exists here.
variants=tpc,tpc-small
[ -x user/coro-server ] && variants=$variants,coro-fixed,coro-split
[ -x peers/go-server ] && variants=$variants,go
[ -x user/fut-server ] && variants=$variants,fut-inline,fut-boxed
[ -x peers/rust-server ] && variants=$variants,rust-inline,rust-boxed
missing=
[ -x user/coro-server ] || missing="$missing coro-fixed coro-split"
[ -x peers/go-server ] || missing="$missing go"
[ -x user/fut-server ] || missing="$missing fut-inline fut-boxed"
[ -x peers/rust-server ] || missing="$missing rust-inline rust-boxed"

tap_plan 35
"$root/experiments/paired" --conns $N --duration 1 --warmup 0.5 --repeat 2 --out "$out" \
	--variants "$variants" --after-k 1,100 \
	--server "tpc-port=user/tpc-server --port {port} --heavy-bytes 262144 --idle-timeout 600" \
	>"$out/stdout" 2>"$out/stderr"
rc=$?
tap_check "experiments/paired exits 0 (variants $variants)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -n 5 "$out/stderr" "$out/stdout" | sed 's/^/# /'
[ -n "$missing" ] && tap_diag "not built here, so not in this run:$missing"
r=$out/results.json

# jqt DESCRIPTION FILTER [ARG]...: a test point passing when FILTER is true
# on $r (an empty or missing file fails: jq -e passes on no input).
jqt() {
	_d=$1
	shift
	tap_check "$_d" sh -c 'f=$1; shift; [ -s "$f" ] && jq -e "$@" "$f" >/dev/null' jqt "$r" "$@"
}

jqt "results.json: schema stacklab-paired/3, complete, no error, nothing skipped" \
	'.schema == "stacklab-paired/3" and .complete == true and .error == null and (.skipped | length) == 0'
jqt "machine facts: kernel, CPU model, CPUs, tool versions, client" \
	'.machine.kernel == $k and (.machine.cpu_model | length) > 0 and .machine.cpus >= 1
	 and (.machine.tools.gcc | length) > 0 and (.machine.tools.bpftool | length) > 0
	 and (.machine.tools.jq | length) > 0 and .machine.client == "loadgen"' --arg k "$(uname -r)"
jqt "pinning recorded: server CPU 0, loadgen CPU 1 (0 on one CPU)" \
	'.machine.pinning.server_cpu == 0 and
	 .machine.pinning.loadgen_cpu == (if .machine.cpus > 1 then 1 else 0 end)'
jqt "parameters recorded: conns [50], 1 s, warm-up 0.5 s, 2 rounds, heavy ratio 0.01" \
	'.parameters.conns == [50] and .parameters.duration_s == 1 and .parameters.warmup_s == 0.5
	 and .parameters.repeat == 2 and .parameters.heavy_ratio == 0.01'
expect=$(echo "$variants,tpc-port" | jq -R -c 'split(",")')
jqt "variants measured: $expect" '(.variants | sort) == ($e | sort)' --argjson e "$expect"
jqt "one run per variant at $N connections, two rounds of all four phases each" \
	'(.runs | length) == (.variants | length) and
	 all(.runs[]; .conns == 50 and (.rounds | length) == 2 and
	     all(.rounds[]; .idle != null and .after_load != null and .load.probe != null
	         and .load.loadgen != null and .open_loop.loadgen != null))'
jqt "every metric defined (label, unit, source, definition) and present in every run" \
	'(.metrics | length) >= 35 and
	 all(.metrics[]; (.label | length) > 0 and (.source | length) > 0 and (.definition | length) > 0) and
	 ([.metrics[].key] as $k | all(.runs[]; .values as $v | all($k[]; . as $key | $v | has($key))))'
# The values that are objects of figures (keyed by cache or K).
objs='["kernel_objects_by_cache", "bytes_per_conn_after_k", "heavy_share_after_k", "memcg_by_stat"]'
jqt "every figure {median, min, max, n} with min <= median <= max, n 2; null only for the module's, memcg's (VM), Go's and, without CPU cgroups, other work's" \
	'([.metrics[].key | select(startswith("kstack_used") or startswith("idle_kstack_used"))]) as $mod
	 | (.machine.memcg // "off") as $mc
	 | (.machine.cpu_time_source | IN("cpuacct", "cgroup2") | not) as $nocg
	 | all(.runs[]; .variant as $v | .values | to_entries | all(.[];
	     if (.key | IN($objs[])) then true
	     elif (.key | IN($mod[])) then (.value == null) == ($m != "loaded")
	     elif .key == "memcg_bytes_per_conn" then (.value == null) == ($mc != "on")
	     elif (.key | test("other_cpu_share")) and $nocg then .value == null
	     elif (.key | startswith("go_")) then (.value == null) == ($v != "go")
	     else (.value | type == "object" and .n == 2 and .min <= .median and .median <= .max) end))' \
	--arg m "$([ -d /proc/stacklab ] && echo loaded || echo absent)" --argjson objs "$objs"
jqt "no negative bytes figure (idle, after load, page tables, every round)" \
	'all(.runs[].values | to_entries[] | select(.key | test("bytes|per_conn")) | select(.key | IN($objs[]) | not)
	     | .value | select(. != null); .min >= 0)' --argjson objs "$objs"
jqt "kernel objects: per connection > 0 in every run, the sum of its caches, TCP among them; whole = user + kernel" \
	'all(.runs[].values; .kernel_objects_per_conn.median > 0 and (.kernel_objects_by_cache | has("TCP"))
	     and (.bytes_per_conn_whole.median > .bytes_per_conn.median))'
# The K series runs for --k-variants (default tpc and fut-boxed) only.
# It runs in every round (--k-rounds defaults to --repeat): n 2.
jqt "K series: tpc and fut-boxed have K = 1 and 100, bytes {median,min,max,n} with n 2 (every round) and a heavy share in [0, 1]; no other variant has one" \
	'all(.runs[] | select(.variant == "tpc" or .variant == "fut-boxed") | .values;
	     (.bytes_per_conn_after_k | keys) == ["1", "100"]
	     and all(.bytes_per_conn_after_k[]; .n == 2 and .min <= .median and .median <= .max and .min >= 0)
	     and all(.heavy_share_after_k[]; .n == 2 and .median >= 0 and .median <= 1))
	 and .parameters.k_rounds == 2
	 and all(.runs[] | select(.variant != "tpc" and .variant != "fut-boxed") | .values;
	     .bytes_per_conn_after_k == null)'
jqt "K series: more connections took the heavy branch after 100 requests than after 1; tpc keeps more after 100" \
	'all(.runs[] | select(.values.heavy_share_after_k != null) | .values;
	     .heavy_share_after_k["100"].median > .heavy_share_after_k["1"].median)
	 and (.runs[] | select(.variant == "tpc") | .values.bytes_per_conn_after_k | .["100"].median > .["1"].median)'
# Other work on the measuring CPUs, where the server and the client each
# gets a CPU cgroup (cpuacct or cgroup2, as for cpu_ns): a share in [0, 1] in
# every closed- and open-loop round, from the two CPUs' ticks and both
# cgroups' time (the client's > 0: it ran in its cgroup).
other_ok() {
	jq -e 'all(.runs[].rounds[] | .load, .open_loop;
	           (.other_cpu_share | type == "number" and . >= 0 and . <= 1)
	           and .cpus_stat.total_ticks > 0 and .cpus_stat.busy_ticks <= .cpus_stat.total_ticks
	           and .cpus_stat.server_ns > 0 and .cpus_stat.client_ns > 0)
	       and all(.runs[].values; .other_cpu_share.n == 2 and .open_other_cpu_share.n == 2)' "$r" >/dev/null ||
		{ echo "other_cpu_share or cpus_stat missing or out of range" >&2; return 1; }
	grep -q '^- other work on CPUs 0-1 (the server.s and the client.s) in the measured phases: at most ' "$out/summary.md" ||
		{ echo "summary.md: no line on other work" >&2; return 1; }
}
if jq -e '.machine.cpu_time_source | IN("cpuacct", "cgroup2")' "$r" >/dev/null 2>&1; then
	tap_check "other work on CPUs 0-1: every load and open-loop round has other_cpu_share in [0, 1], the server's and the client's time; the summary says it" other_ok
else
	tap_skip "other work on CPUs 0-1" "no CPU cgroup here: $(jq -r .machine.cpu_time_source "$r" 2>/dev/null)"
fi
jqt "after-load and page-table rows: numbers; tpc keeps more after load than idle" \
	'all(.runs[].values; .bytes_per_conn_after_load.median > 0 and .page_tables_per_conn.median >= 0)
	 and (.runs[] | select(.variant == "tpc") | .values
	      | .bytes_per_conn_after_load.median > .bytes_per_conn.median)'
jqt "tpc's page tables grow with its threads (VmPTE)" \
	'.runs[] | select(.variant == "tpc") | .values.page_tables_per_conn.median > 0'
jqt "open loop: one offered rate for all, achieved near it, p99 >= p50, no errors" \
	'([.runs[].values.open_rate_offered.median] | unique | length) == 1 and
	 all(.runs[].values; .open_rate_achieved.median > 0.5 * .open_rate_offered.median
	     and .open_p99_ms.median >= .open_p50_ms.median and .open_errors.max == 0)'
jqt "non-zero: bytes/conn, requests/s, latencies, switches, syscalls, CPU per request" \
	'all(.runs[].values; .bytes_per_conn.median > 0 and .requests_per_s.min > 0 and .latency_p50_ms.min > 0
	     and .latency_p99_ms.median >= .latency_p50_ms.median and .ctx_switches_per_req.min > 0
	     and .syscalls_per_req.min > 0 and .cpu_us_per_req.min > 0 and .threads_peak.min >= 1)'
jqt "no request failed" 'all(.runs[].values; .errors.max == 0)'
jqt "all $N connections were open in every memory phase" \
	'all(.runs[].rounds[]; .idle.open == 50 and .after_load.open == 50)'
jqt "tpc variants: a thread per connection, stacks reserved and touched, no io_uring" \
	'all(.runs[] | select(.variant | startswith("tpc")) | .values;
	     .idle_threads.min > 50 and .threads_peak.min > 50 and .ustack_reserved_per_conn.min > 0
	     and .ustack_touched_per_conn.min > 0 and .uring_ops_per_req.max == 0)'
jqt "tpc-small reserves smaller stacks than tpc, enough for the heavy branch" \
	'(.runs | map({(.variant): .values.ustack_reserved_per_conn.median}) | add) as $s
	 | $s["tpc-small"] >= 262144 and $s["tpc-small"] < $s.tpc'
if [ -x user/fut-server ]; then
	jqt "fut variants: few threads, io_uring operations, no thread stacks" \
		'all(.runs[] | select(.variant | startswith("fut")) | .values;
		     .threads_peak.max < 10 and .uring_ops_per_req.min > 0 and .ustack_reserved_per_conn.max == 0)'
else
	tap_skip "fut variants: few threads, io_uring operations" "user/fut-server is not built"
fi
# tokio's tasks: the inline heavy state (262144 B) is in every idle
# connection's future, the boxed one in none.
if [ -x peers/rust-server ]; then
	jqt "rust variants: few threads, no io_uring, no thread stacks; inline keeps the heavy state per idle connection, boxed does not" \
		'(.runs | map({(.variant): .values}) | add) as $v
		 | all($v["rust-inline"], $v["rust-boxed"];
		       .threads_peak.max < 10 and .uring_ops_per_req.max == 0 and .ustack_reserved_per_conn.max == 0)
		 and $v["rust-inline"].bytes_per_conn.min > 262144 and $v["rust-boxed"].bytes_per_conn.max < 26214'
else
	tap_skip "rust variants: inline keeps the heavy state per idle connection, boxed does not" "peers/rust-server is not built"
fi
jqt "switch cost: the like-for-like pairs and the old keys" \
	'.switch_cost.figures | has("spawn_run_ns") and has("thread_spawn_ns") and has("fut_notify_ns")
	 and has("thread_futex_ns") and has("fut_pipe_pingpong_ns") and has("thread_pingpong_ns")
	 and has("bytes_per_blocked_task") and has("bytes_per_idle_thread") and has("wake_poll_ns")
	 and has("spawn_ns") and has("tasks_1m_mib")'

# No server outlives the run.
left=$(jq -r '.runs[].rounds[] | .idle.server_pid, .after_load.server_pid, .load.server_pid, .open_loop.server_pid' "$r" 2>/dev/null |
	while read -r p; do [ -n "$p" ] && [ "$p" != null ] && kill -0 "$p" 2>/dev/null && echo "$p"; done)
tap_check "no server left running (pids: ${left:-none})" test -z "$left"

# summary.md: the headline, the essay's table (a row per strategy, no
# empty cell), a column per variant, a row per metric.
table_ok() {
	for h in 'memory, idle' 'memory as requests accumulate' 'scheduling, context switches per request' \
		'scheduling, server CPU per request' 'closed-loop latency'; do
		grep -q "^- \*\*$h\*\*: " "$out/summary.md" || { echo "no headline line '$h'" >&2; return 1; }
	done
	awk '/^## the essay/ { f = 1 } /^- where/ { f = 0 } f' "$out/summary.md" >"$out/table"
	for v in $(echo "$variants" | tr ',' ' '); do
		line=$(grep "^| $v |" "$out/table") || { echo "no row $v" >&2; return 1; }
		echo "$line" | grep -q '| *|' && { echo "empty cell in $v: $line" >&2; return 1; }
		echo "$line" | grep -q 'n/a' && { echo "n/a in $v: $line" >&2; return 1; }
	done
	return 0
}
tap_check "summary.md: five-line headline, then the essay's table, a row per strategy, no empty cell" table_ok
summary_ok() {
	head_row=$(grep -m 1 '^| metric | unit |' "$out/summary.md") || return 1
	for v in $(jq -r '.variants[]' "$r"); do
		echo "$head_row" | grep -q "| $v |\|| $v\$" || { echo "no column $v" >&2; return 1; }
	done
	jq -r '.metrics[].label' "$r" | while IFS= read -r l; do
		grep -qF "| $l |" "$out/summary.md" || { echo "no row '$l'" >&2; exit 1; }
	done
}
tap_check "summary.md: a column per variant, a row per metric" summary_ok
# The headline concludes: fut-boxed against tpc on each axis, a ratio or
# "not distinguishable here", and the fairness behind the latency.
headline_ok() {
	grep '^- \*\*' "$out/summary.md" | sed -n '2,6p' >"$out/headline"
	[ "$(wc -l <"$out/headline")" -eq 5 ] || { echo "not five lines" >&2; return 1; }
	for h in 'memory, idle' 'scheduling, context switches' 'scheduling, server CPU'; do
		grep "$h" "$out/headline" | grep -q "fut-boxed .*\([0-9.]*x \(less\|more\|fewer\) than tpc's\|not distinguishable here\)" ||
			{ echo "no verdict in '$h'" >&2; return 1; }
	done
	grep 'memory, idle' "$out/headline" | grep -q 'Whole cost, kernel objects included' || { echo "no whole-cost ratio" >&2; return 1; }
	grep 'closed-loop' "$out/headline" | grep -q "Little's law.*responses per connection ranged" || { echo "no fairness" >&2; return 1; }
}
tap_check "headline: five sentences with verdicts (ratio or not distinguishable), whole cost, fairness" headline_ok
# A ratio beside spreads that do not overlap never reads 1.
no_x1() {
	! grep -n '(×1)\|(×1\.0*)\| 1x \(less\|more\|fewer\)\|(1x ' "$out/summary.md"
}
tap_check "no (×1) beside non-overlapping spreads" no_x1
tap_check "summary.md is printed at the end" grep -q '^# stacklab paired: summary' "$out/stdout"

png_ok() {
	for f in bytes-per-conn bytes-per-conn-whole bytes-per-conn-after-load bytes-per-conn-after-k \
		ctx-switches-per-request requests-per-s latency-p99 open-loop-p99 total-memory-idle total-memory-after-load; do
		[ -s "$out/$f.png" ] || { echo "$f.png missing" >&2; return 1; }
		[ "$(head -c 4 "$out/$f.png" | od -An -c | tr -d ' ')" = '211PNG' ] ||
			{ echo "$f.png is not a PNG" >&2; return 1; }
	done
}
tap_check "the ten plots exist and are PNGs" png_ok

# The same experiment through wrk: the summary says which client.
if command -v wrk >/dev/null; then
	"$root/experiments/paired" --conns $N --duration 1 --warmup 0.5 --repeat 1 --out "$out/wrk" \
		--variants tpc,fut-boxed --client wrk >"$out/wrk.stdout" 2>"$out/wrk.stderr"
	rc=$?
	tap_check "--client wrk: exits 0" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || tail -n 5 "$out/wrk.stderr" | sed 's/^/# /'
	r=$out/wrk/results.json
	jqt "--client wrk: recorded, wrk's responses counted, no errors, wrk in the client's CPU cgroup" \
		'.machine.client == "wrk" and all(.runs[]; .rounds[0].load.loadgen.client == "wrk"
		  and .values.requests_per_s.min > 0 and .values.errors.max == 0 and .values.ctx_switches_per_req.min > 0
		  and (.rounds[0].load.cpus_stat.client_ns > 0 or (.rounds[0].load.cpus_stat == null)))'
	tap_check "--client wrk: the summary says so" grep -q 'client wrk' "$out/wrk/summary.md"
else
	tap_skip "--client wrk: exits 0" "wrk is not installed"
	tap_skip "--client wrk: recorded" "wrk is not installed"
	tap_skip "--client wrk: the summary says so" "wrk is not installed"
fi
tap_exit
