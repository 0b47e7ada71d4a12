#!/bin/sh
# Every installed tool's command line by the one convention: a bad flag or
# a missing value is one line naming it and "try 'TOOL --help'", exit 2;
# -h/--help (usage first, examples) and -V/--version; durations with
# units and sizes with K/M/G taken, bad ones refused on one line naming the
# flag; old spellings still work and warn.  Run from build/.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
. experiments/lib/listening.sh

tmp=$(mktemp -d)
server_pid=
trap 'kill $server_pid 2>/dev/null; rm -rf "$tmp"' EXIT
version=$(sed -n 's/^\([^ ]*\) (stacklab) \(.*\)/\2/p' <<EOF_V
$(user/loadgen --version)
EOF_V
)
tools="user/tpc-server user/fut-server user/coro-server user/loadgen user/fut-advise user/bench/fut_bench user/bench/segment_bench bpf/stacklab-probe bpf/stack-advise"
# The Go peer, when go is installed (mk/peers.mk builds it then).
go_tools=
for t in peers/go-server peers/go-grow; do
	[ -x "$t" ] && go_tools="$go_tools $t"
done
# The Rust peer, when cargo is installed (mk/peers.mk builds it then).
rust_tools=
[ -x peers/rust-server ] && rust_tools=" peers/rust-server"
tools="$tools$go_tools$rust_tools"
ntools=$(echo $tools | wc -w)
tap_plan $((5 * ntools + 29 + 8))

# exit_says STATUS PATTERN CMD...: CMD exits STATUS and stderr has PATTERN;
# a refusal (status 2) is said once: stderr is that one line.
exit_says() {
	_want=$1 _pat=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	_rc=$?
	if [ "$_rc" -eq "$_want" ] && grep -q -e "$_pat" "$tmp/err" &&
	   { [ "$_want" -ne 2 ] || [ "$(wc -l <"$tmp/err")" -eq 1 ]; }; then
		return 0
	fi
	tap_diag "$*: exit $_rc, stderr: $(head -c 300 "$tmp/err")"
	return 1
}

# helps NAME FLAG: TOOL FLAG prints its usage first and examples, on
# stdout, nothing on stderr, exit 0.
helps() {
	"$1" "$2" >"$tmp/out" 2>"$tmp/err" </dev/null || return 1
	head -n 1 "$tmp/out" | grep -q "^usage: $(basename "$1") " &&
		grep -q '^Examples\?:' "$tmp/out" && [ ! -s "$tmp/err" ] && return 0
	tap_diag "$1 $2: $(head -c 200 "$tmp/out") / $(head -c 200 "$tmp/err")"
	return 1
}

for t in $tools; do
	name=$(basename "$t")
	tap_check "$name: an unknown flag is one line naming it, exit 2" \
		exit_says 2 "^$name: unknown option '--bogus-flag'; try '$name --help'\$" \
		"$t" --bogus-flag
	tap_check "$name: --version is '$name (stacklab) VERSION'" \
		sh -c "test \"\$('$t' --version)\" = '$name (stacklab) $version'"
	tap_check "$name: -V is --version" \
		sh -c "test \"\$('$t' -V)\" = '$name (stacklab) $version'"
	tap_check "$name: --help: usage first, examples, exit 0" helps "$t" --help
	tap_check "$name: -h is --help" helps "$t" -h
done

# A flag without its value: named on one line, as an unknown one is.
tap_check "tpc-server --port (no value): one line naming it, exit 2" \
	exit_says 2 "^tpc-server: missing value for option '--port'; try 'tpc-server --help'\$" \
	user/tpc-server --port
tap_check "loadgen --port 1 -c (no value): one line naming it, exit 2" \
	exit_says 2 "^loadgen: missing value for option '-c'; try 'loadgen --help'\$" \
	user/loadgen --port 1 -c
tap_check "stack-advise -d (no value): one line naming it, exit 2" \
	exit_says 2 "^stack-advise: missing value for option '-d'; try 'stack-advise --help'\$" \
	bpf/stack-advise -d
tap_check "coro-server --port 0 stray: one line naming it, exit 2" \
	exit_says 2 "^coro-server: unexpected argument 'stray'; try 'coro-server --help'\$" \
	user/coro-server --port 0 stray
if [ -x peers/go-server ]; then
	tap_check "go-server --port (no value): one line naming it, exit 2" \
		exit_says 2 "^go-server: missing value for option '--port'; try 'go-server --help'\$" \
		peers/go-server --port
else
	tap_skip "go-server --port (no value)" "go is not installed"
fi

# start ARGS...: a server in the background; its port in $port.
start() {
	: >"$tmp/server.out"
	"$@" >"$tmp/server.out" 2>"$tmp/server.err" &
	server_pid=$!
	# Up to 20 s: the machine may be busy with builds.
	port=$(listening_port "$tmp/server.out" 20)
}
stop() {
	kill -TERM "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=
}
listens() {
	start "$@"
	_ok=$([ -n "$port" ] && echo y)
	stop
	[ -n "$_ok" ] || tap_diag "$*: $(head -c 300 "$tmp/server.err")"
	[ -n "$_ok" ]
}

# Durations.
tap_check "loadgen -d 2x: exit 2, not a duration" \
	exit_says 2 "loadgen: --duration: '2x' is not a duration" user/loadgen --port 1 -c 1 -d 2x
tap_check "loadgen --warmup 2x: exit 2, not a duration" \
	exit_says 2 "loadgen: --warmup: '2x' is not a duration" user/loadgen --port 1 -c 1 -n 1 --warmup 2x
tap_check "loadgen -T 2h: exit 2, out of range [.., 1h]" \
	exit_says 2 "loadgen: --timeout: '2h' is out of range" user/loadgen --port 1 -c 1 -n 1 -T 2h
tap_check "tpc-server --idle-timeout 10parsecs: exit 2, not a duration" \
	exit_says 2 "tpc-server: --idle-timeout: '10parsecs' is not a duration" user/tpc-server --port 0 --idle-timeout 10parsecs
tap_check "fut-server --idle-timeout 0: exit 2, out of range" \
	exit_says 2 "fut-server: --idle-timeout: '0' is out of range" user/fut-server --port 0 --idle-timeout 0
tap_check "tpc-server --idle-timeout 1m: serves" listens user/tpc-server --port 0 --idle-timeout 1m
tap_check "fut-server --idle-timeout 1500ms: serves" listens user/fut-server --port 0 --idle-timeout 1500ms
tap_check "coro-server --shutdown-timeout 10x: exit 2, not a duration" \
	exit_says 2 "coro-server: --shutdown-timeout: '10x' is not a duration" user/coro-server --port 0 --shutdown-timeout 10x
tap_check "coro-server --idle-timeout 1m --shutdown-timeout 500ms: serves" \
	listens user/coro-server --port 0 --idle-timeout 1m --shutdown-timeout 500ms

tap_check "stacklab-probe -d 2x: exit 2, not a duration" \
	exit_says 2 "stacklab-probe: --duration: '2x' is not a duration" bpf/stacklab-probe -d 2x -- true
if [ "$(id -u)" -eq 0 ]; then
	# 300ms taken as 300 s would outlive the timeout.
	tap_check "stacklab-probe -d 300ms -i 100ms: ends by itself, exit 0" \
		sh -c "timeout 60 bpf/stacklab-probe -d 300ms -i 100ms --json -- sleep 100 >'$tmp/probe.out' 2>/dev/null &&
		       grep -q '\"type\": *\"final\"' '$tmp/probe.out'"
else
	tap_skip "stacklab-probe -d 300ms: ends by itself" "needs root (BPF)"
fi
tap_check "stack-advise -d 2x: exit 2, not a duration" \
	exit_says 2 "stack-advise: --duration: '2x' is not a duration" bpf/stack-advise -d 2x -- true
if [ "$(id -u)" -eq 0 ]; then
	tap_check "stack-advise -d 300ms: ends by itself, exit 0" \
		sh -c "timeout 60 bpf/stack-advise -d 300ms --json -- sleep 100 >'$tmp/sa.out' 2>/dev/null &&
		       grep -q '\"suggestions\"' '$tmp/sa.out'"
else
	tap_skip "stack-advise -d 300ms: ends by itself" "needs root (BPF)"
fi

start user/tpc-server --port 0
# 500ms taken as 500 s would outlive the timeout: it must end by itself.
tap_check "loadgen -d 500ms -T 2s: a run that ends by itself, exit 0" \
	sh -c "timeout 60 user/loadgen --port $port -c 2 -d 500ms -T 2s --quiet >/dev/null"
tap_check "loadgen -d 0.3 (bare seconds, a fraction): exit 0" \
	sh -c "timeout 60 user/loadgen --port $port -c 2 -d 0.3 --quiet >/dev/null"
tap_check "loadgen -t 5 (old spelling): works and warns" \
	exit_says 0 "warning: -t (timeout) is deprecated.*use -T" \
	user/loadgen --port "$port" -c 1 -n 10 -t 5 --quiet
tap_check "loadgen -i -s 3 (old spellings): work and warn" \
	sh -c "user/loadgen --port $port -c 2 -i -s 3 -d 0.2 --quiet 2>'$tmp/e' &&
	       grep -q 'warning: -i (idle) is deprecated.*use --idle' '$tmp/e' &&
	       grep -q 'warning: -s (seed) is deprecated.*use --seed' '$tmp/e'"
stop

# The Go peer reads the same spellings.
if [ -x peers/go-server ]; then
	tap_check "go-server --idle-timeout 2x: exit 2, naming the flag" \
		exit_says 2 "idle-timeout" peers/go-server --port 0 --idle-timeout 2x
	go_old() {
		listens peers/go-server -p 0 -t 2 --idle-timeout 1m &&
			grep -q 'warning: -p (port) is deprecated.*use --port' "$tmp/server.err"
	}
	tap_check "go-server -p 0 -t 2 --idle-timeout 1m: serves, -p warns" go_old
else
	tap_skip "go-server --idle-timeout 2x" "go is not installed"
	tap_skip "go-server -p 0 -t 2" "go is not installed"
fi

# So does the Rust peer (no old -p: it never had one).
if [ -x peers/rust-server ]; then
	tap_check "rust-server --idle-timeout 2x: exit 2, not a duration" \
		exit_says 2 "rust-server: --idle-timeout: '2x' is not a duration" peers/rust-server --port 0 --idle-timeout 2x
	tap_check "rust-server --heavy sideways: exit 2, naming the flag and the values" \
		exit_says 2 "rust-server: --heavy: 'sideways' is neither inline nor boxed" peers/rust-server --port 0 --heavy sideways
	tap_check "rust-server -t2 --heavy=boxed -H 16k --idle-timeout 1m --shutdown-timeout 500ms: serves" \
		listens peers/rust-server --port 0 -t2 --heavy=boxed -H 16k --idle-timeout 1m --shutdown-timeout 500ms
else
	tap_skip "rust-server --idle-timeout 2x" "cargo is not installed"
	tap_skip "rust-server --heavy sideways" "cargo is not installed"
	tap_skip "rust-server -t2 --heavy=boxed" "cargo is not installed"
fi

# Sizes.
tap_check "tpc-server --stack-size 64KB: exit 2, not a byte count" \
	exit_says 2 "tpc-server: --stack-size: '64KB' is not a byte count" user/tpc-server --port 0 --stack-size 64KB
tap_check "fut-server --heavy-bytes 1.5M: exit 2, not a byte count" \
	exit_says 2 "fut-server: --heavy-bytes: '1.5M' is not a byte count" user/fut-server --port 0 --heavy-bytes 1.5M
tap_check "tpc-server --stack-size 256K --heavy-bytes 16k: serves" \
	listens user/tpc-server --port 0 --stack-size 256K --heavy-bytes 16k
tap_check "coro-server --stack-size 64KB: exit 2, not a byte count" \
	exit_says 2 "coro-server: --stack-size: '64KB' is not a byte count" user/coro-server --port 0 --stack-size 64KB
tap_check "coro-server --stack split --stack-size 16K: serves" \
	listens user/coro-server --port 0 --stack split --stack-size 16K
tap_check "fut-server --heavy-bytes 1M --max-header-bytes 4K: serves" \
	listens user/fut-server --port 0 --heavy-bytes 1M --max-header-bytes 4K

# One cap on --heavy-bytes for every C server (docs/design.md).
for t in tpc-server fut-server coro-server; do
	tap_check "$t --heavy-bytes 2G: exit 2, out of range [1, 1G]" \
		exit_says 2 "^$t: --heavy-bytes: '2G' is out of range \\[1, 1073741824\\]\$" \
		user/$t --port 0 --heavy-bytes 2G
done

# Old spelling of --port.
old_port() {
	listens user/tpc-server -p 0 &&
		grep -q 'warning: -p (port) is deprecated.*use --port' "$tmp/server.err"
}
tap_check "tpc-server -p 0 (old spelling): serves and warns" old_port
tap_exit
