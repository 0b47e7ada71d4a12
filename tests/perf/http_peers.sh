#!/bin/sh
# experiments/lib/http-peers.awk, bench-http's peers table, bounds and
# goals, on made-up summary lines: the better peer is picked per figure,
# a ratio only where the spreads do not overlap, CPU per request decided
# on every load, requests/s only where the subject and the peer were both
# server-bound, a load whose server CPU had room called client-bound, and
# one whose CPU was saturated by other work than the server's contended.
# Run from build/ (host suite); the awk file lives in the source tree.
. "$(dirname "$0")/../lib/tap.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# NAME LOAD METRIC MEDIAN MIN MAX N
cat >"$tmp/summary" <<'EOF'
fut-boxed lg-c64 cpu_us_per_req 4 3.8 4.2 3
fut-boxed lg-c64 requests_per_s 200000 190000 210000 3
fut-boxed lg-c64 server_cpu_busy_pct 99 98 100 3
fut-boxed lg-c64 client_cpu_busy_pct 90 88 92 3
nginx lg-c64 cpu_us_per_req 8 7 9 3
nginx lg-c64 requests_per_s 100000 90000 110000 3
nginx lg-c64 server_cpu_busy_pct 97 96 98 3
nginx lg-c64 client_cpu_busy_pct 70 60 80 3
h2o lg-c64 cpu_us_per_req 6 5.5 6.5 3
h2o lg-c64 requests_per_s 150000 145000 155000 3
h2o lg-c64 server_cpu_busy_pct 98 97 99 3
h2o lg-c64 client_cpu_busy_pct 75 70 80 3
fut-boxed lg-c1000 cpu_us_per_req 5 4.9 5.1 3
fut-boxed lg-c1000 requests_per_s 200000 190000 210000 3
fut-boxed lg-c1000 server_cpu_busy_pct 81 80 82 3
fut-boxed lg-c1000 client_cpu_busy_pct 99 99 100 3
nginx lg-c1000 cpu_us_per_req 6 5.8 6.2 3
nginx lg-c1000 requests_per_s 160000 155000 165000 3
nginx lg-c1000 server_cpu_busy_pct 99 99 100 3
nginx lg-c1000 client_cpu_busy_pct 50 45 55 3
h2o lg-c1000 cpu_us_per_req 7 6.8 7.2 3
h2o lg-c1000 requests_per_s 140000 135000 145000 3
h2o lg-c1000 server_cpu_busy_pct 99 99 100 3
h2o lg-c1000 client_cpu_busy_pct 60 55 65 3
fut-boxed wrk-c64 cpu_us_per_req 5 4 7 3
fut-boxed wrk-c64 requests_per_s 190000 180000 200000 3
fut-boxed wrk-c64 server_cpu_busy_pct 99 98 100 3
fut-boxed wrk-c64 client_cpu_busy_pct 40 30 50 3
h2o wrk-c64 cpu_us_per_req 6 5 8 3
h2o wrk-c64 requests_per_s 160000 150000 170000 3
h2o wrk-c64 server_cpu_busy_pct 99 98 100 3
h2o wrk-c64 client_cpu_busy_pct 40 30 50 3
fut-boxed wrk-c1000 cpu_us_per_req 2 2 2 1
fut-boxed lg-c500 cpu_us_per_req 4 3.9 4.1 3
fut-boxed lg-c500 requests_per_s 100000 95000 105000 3
fut-boxed lg-c500 server_cpu_busy_pct 99 98 100 3
fut-boxed lg-c500 client_cpu_busy_pct 60 55 65 3
nginx lg-c500 cpu_us_per_req 18 17 19 3
nginx lg-c500 requests_per_s 50000 48000 52000 3
nginx lg-c500 server_cpu_busy_pct 99 98 100 3
nginx lg-c500 client_cpu_busy_pct 30 25 35 3
h2o wrk-c1000 cpu_us_per_req 4 4 4 1
EOF
peers() { # REFS: the awk's output for these peers
	awk -v refs="$1" -v subject=fut-boxed -v conns="64 1000" -v big=open-c0 \
		-f "$root/experiments/lib/http-peers.awk" "$tmp/summary"
}
peers "nginx h2o" >"$tmp/out"
peers nginx >"$tmp/out1"
awk -v refs=nginx -v subject=fut-boxed -v conns=500 -v big=open-c0 \
	-f "$root/experiments/lib/http-peers.awk" "$tmp/summary" >"$tmp/out500"
# says PATTERN [FILE]: a line of the output matches PATTERN.
says() { grep -q -- "$1" "${2:-$tmp/out}" || { echo "# no line matching: $1"; return 1; }; }

tap_plan 15
sed 's/^/# /' "$tmp/out"
tap_check "a table line per figure, with a ratio to each peer apart from it" \
	says '^fut-boxed *lg-c64 *cpu_us_per_req .* n=3  vs nginx 0.50x  vs h2o 0.67x$'
tap_check "no ratio where the spreads overlap" \
	says '^fut-boxed *wrk-c64 *cpu_us_per_req .*  vs nginx -  vs h2o -$'
tap_check "a peer's line has no ratio to itself" \
	says '^h2o *lg-c64 *cpu_us_per_req .*  vs nginx 0.75x  vs h2o -$'
tap_check "CPU per request against the lower of the two (h2o at 64): met" \
	says "^  lg-c64 *cpu_us_per_req *<= 0.75x the better of nginx and h2o: fut-boxed 4 .* against h2o 6 .*: 0.67x: met$"
tap_check "CPU per request against the lower of the two (nginx at 1000): not met" \
	says "^  lg-c1000 *cpu_us_per_req *<= 0.75x the better of nginx and h2o: fut-boxed 5 .* against nginx 6 .*: 0.83x: not met$"
tap_check "requests/s against the higher of the two, both server-bound: met" \
	says "^  lg-c64 *requests_per_s *>= 1.20x the better of nginx and h2o: fut-boxed 2e+05 .* against h2o 1.5e+05 .*: 1.33x: met$"
tap_check "requests/s where fut-boxed's server CPU had room: not decided (client-bound)" \
	says "^  lg-c1000 *requests_per_s .*: not decided (fut-boxed: client-bound, server CPU 81.0% busy)$"
tap_check "spreads that overlap: not decided" \
	says "^  wrk-c64 *cpu_us_per_req .* against h2o .*: not decided (spreads overlap)$"
tap_check "one run: not decided" \
	says "^  wrk-c1000 *cpu_us_per_req .*: not decided (one run: no spread)$"
tap_check "a load whose server CPU had room is client-bound, saying whose CPU was saturated" \
	says "^fut-boxed lg-c1000 *server CPU  81.0% busy, client CPU  99.0%: client-bound: the client's CPU was saturated, its requests/s are the client's ceiling$"
tap_check "a saturated server CPU: server-bound" \
	says "^nginx lg-c1000 *server CPU  99.0% busy, client CPU  50.0%: server-bound$"
# fut-boxed at lg-c500: its CPU 99% busy, but 4 us x 100000/s is 40% of
# it: something else ran there.
tap_check "a saturated CPU the server used under 80% of: contended" \
	says "^fut-boxed lg-c500 *server CPU  99.0% busy, client CPU  60.0%: contended: the server used 40.0% of its CPU" "$tmp/out500"
tap_check "requests/s of a contended load: not decided" \
	says "^  lg-c500 *requests_per_s .*: not decided (fut-boxed: contended, server CPU 99.0% busy, 40.0% by the server)$" "$tmp/out500"
# With nginx alone, nginx is the better peer even where h2o's figure is.
tap_check "one peer: the goals are against it alone" \
	says "^  lg-c64 *cpu_us_per_req *<= 0.75x the better of nginx: fut-boxed 4 .* against nginx 8 .*: 0.50x: met$" "$tmp/out1"
tap_check "eight goal lines, two per load" \
	test "$(grep -c '^  [a-z]*-c[0-9]* .* the better of nginx and h2o: ' "$tmp/out")" -eq 8
tap_exit
