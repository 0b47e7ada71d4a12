#!/bin/sh
# bench-http's price of abstraction (experiments/lib/price.sh) on made-up
# summaries, no server: a ratio only where both spreads have n > 1 and do
# not overlap; the 1.15x goal met where fut-boxed's max is within 1.15x
# floor-uring's min, not met where its min is past 1.15x floor-uring's
# max, undecided between; instruction counts over their floor.
. "$(dirname "$0")/../lib/tap.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
tmp=$(mktemp -d /tmp/bench-price.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
. "$root/experiments/lib/price.sh"

# NAME LOAD METRIC MEDIAN MIN MAX N, as bench-http's summary.
cat >"$tmp/summary" <<'SUMMARY'
fut-boxed lg-c64 cpu_us_per_req 5 4.8 5.2 3
floor-uring lg-c64 cpu_us_per_req 4 3.9 4.1 3
fut-boxed wrk-c64 cpu_us_per_req 4.2 4.1 4.3 3
floor-uring wrk-c64 cpu_us_per_req 4 3.9 4.1 3
fut-boxed lg-c1000 cpu_us_per_req 5 4.9 5.6 3
floor-uring lg-c1000 cpu_us_per_req 4.5 4.4 4.6 3
fut-boxed wrk-c1000 cpu_us_per_req 6 6 6 1
floor-uring wrk-c1000 cpu_us_per_req 3 3 3 1
tpc lg-c64 cpu_us_per_req 10 9 11 3
floor-threads lg-c64 cpu_us_per_req 10.5 10 12 3
fut-boxed lg-c64 instr_per_req 3000 3000 3000 1
floor-uring lg-c64 instr_per_req 1200 1200 1200 1
SUMMARY
price_print "$tmp/summary" "64 1000" >"$tmp/out"
price_instr "$tmp/summary" >>"$tmp/out"
sed 's/^/# /' "$tmp/out"

tap_plan 9
line() { grep -q -- "$1" "$tmp/out"; }
tap_check "spreads apart: the ratio of the medians (5/4)" \
	line '^  fut-boxed *over floor-uring *at lg-c64 *: 5 \[4.8-5.2\] n=3 over 4 \[3.9-4.1\] n=3: 1.25x$'
tap_check "spreads overlapping: no ratio" \
	line '^  fut-boxed *over floor-uring *at wrk-c64 *: .*: spreads overlap$'
tap_check "n = 1: no ratio, however far apart" \
	line '^  fut-boxed *over floor-uring *at wrk-c1000 *: .*: spreads overlap$'
tap_check "tpc over floor-threads, overlapping: no ratio" \
	line '^  tpc *over floor-threads *at lg-c64 *: .*: spreads overlap$'
tap_check "goal not met: fut-boxed's min 4.8 > 1.15 x floor-uring's max 4.1" \
	line '^  at lg-c64 *: 1.25x .*: not met$'
tap_check "goal met: fut-boxed's max 4.3 <= 1.15 x floor-uring's min 3.9" \
	line '^  at wrk-c64 *: 1.05x .*: met$'
tap_check "goal undecided: 5.6 > 1.15 x 4.4 but 4.9 < 1.15 x 4.6" \
	line '^  at lg-c1000 *: 1.11x .*: undecided (the spreads straddle the bound)$'
tap_check "the ratio keys, only for the ratios printed (2)" \
	sh -c "test \$(grep -c '^price\\..*\\.cpu_ratio ' '$tmp/out') -eq 2 &&
	       grep -q '^price.fut-boxed.lg-c64.cpu_ratio 1.25$' '$tmp/out'"
tap_check "instructions: 3000 over 1200 is 2.50x" \
	sh -c "grep -q '^  fut-boxed *over floor-uring *at lg-c64 *: 3000 over 1200: 2.50x$' '$tmp/out' &&
	       grep -q '^price.fut-boxed.lg-c64.instr_ratio 2.5$' '$tmp/out'"
tap_exit
