# MariaDB from Debian for tests/real/ and make bench-probe: a data
# directory under build/real/mariadb (run from build/), a free loopback
# port, a server started and stopped by the caller, sysbench's tables.
# Sets dir, port, srv, tool; needs tmp; srv_cpu and load_cpu, when set,
# pin the server and sysbench.  bash.
. tests/lib/attach.sh
dir=$PWD/real/mariadb
srv= tool=

# REAL_PORTS=FIRST-LAST: where to look for a free port.
free_port() {
	local p range=${REAL_PORTS:-20000-20999}
	for p in $(seq ${range%-*} ${range#*-}); do
		[ -z "$(ss -Htln "sport = :$p")" ] && { echo $p; return 0; }
	done
	return 1
}

stop_server() {
	[ -n "$srv" ] || return 0
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	srv=
}

# A new mariadbd on the same data: a cold server (no cached threads).
start_server() {
	stop_server
	${srv_cpu:+taskset -c $srv_cpu} mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/sock" \
		--port=$port --bind-address=127.0.0.1 --user=root \
		--skip-name-resolve --innodb-buffer-pool-size=128M \
		--max-connections=400 --thread-cache-size=400 \
		--log-error="$dir/err.log" --pid-file="$dir/pid" >/dev/null 2>&1 &
	srv=$!
	for _ in $(seq 150); do
		mariadb --no-defaults -S "$dir/sock" -uroot -e 'select 1' >/dev/null 2>&1 && return 0
		kill -0 $srv 2>/dev/null || break
		sleep 0.2
	done
	echo "# mariadbd did not start: $(tail -n 3 "$dir/err.log" | tr '\n' ' ')"
	exit 1
}

load() {
	${load_cpu:+taskset -c $load_cpu} nice sysbench oltp_read_only --db-driver=mysql --mysql-host=127.0.0.1 \
		--mysql-port=$port --mysql-user=sb --mysql-password=sb \
		--mysql-db=sbtest --tables=2 --table-size=2000 "$@" >"$tmp/sb.out" 2>&1
}

# TOOL ARGS...: start it on the server, wait for its attach line.
attach() {
	attach_tool "$tmp/tool.out" "$tmp/tool.err" "$@"
	tool=$attached_pid
}

detach() {
	kill -INT $tool
	wait $tool
	tool=
}

# A new data directory, a cold server, sysbench's user and tables: 0 or 1.
mariadb_setup() {
	port=$(free_port) || { echo "# no free port in ${REAL_PORTS:-20000-20999}"; exit 1; }
	rm -rf "$dir"
	mkdir -p "$dir"
	mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
		--auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 ||
		{ echo "# mariadb-install-db failed: $(tail -n 3 "$dir/install.log")"; exit 1; }
	start_server
	mariadb --no-defaults -S "$dir/sock" -uroot -e "create database sbtest;
		create user sb@'127.0.0.1' identified by 'sb';
		grant all on sbtest.* to sb@'127.0.0.1';"
	load prepare
}
