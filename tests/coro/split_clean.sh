#!/bin/sh
# coro-server's split code calls nothing built without -fsplit-stack, but
# in the functions that run on the executor's stack (conn.c's
# on_plain_stack).  gold links a function that does to
# __morestack_non_split: on a connection's stack it would ask for 1 MiB
# of room (or --split-stack-adjust-size more), and the segment libgcc then
# maps stays in the coroutine's chain, idle or not.
# usage: tests/coro/split_clean.sh [CORO_SERVER_BINARY]
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh

bin=${1:-user/coro-server}
# Run through coro_on_executor on a split stack: they may call libc.
# respond_built is workload_respond's formatter (user/workload/workload.c).
executor_only="format_error http_format_error http_format_response now_ns respond workload_respond respond_built"

tap_plan 3
tap_check "$bin is built" test -x "$bin"
calls=$(objdump -d --no-show-raw-insn "$bin" 2>/dev/null | awk '
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3) }
	/call.*<__morestack>$/ { print "split", fn }
	/call.*<__morestack_non_split>$/ { print "plain", fn }' | sort -u)
tap_check "it holds split code (conn.c's serve_in)" \
	sh -c "echo '$calls' | grep -q ' serve_in$'"
bad=$(echo "$calls" | awk -v ok=" $executor_only " \
	'$1 == "plain" && index(ok, " " $2 " ") == 0 { print $2 }' | tr '\n' ' ')
[ -n "$bad" ] && tap_diag "split functions that call code built without -fsplit-stack: $bad"
tap_check "no split function on a connection's stack calls plain code" test -z "$bad"
tap_exit
