# The server under test for loadgen's shell tests, sourced with the
# test's arguments: SERVER [SERVER_ARG]... (default user/tpc-server; run
# from build/).  Sets $server, $server_args and $tmp (removed at exit);
# the EXIT trap ends $lg_pid and $server_pid, a stopped server resumed
# first.
. tests/lib/tap.sh
. experiments/lib/listening.sh

server=${1:-user/tpc-server}
[ $# -gt 0 ] && shift
server_args="$*"

tmp=$(mktemp -d)
server_pid=''
lg_pid=''
trap 'kill -CONT $server_pid 2>/dev/null; kill $lg_pid $server_pid 2>/dev/null; rm -rf "$tmp"' EXIT

# start_server ARG...: the server on port 0 with ARGs; sets $server_pid,
# and $port from its first line (false when it never came).
# shellcheck disable=SC2034 # $port is the sourcing test's
start_server() {
	: >"$tmp/server.out"
	# shellcheck disable=SC2086
	"$server" --port 0 $server_args "$@" >"$tmp/server.out" 2>&1 &
	server_pid=$!
	port=$(listening_port "$tmp/server.out" 30)
}

stop_server() {
	kill -TERM "$server_pid"
	wait "$server_pid"
	server_pid=
}

# pause_server: SIGSTOP, returning once it has taken effect (the stop is
# asynchronous): its accept queue then takes connects, nothing answers.
pause_server() {
	kill -STOP "$server_pid"
	_tries=200
	until grep -q '^State:[[:space:]]*T' "/proc/$server_pid/status"; do
		_tries=$((_tries - 1))
		[ "$_tries" -gt 0 ] || break
		sleep 0.05
	done
	tap_diag "server $(grep '^State:' "/proc/$server_pid/status")"
}
