#!/bin/sh
# experiments/paired end to end on the host, short: --conns 50 --duration 2
# with every built-in variant that is built, plus a stand-in --server in the
# {port} form.  Checks results.json's schema, that every figure is there
# and non-zero where it must be, summary.md, and the plots.  Never timings.
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
r=$out/results.json
N=50

tap_plan 21
# 16 KiB: every built-in variant runs, tpc-64k included.
"$root/experiments/paired" --conns $N --duration 2 --out "$out" --heavy-bytes 16384 \
	--server "tpc-port=user/tpc-server --port {port} --heavy-bytes 16384 --idle-timeout 600" \
	>"$out/stdout" 2>"$out/stderr"
rc=$?
tap_check "experiments/paired exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -n 5 "$out/stderr" "$out/stdout" | sed 's/^/# /'

# jqt DESCRIPTION FILTER: a test point passing when FILTER is true on $r.
jqt() {
	_d=$1
	shift
	tap_check "$_d" sh -c 'jq -e "$@" >/dev/null' jqt "$@" "$r"
}

jqt "results.json: schema stacklab-paired/1, complete, no error" \
	'.schema == "stacklab-paired/1" and .complete == true and .error == null'
jqt "machine facts: kernel, CPU model, CPUs, tool versions" \
	'.machine.kernel == $k and (.machine.cpu_model | length) > 0 and .machine.cpus >= 1
	 and (.machine.tools.gcc | length) > 0 and (.machine.tools.bpftool | length) > 0
	 and (.machine.tools.jq | length) > 0' --arg k "$(uname -r)"
jqt "pinning recorded: server CPU 0, loadgen CPU 1 (0 on one CPU)" \
	'.machine.pinning.server_cpu == 0 and
	 .machine.pinning.loadgen_cpu == (if .machine.cpus > 1 then 1 else 0 end)'
jqt "parameters recorded: conns [50], 2 s, heavy ratio 0.01" \
	'.parameters.conns == [50] and .parameters.duration_s == 2 and .parameters.heavy_ratio == 0.01'

# What must run: tpc, tpc-64k, the stand-in, and fut-* when built.
expect='["tpc", "tpc-64k", "tpc-port"]'
[ -x user/fut-server ] && expect='["tpc", "tpc-64k", "fut-inline", "fut-boxed", "tpc-port"]'
jqt "variants measured: $expect" '(.variants | sort) == ($e | sort)' --argjson e "$expect"
if [ -x user/fut-server ]; then
	tap_skip "fut-server missing is reported as a skip" "user/fut-server is built"
else
	jqt "fut-server missing is reported as a skip" \
		'[.skipped[].variant] | index(["fut-inline"]) and index(["fut-boxed"])'
fi
jqt "one run per variant at $N connections, with idle and load phases" \
	'(.runs | length) == (.variants | length) and
	 all(.runs[]; .conns == 50 and .idle != null and .load != null and .load.probe != null
	     and .load.loadgen != null)'
jqt "every metric defined (label, unit, source, definition) and present in every run" \
	'(.metrics | length) >= 20 and
	 all(.metrics[]; (.label | length) > 0 and (.source | length) > 0 and (.definition | length) > 0) and
	 ([.metrics[].key] as $k | all(.runs[]; .values as $v | all($k[]; . as $key | $v | has($key))))'
jqt "every figure a number, except the module's where /proc/stacklab is absent" \
	'([.metrics[].key | select(startswith("kstack_used") or startswith("idle_kstack_used"))]) as $mod
	 | all(.runs[]; .values | to_entries | all(.[];
	     if (.key | IN($mod[])) then (.value == null) == ($m != "loaded") else (.value | type) == "number" end))' \
	--arg m "$([ -d /proc/stacklab ] && echo loaded || echo absent)"
jqt "non-zero: bytes/conn, requests/s, latencies, switches, syscalls, CPU per request" \
	'all(.runs[].values; .bytes_per_conn > 0 and .requests_per_s > 0 and .latency_p50_ms > 0
	     and .latency_p99_ms >= .latency_p50_ms and .ctx_switches_per_req > 0
	     and .syscalls_per_req > 0 and .cpu_us_per_req > 0 and .threads_peak >= 1)'
jqt "no request failed" 'all(.runs[].values; .errors == 0)'
jqt "all $N connections were open in every idle phase" 'all(.runs[]; .idle.open == 50)'
jqt "tpc variants: a thread per connection, stacks reserved and touched, no io_uring" \
	'all(.runs[] | select(.variant | startswith("tpc")) | .values;
	     .idle_threads > 50 and .threads_peak > 50 and .ustack_reserved_per_conn > 0
	     and .ustack_touched_per_conn > 0 and .uring_ops_per_req == 0)'
jqt "tpc-64k reserves 64 KiB stacks: less than tpc's default, at least 64 KiB" \
	'(.runs | map({(.variant): .values.ustack_reserved_per_conn}) | add) as $s
	 | $s["tpc-64k"] >= 65536 and $s["tpc-64k"] < $s.tpc'
if [ -x user/fut-server ]; then
	jqt "fut variants: few threads, io_uring operations, no thread stacks" \
		'all(.runs[] | select(.variant | startswith("fut")) | .values;
		     .threads_peak < 10 and .uring_ops_per_req > 0 and .ustack_reserved_per_conn == 0)'
	jqt "fut-inline's RSS per connection exceeds fut-boxed's (the heavy state inline)" \
		'(.runs | map({(.variant): .values.rss_per_conn}) | add) as $s
		 | $s["fut-inline"] > $s["fut-boxed"]'
else
	tap_skip "fut variants: few threads, io_uring operations" "user/fut-server is not built"
	tap_skip "fut-inline's RSS per connection exceeds fut-boxed's" "user/fut-server is not built"
fi

# No server outlives the run.
left=$(jq -r '.runs[] | .idle.server_pid, .load.server_pid' "$r" |
	while read -r p; do [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"; done)
tap_check "no server left running (pids: ${left:-none})" test -z "$left"

# summary.md: a column per variant, a row per metric; the printed copy.
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
tap_check "summary.md is printed at the end" grep -q '^# stacklab paired: summary' "$out/stdout"

png_ok() {
	for f in bytes-per-conn ctx-switches-per-request requests-per-s latency-p99; do
		[ -s "$out/$f.png" ] || { echo "$f.png missing" >&2; return 1; }
		[ "$(head -c 4 "$out/$f.png" | od -An -c | tr -d ' ')" = '211PNG' ] ||
			{ echo "$f.png is not a PNG" >&2; return 1; }
	done
}
tap_check "the four plots exist and are PNGs" png_ok
tap_exit
