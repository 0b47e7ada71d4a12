#!/bin/sh
# experiments/paired's errors on the host: bad usage exits 2 with a one-line
# reason; a port in use and missing privileges exit 1 with a clear message
# and leave no server running.  Run from build/ (host suite).
. "$(dirname "$0")/../lib/tap.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
. "$root/experiments/lib/listening.sh"
paired=$root/experiments/paired
if [ ! -x "$paired" ] || [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs the source tree's experiments/paired and root"
	exit 0
fi
out=$(mktemp -d /tmp/paired-err.XXXXXX)
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$out"' EXIT

# usage_error DESCRIPTION ARG...: exit 2, the reason on the first line.
usage_error() {
	_d=$1
	shift
	"$paired" "$@" --out "$out/u" >"$out/o" 2>"$out/e"
	_rc=$?
	tap_check "$_d: exit 2 with a reason" sh -c \
		"[ $_rc -eq 2 ] && head -n 1 '$out/e' | grep -q '^paired: ' && [ ! -s '$out/o' ]"
}

tap_plan 12
tap_check "--help prints the usage and exits 0" sh -c "'$paired' --help | grep -q '^usage: experiments/paired'"
usage_error "--conns abc" --conns abc
usage_error "unknown option" --bogus
usage_error "--server without a command" --server justaname
usage_error "--server with a missing program" --server "x=user/no-such-server"
usage_error "--heavy-ratio 2" --heavy-ratio 2

# A port in use: hold one with a tpc-server of our own.
user/tpc-server --port 0 >"$out/holder" 2>&1 &
holder=$!
port=$(listening_port "$out/holder")
"$paired" --variants tpc --conns 5 --duration 1 --port "$port" --out "$out/p" >"$out/o" 2>&1
rc=$?
tap_check "a stacklab server on a port in use: exit 1, says the address is in use" \
	sh -c "[ $rc -eq 1 ] && grep -q 'tpc did not start.*address in use' '$out/o'"
"$paired" --variants none --server "x=user/tpc-server --port {port}" --conns 5 --duration 1 \
	--port "$port" --out "$out/q" >"$out/o2" 2>&1
rc=$?
tap_check "a {port} server on a port in use: exit 1, names the port" \
	sh -c "[ $rc -eq 1 ] && grep -q 'port $port is already in use' '$out/o2'"
tap_check "the port's holder is untouched, and only it listens there" \
	sh -c "kill -0 $holder && [ \$(grep -c ':$(printf %04X "$port") [0-9A-F:]* 0A ' /proc/net/tcp) -eq 1 ]"

# A default-set style skip: tpc-64k refuses the 256 KiB heavy branch.
"$paired" --variants tpc,tpc-64k --conns 5 --duration 0.5 --warmup 0 --repeat 1 \
	--out "$out/s" >"$out/o4" 2>&1
rc=$?
tap_check "a skipped variant: exit 1, names it and --allow-skip" \
	sh -c "[ $rc -eq 1 ] && grep -q 'incomplete: 1 variant(s) skipped: tpc-64k: .*--allow-skip' '$out/o4'"
"$paired" --variants tpc,tpc-64k --conns 5 --duration 0.5 --warmup 0 --repeat 1 --allow-skip \
	--out "$out/s2" >"$out/o5" 2>&1
rc=$?
tap_check "--allow-skip: exit 0, the skip still listed in summary.md" \
	sh -c "[ $rc -eq 0 ] && grep -q '^- skipped: tpc-64k' '$out/s2/summary.md'"

if command -v setpriv >/dev/null; then
	# A copy nobody is kept from: the clone may sit under a directory only
	# root can enter (a mktemp -d), and the check must reach the script.
	pub=$(mktemp -d)
	chmod 755 "$pub"
	cp -r "$(dirname "$paired")" "$pub/experiments"
	chmod -R a+rX "$pub"
	setpriv --reuid 65534 --regid 65534 --clear-groups "$pub/experiments/paired" \
		--conns 5 --out /tmp >"$out/o3" 2>&1
	rc=$?
	rm -rf "$pub"
	tap_check "without root: exit 1, says it needs root" \
		sh -c "[ $rc -eq 1 ] && grep -q 'needs root' '$out/o3'"
else
	tap_skip "without root: exit 1, says it needs root" "no setpriv"
fi
tap_exit
