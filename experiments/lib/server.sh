# Start and stop one server variant for experiments/paired (POSIX sh,
# sourced; runs on the host and under busybox in the test VM).
#
#   server_start NAME COMMAND CONNS DIR   start it pinned to $server_cpu;
#       sets srv_pid and srv_port, or returns 1 with srv_error set (and
#       srv_status, the exit status, when it exited)
#   server_stop                           SIGTERM, then SIGKILL after 5 s
#
# COMMAND forms:
#   - a stacklab-style server (tpc-server, fut-server): "--port P
#     --heavy-bytes H --idle-timeout 86400 --max-conns CONNS+100" is appended
#     and the port is read from its first stdout line "...listening on
#     ADDR:PORT ...";
#   - any other server: COMMAND holds {port} (and may hold {dir}, a private
#     temporary directory); nothing is appended, {port} is replaced by
#     $paired_port or a free port, and the server is ready once that port is
#     in LISTEN state in /proc/net/tcp;
#   - NAME "nginx" or "h2o" (a reference server, ref_server) with an
#     empty COMMAND: a config is written to DIR and it runs in the
#     foreground, one process (see experiments/README.md).
# COMMAND is split on blanks; it cannot quote.  Set server_cpu, paired_port
# (empty: any free port), heavy_bytes and start_timeout (seconds) first;
# srv_cgroup optionally.

srv_pid=
srv_port=
srv_error=
# A cgroup v2 directory the next server_start runs the server in (empty:
# where the caller is).
srv_cgroup=

# port_listening PORT: true when some socket listens on PORT (IPv4 or IPv6).
port_listening() {
	_hex=$(printf '%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p=":$_hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 }
		END { exit !f }'
}

# port_used PORT: true when any socket (any state) has PORT as local port.
port_used() {
	_hex=$(printf '%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p=":$_hex" 'substr($2, length($2) - 4) == p { f = 1 } END { exit !f }'
}

free_port() {
	_p=18080
	while port_used "$_p"; do
		_p=$((_p + 1))
		[ "$_p" -lt 18580 ] || { echo 0; return 1; }
	done
	echo "$_p"
}

# The body of GET / the reference servers answer: the same bytes as our
# servers' (user/workload/workload.c; tests/paired/reference_bytes.sh holds
# them to it).  /heavy is a short fixed answer: they have no heavy branch.
ref_body='hello from stacklab'
ref_heavy_body='stacklab heavy'

# ref_server NAME: true for the servers run from a config written here.
ref_server() { case $1 in nginx|h2o) return 0 ;; esac; return 1; }

# ref_command NAME DIR PORT CONNS: writes NAME's config into DIR and
# prints the command that runs it in the foreground.
ref_command() {
	case $1 in
	nginx) nginx_conf "$2" "$3" "$4" && echo "nginx -e $2/error.log -p $2 -c $2/nginx.conf" ;;
	h2o) h2o_conf "$2" "$3" "$4" && echo "h2o -c $2/h2o.conf" ;;
	*) return 1 ;;
	esac
}

# nginx_conf DIR PORT CONNS: a minimal config, one process, in the
# foreground, every path under DIR, the same two URLs as our servers.
nginx_conf() {
	mkdir -p "$1/tmp"
	cat >"$1/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile $(($3 * 2 + 100));
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections $(($3 + 100)); }
http {
	access_log off;
	client_body_temp_path $1/tmp;
	keepalive_requests 100000000;
	keepalive_timeout 3600s;
	default_type text/plain;
	server {
		listen 127.0.0.1:$2;
		location = / { return 200 "$ref_body\n"; }
		location = /heavy { return 200 "$ref_heavy_body\n"; }
	}
}
EOF
}

# h2o_conf DIR PORT CONNS: one thread, no access log (none is named),
# keep-alive connections idle for up to a day, the same two URLs answered
# from files under DIR (h2o has no fixed answer but mruby's).  As root h2o
# would switch to nobody, who cannot read DIR: it stays root.
h2o_conf() {
	mkdir -p "$1/www"
	printf '%s\n' "$ref_body" >"$1/www/root.txt"
	printf '%s\n' "$ref_heavy_body" >"$1/www/heavy.txt"
	{
		[ "$(id -u)" -eq 0 ] && echo "user: root"
		cat <<EOF
num-threads: 1
max-connections: $(($3 + 100))
http1-request-timeout: 86400
error-log: $1/error.log
listen:
  host: 127.0.0.1
  port: $2
hosts:
  default:
    paths:
      /heavy:
        file.file: $1/www/heavy.txt
      /:
        file.file: $1/www/root.txt
EOF
	} >"$1/h2o.conf"
}

# srv_wait_ready: poll until the server is ready, has died,
# or start_timeout passes.
srv_wait_ready() {
	_ticks=$((start_timeout * 20))
	while [ "$_ticks" -gt 0 ]; do
		if [ -z "$srv_port" ]; then
			srv_port=$(sed -n 's/.*listening on [0-9a-fA-F.:[]*[]]*:\([0-9][0-9]*\).*/\1/p' \
				"$srv_dir/stdout" 2>/dev/null | head -n 1)
			[ -n "$srv_port" ] && return 0
		elif port_listening "$srv_port"; then
			return 0
		fi
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.05
		_ticks=$((_ticks - 1))
	done
	if kill -0 "$srv_pid" 2>/dev/null; then
		srv_error="not ready after ${start_timeout}s"
	else
		wait "$srv_pid" 2>/dev/null
		srv_status=$?
		srv_error="exited at start (status $srv_status)"
	fi
	_why=$(cat "$srv_dir/stderr" "$srv_dir/stdout" "$srv_dir/error.log" 2>/dev/null |
		grep -v '^$' | tail -n 2 | tr '\n' ' ')
	[ -n "$_why" ] && srv_error="$srv_error: $_why"
	return 1
}

server_start() {
	srv_name=$1 srv_cmd=$2 srv_conns=$3 srv_dir=$4
	srv_pid= srv_port= srv_error= srv_status=
	mkdir -p "$srv_dir"
	if [ -z "$srv_cmd" ] && ref_server "$srv_name"; then
		srv_port=${paired_port:-$(free_port)}
		srv_cmd=$(ref_command "$srv_name" "$srv_dir" "$srv_port" "$srv_conns")
	else
		case $srv_cmd in
		*"{port}"*)
			srv_port=${paired_port:-$(free_port)}
			srv_cmd=$(printf '%s' "$srv_cmd" | sed "s|{port}|$srv_port|g; s|{dir}|$srv_dir|g")
			;;
		*)
			srv_cmd="$srv_cmd --port ${paired_port:-0} --heavy-bytes $heavy_bytes --idle-timeout 86400 --max-conns $((srv_conns + 100))"
			;;
		esac
	fi
	if [ -n "$srv_port" ] && port_listening "$srv_port"; then
		srv_error="port $srv_port is already in use: stop what listens there or pick another --port"
		srv_port=
		return 1
	fi
	# The files of the previous start must go first: the redirections below
	# happen in the child, after the parent may already read them.
	rm -f "$srv_dir/stdout" "$srv_dir/stderr" "$srv_dir/error.log"
	echo "$srv_cmd" >"$srv_dir/command"
	if [ -n "$srv_cgroup" ]; then
		# Into the cgroup before exec: the server's every allocation is
		# charged there from its first.
		# shellcheck disable=SC2016,SC2086
		taskset -c "$server_cpu" sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$srv_cgroup" \
			$srv_cmd >"$srv_dir/stdout" 2>"$srv_dir/stderr" &
	else
		# shellcheck disable=SC2086
		taskset -c "$server_cpu" $srv_cmd >"$srv_dir/stdout" 2>"$srv_dir/stderr" &
	fi
	srv_pid=$!
	if ! srv_wait_ready; then
		server_stop
		return 1
	fi
	return 0
}

server_stop() {
	[ -n "$srv_pid" ] || return 0
	kill -TERM "$srv_pid" 2>/dev/null
	_ticks=100
	while kill -0 "$srv_pid" 2>/dev/null && [ "$_ticks" -gt 0 ]; do
		# A zombie still answers kill -0: reap it if it is done.
		grep -q '^State:[[:space:]]*Z' "/proc/$srv_pid/status" 2>/dev/null && break
		sleep 0.05
		_ticks=$((_ticks - 1))
	done
	kill -KILL "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null
	srv_pid=
}
