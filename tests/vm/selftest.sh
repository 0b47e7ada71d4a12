#!/bin/bash
# Tests of tests/vm/run itself (host): exit statuses, streaming, --add,
# the build tree at /stacklab, no network, timeouts and kernel panics.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh

vm=tests/vm/run
kver=$(scripts/vm-kernel-version)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tap_plan 11

# One boot checks what a successful run looks like, a fact per line.
echo "stacklab-extra-$$" > "$tmp/payload"
$vm --add "$tmp/payload" -- sh -c \
	'echo "kernel=$(uname -r)"; echo "cwd=$(pwd)"
	 test -x tests/run-suite && echo tree=ok
	 echo "extra=$(cat /extra/payload)"
	 echo "net=$(ls /sys/class/net | tr "\n" " ")"
	 echo to-stderr >&2; exit 7' >"$tmp/out" 2>&1
rc=$?
tap_diag "boot 1 output: $(tr '\n' ';' <"$tmp/out")"
tap_check "exit 7 is returned as 7 (got $rc)" test $rc -eq 7
tap_check "the Debian kernel $kver runs" grep -qx "kernel=$kver" "$tmp/out"
tap_check "cwd is /stacklab" grep -qx "cwd=/stacklab" "$tmp/out"
tap_check "/stacklab holds the build tree" grep -qx "tree=ok" "$tmp/out"
tap_check "--add FILE is at /extra/FILE" grep -qx "extra=stacklab-extra-$$" "$tmp/out"
tap_check "no network interface but lo" grep -qx "net=lo " "$tmp/out"
tap_check "stderr is streamed too" grep -qx to-stderr "$tmp/out"

$vm -- false >/dev/null 2>&1
tap_check "false exits 1" test $? -eq 1

$vm --timeout 3 -- sleep 600 >/dev/null 2>"$tmp/err"
rc=$?
tap_check "a run past --timeout exits 124 (got $rc)" test $rc -eq 124

$vm -- sh -c 'echo c > /proc/sysrq-trigger' >/dev/null 2>"$tmp/err"
rc=$?
tap_check "a kernel panic exits 125 and says so (got $rc)" \
	sh -c "test $rc -eq 125 && grep -q '^vm: kernel panic' '$tmp/err'"

$vm --no-such-flag >/dev/null 2>"$tmp/err"
rc=$?
tap_check "a bad flag exits 2 with usage, before booting" \
	sh -c "test $rc -eq 2 && grep -q '^usage:' '$tmp/err'"
tap_exit
