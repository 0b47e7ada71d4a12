#!/bin/bash
# The reference servers (nginx, h2o), run from the configs
# experiments/lib/server.sh writes, answer GET / with the same body bytes
# as fut-server, status 200 and a Content-Length that counts them: what
# bench-http and bench-conns compare is the same answer.  A reference that
# is not installed is skipped.  Run from build/ (host suite); the
# experiment scripts live in the source tree.
. "$(dirname "$0")/../lib/tap.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
[ -x user/fut-server ] || { echo "1..0 # SKIP user/fut-server is not built"; exit 0; }
. "$root/experiments/lib/server.sh"
server_cpu=0-$(($(nproc) - 1)) paired_port= heavy_bytes=262144 start_timeout=10
tmp=$(mktemp -d)
trap 'server_stop; rm -rf "$tmp"' EXIT

# get PORT OUT: the raw answer to "GET /" (the server closes after it)
# into OUT.head and OUT.body.
get() {
	local raw=$2.raw
	{
		exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
		printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
		timeout 10 cat <&3 >"$raw"
		exec 3<&-
	}
	# The head ends at the first empty line; the body is every byte after.
	sed '/^\r$/q' "$raw" >"$2.head"
	tail -c +$(($(wc -c <"$2.head") + 1)) "$raw" >"$2.body"
}
# content_length HEAD: the Content-Length field's value, any case.
content_length() { tr -d '\r' <"$1" | sed -n 's/^[Cc]ontent-[Ll]ength: *//p'; }

refs="nginx h2o"
tap_plan $((1 + 3 * $(echo $refs | wc -w)))

ok_start() { server_start "$@" || { tap_diag "$1: $srv_error"; return 1; }; }
if ok_start fut-boxed "user/fut-server --heavy boxed" 10 "$tmp/fut" && get "$srv_port" "$tmp/fut"; then
	server_stop
	tap_check "fut-server answers GET / with a body" test -s "$tmp/fut.body"
else
	server_stop
	tap_check "fut-server answers GET / with a body" false
fi
tap_diag "fut-server: $(wc -c <"$tmp/fut.head") bytes of head, body '$(tr '\n' '|' <"$tmp/fut.body")'"

for ref in $refs; do
	if ! command -v "$ref" >/dev/null; then
		for t in "starts and answers" "status 200, Content-Length" "the same body bytes"; do
			tap_skip "$ref: $t" "$ref is not installed (make deps-bench)"
		done
		continue
	fi
	: >"$tmp/$ref.head"; : >"$tmp/$ref.body"
	if ok_start "$ref" "" 10 "$tmp/srv-$ref" && get "$srv_port" "$tmp/$ref"; then
		server_stop
		tap_check "$ref: starts and answers GET /" test -s "$tmp/$ref.head"
	else
		server_stop
		tap_check "$ref: starts and answers GET /" false
	fi
	tap_diag "$ref: $(wc -c <"$tmp/$ref.head") bytes of head, body '$(tr '\n' '|' <"$tmp/$ref.body")'"
	tap_check "$ref: status 200, Content-Length the body's $(wc -c <"$tmp/$ref.body") bytes" \
		sh -c "head -n 1 '$tmp/$ref.head' | grep -q '^HTTP/1.1 200 ' &&
		       [ '$(content_length "$tmp/$ref.head")' = '$(wc -c <"$tmp/$ref.body")' ]"
	tap_check "$ref: the same body bytes as fut-server" cmp -s "$tmp/fut.body" "$tmp/$ref.body"
done
tap_exit
