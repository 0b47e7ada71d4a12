#!/bin/sh
# Run the parser's libFuzzer target for a bounded time (host only).
# STACKLAB_FUZZ_SECONDS sets the budget (default 20).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh

seconds=${STACKLAB_FUZZ_SECONDS:-20}
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
# Seeds: one of each shape, so the fuzzer starts past the request line.
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' >"$corpus/get"
printf 'POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello' >"$corpus/post"
printf 'GET /heavy HTTP/1.0\nConnection: keep-alive\n\nGET / HTTP/1.1\r\nHost: y\r\n\r\n' >"$corpus/pipelined"
printf 'PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n' >"$corpus/chunked"
printf 'GET http://h:80/heavy?x=1 HTTP/1.1\r\nHost: [::1]:80\r\n\r\n' >"$corpus/absolute"
printf 'GET /?q HTTP/1.2\r\nHost: a, b\r\n\r\n' >"$corpus/host-list"
printf 'GET / HTTP/2.0\r\nHost: a b\r\n\r\n' >"$corpus/version"
printf '\r\n\r' >"$corpus/split-crlf"

tap_plan 1
out=$(mktemp)
tests/http/fuzz_http_parse -max_total_time="$seconds" -max_len=1024 \
	-print_final_stats=1 "$corpus" >"$out" 2>&1
rc=$?
grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$out" | sed 's/^/# /'
if [ $rc -ne 0 ]; then
	sed 's/^/# /' "$out" | tail -n 40
fi
rm -f "$out"
tap_check "libFuzzer: ${seconds}s on http_parse_request, no crash or broken invariant" test $rc -eq 0
tap_exit
