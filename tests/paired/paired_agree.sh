#!/bin/sh
# experiments/paired-agree on made-up pairs of results.json: the rule of
# docs/design.md (ranges overlap, or medians within 5% bytes, 15% CPU per
# request, 10% or 0.01 absolute switches per request), each tolerance a
# flag; a verdict line per figure, a CPU figure's with the most other
# work on the CPUs a round of each run saw, a kernel-objects figure's apart
# with the cache furthest apart; the line of how CPU per request moved
# from A to B; exit 0 only when all agree; a missing file says "not found".
. "$(dirname "$0")/../lib/tap.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
agree=$root/experiments/paired-agree
command -v jq >/dev/null || { echo "1..0 # SKIP needs jq"; exit 0; }
tmp=$(mktemp -d /tmp/paired-agree.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# results FILE KEY MEDIAN MIN MAX [KEY MEDIAN MIN MAX]...: one run, tpc at 100.
results() {
	_f=$1
	shift
	_v='{}'
	while [ $# -ge 4 ]; do
		_v=$(jq -n --argjson v "$_v" --arg k "$1" --argjson m "$2" --argjson lo "$3" --argjson hi "$4" \
			'$v + {($k): {median: $m, min: $lo, max: $hi, n: 3, noisy: false}}')
		shift 4
	done
	jq -n --argjson v "$_v" '{schema: "stacklab-paired/3", runs: [{variant: "tpc", conns: 100, values: $v}]}' >"$_f"
}
# pair NAME A-ARGS -- B-ARGS
run() { "$agree" "$@" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; }
rc() { [ "$(cat "$tmp/rc")" = "$1" ]; }

tap_plan 17
# Overlapping ranges, medians 40% apart: agree.
results "$tmp/a1" bytes_per_conn 1000 900 1500
results "$tmp/b1" bytes_per_conn 1500 1400 2000
run "$tmp/a1" "$tmp/b1"
tap_check "overlapping ranges agree, exit 0" sh -c "[ \$(cat '$tmp/rc') = 0 ] && grep -q '^agree .*bytes_per_conn.*ranges overlap' '$tmp/out'"
# Apart ranges, bytes medians 4% apart: agree within 5%; 6% apart: not.
results "$tmp/a2" bytes_per_conn 1000 1000 1000
results "$tmp/b2" bytes_per_conn 1040 1040 1040
run "$tmp/a2" "$tmp/b2"
tap_check "bytes 3.9% apart, ranges apart: agree within 5%" sh -c "[ \$(cat '$tmp/rc') = 0 ] && grep -q 'within 5%' '$tmp/out'"
results "$tmp/b3" bytes_per_conn 1062 1062 1062
run "$tmp/a2" "$tmp/b3"
tap_check "bytes 6% apart, ranges apart: DISAGREE, exit 1" sh -c "[ \$(cat '$tmp/rc') = 1 ] && grep -q '^DISAGREE .*bytes_per_conn' '$tmp/out' && grep -q '^agree: 0 of 1' '$tmp/out'"
run --bytes-tol 7 "$tmp/a2" "$tmp/b3"
tap_check "--bytes-tol 7 makes the same pair agree" rc 0
# CPU: 12% apart agrees (15%), 20% does not.
results "$tmp/a4" cpu_us_per_req 10 10 10
results "$tmp/b4" cpu_us_per_req 11.3 11.3 11.3
results "$tmp/c4" cpu_us_per_req 12.2 12.2 12.2
run "$tmp/a4" "$tmp/b4"
tap_check "CPU per request 12% apart agrees (15%)" rc 0
run "$tmp/a4" "$tmp/c4"
tap_check "CPU per request 20% apart disagrees" rc 1
# Switches: 0.02 vs 0.028 is 33% apart but within 0.01 absolute; 1.0 vs 1.2 is not.
results "$tmp/a5" ctx_switches_per_req 0.02 0.02 0.02
results "$tmp/b5" ctx_switches_per_req 0.028 0.028 0.028
run "$tmp/a5" "$tmp/b5"
tap_check "switches 0.008 apart agree by the absolute tolerance" sh -c "[ \$(cat '$tmp/rc') = 0 ] && grep -q 'absolute' '$tmp/out'"
run --switches-abs 0.001 "$tmp/a5" "$tmp/b5"
tap_check "--switches-abs 0.001: the same pair disagrees" rc 1
results "$tmp/a6" ctx_switches_per_req 1.0 1.0 1.0 bytes_per_conn 500 400 600
results "$tmp/b6" ctx_switches_per_req 1.2 1.2 1.2 bytes_per_conn 500 450 550
run "$tmp/a6" "$tmp/b6"
tap_check "one figure of two disagreeing: exit 1, agree: 1 of 2" sh -c "[ \$(cat '$tmp/rc') = 1 ] && grep -q '^agree: 1 of 2' '$tmp/out'"
# A figure keyed by K is checked per K.
jq -n '{schema: "stacklab-paired/3", runs: [{variant: "tpc", conns: 100, values: {bytes_per_conn_after_k:
	{"1": {median: 100, min: 100, max: 100, n: 1}, "1000": {median: 300, min: 300, max: 300, n: 1}}}}]}' >"$tmp/a7"
jq -n '{schema: "stacklab-paired/3", runs: [{variant: "tpc", conns: 100, values: {bytes_per_conn_after_k:
	{"1": {median: 101, min: 101, max: 101, n: 1}, "1000": {median: 400, min: 400, max: 400, n: 1}}}}]}' >"$tmp/b7"
run "$tmp/a7" "$tmp/b7"
tap_check "bytes_per_conn_after_k: K=1 agrees, K=1000 disagrees" sh -c "[ \$(cat '$tmp/rc') = 1 ] && grep -q '^agree .*\[K=1\]' '$tmp/out' && grep -q '^DISAGREE .*\[K=1000\]' '$tmp/out'"
# Other work on the CPUs: noted on the CPU figure's line (the most of a
# round in each run), the verdict unchanged.
results "$tmp/a8" cpu_us_per_req 10 10 10 other_cpu_share 0.02 0.01 0.031 ctx_switches_per_req 1 1 1 bytes_per_conn 5 5 5
results "$tmp/b8" cpu_us_per_req 12.2 12.2 12.2 other_cpu_share 0.2 0.01 0.25 ctx_switches_per_req 1.5 1.5 1.5 bytes_per_conn 9 9 9
run "$tmp/a8" "$tmp/b8"
tap_check "a CPU and a switches figure name the other work on the CPUs: A 3.1%, B 25%; still DISAGREE; a bytes figure does not" sh -c \
	"[ \$(cat '$tmp/rc') = 1 ] && grep -q '^DISAGREE  tpc 100 cpu_us_per_req: .*beyond 15%; other work on the CPUs, the most in a round: A 3.1%, B 25%\$' '$tmp/out' &&
	 grep -q '^DISAGREE  tpc 100 ctx_switches_per_req: .*absolute; other work on the CPUs, the most in a round: A 3.1%, B 25%\$' '$tmp/out' &&
	 grep '^DISAGREE  tpc 100 bytes_per_conn:' '$tmp/out' | grep -vq 'other work'"
# How CPU per request moved, over every variant and connection count of
# both runs: B/A of 1.1, 1.3 and 1.2 at tpc 100, tpc 1000 and fut 100;
# fut 1000 is only in B.
jq -n '{schema: "stacklab-paired/3", runs: [
	{variant: "tpc", conns: 100, values: {cpu_us_per_req: {median: 10, min: 10, max: 10, n: 3}}},
	{variant: "tpc", conns: 1000, values: {cpu_us_per_req: {median: 20, min: 20, max: 20, n: 3}}},
	{variant: "fut", conns: 100, values: {cpu_us_per_req: {median: 5, min: 5, max: 5, n: 3}}}]}' >"$tmp/a9"
jq -n '{schema: "stacklab-paired/3", runs: [
	{variant: "tpc", conns: 100, values: {cpu_us_per_req: {median: 11, min: 11, max: 11, n: 3}}},
	{variant: "tpc", conns: 1000, values: {cpu_us_per_req: {median: 26, min: 26, max: 26, n: 3}}},
	{variant: "fut", conns: 100, values: {cpu_us_per_req: {median: 6, min: 6, max: 6, n: 3}}},
	{variant: "fut", conns: 1000, values: {cpu_us_per_req: {median: 9, min: 9, max: 9, n: 3}}}]}' >"$tmp/b9"
run "$tmp/a9" "$tmp/b9"
tap_check "the CPU move line: median x1.2 [x1.1-x1.3] n=3, before the count" sh -c \
	"grep -q '^CPU per request, B over A, every variant and connection count in both: x1.2 \\[x1.1-x1.3\\] n=3 ' '$tmp/out' &&
	 [ \"\$(tail -n 1 '$tmp/out' | cut -c1-6)\" = 'agree:' ]"
run --keys bytes_per_conn "$tmp/a9" "$tmp/b9"
tap_check "no CPU move line when CPU per request is not among --keys" sh -c "! grep -q '^CPU per request' '$tmp/out'"
# Kernel objects apart: the line names the cache furthest apart (filp
# 130 vs 253; TCP the same), and only when the figure disagrees.
jq -n '{schema: "stacklab-paired/3", runs: [{variant: "tpc", conns: 100, values: {
	kernel_objects_per_conn: {median: 3700, min: 3700, max: 3720, n: 3},
	kernel_objects_by_cache: {TCP: {median: 2368, min: 2368, max: 2368, n: 3}, filp: {median: 130, min: 69, max: 192, n: 3}}}}]}' >"$tmp/a10"
jq -n '{schema: "stacklab-paired/3", runs: [{variant: "tpc", conns: 100, values: {
	kernel_objects_per_conn: {median: 3950, min: 3900, max: 3990, n: 3},
	kernel_objects_by_cache: {TCP: {median: 2368, min: 2368, max: 2368, n: 3}, filp: {median: 253, min: 192, max: 253, n: 3},
	  dentry: {median: 20, min: 20, max: 20, n: 3}}}}]}' >"$tmp/b10"
run "$tmp/a10" "$tmp/b10"
tap_check "kernel objects apart: the cache furthest apart is named (filp, A 130 [69-192], B 253 [192-253])" sh -c \
	"grep -q '^DISAGREE  tpc 100 kernel_objects_per_conn: .*beyond 5%; the cache furthest apart: filp, A 130 \\[69-192\\] n=3, B 253 \\[192-253\\] n=3\$' '$tmp/out'"
run --bytes-tol 10 "$tmp/a10" "$tmp/b10"
tap_check "kernel objects within the tolerance: no cache named" sh -c "[ \$(cat '$tmp/rc') = 0 ] && ! grep -q 'furthest apart' '$tmp/out'"
run "$tmp/a1" "$tmp/nonexistent.json"
tap_check "a missing file: exit 2, 'not found'" sh -c "[ \$(cat '$tmp/rc') = 2 ] && grep -q 'nonexistent.json: not found' '$tmp/err'"
run --cpu-tol x "$tmp/a1" "$tmp/b1"
tap_check "a bad tolerance: exit 2, one line naming the flag" sh -c "[ \$(cat '$tmp/rc') = 2 ] && grep -q -- '--cpu-tol wants a number' '$tmp/err'"
tap_exit
