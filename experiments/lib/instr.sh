#!/bin/sh
# User-space instructions per request of the HTTP servers under callgrind,
# and each server's over its floor's (experiments/lib/price.sh).  Run by
# bench-http, or alone: sh experiments/lib/instr.sh --help (make bench-instr).
cd "$(dirname "$0")/../.." || exit 1
top=$PWD
. experiments/lib/server.sh
. experiments/lib/opts.sh
. experiments/lib/price.sh
variants_file=$top/experiments/lib/variants.list
. experiments/lib/variants.sh

usage() {
	cat <<USAGE
usage: sh experiments/lib/instr.sh [--servers "NAME..."] [--conns N]
                                   [--requests "N1 N2"] [--out FILE]

Each server runs under valgrind --tool=callgrind (pinned to CPU 0, its
output in a temporary directory); loadgen (CPU 1) warms it up with 2000
requests, then sends N1 and then N2 requests, closed loop on --conns
connections, and callgrind dumps its count after each.  Instructions per
request is (Ir of the N2 run - Ir of the N1 run) / (N2 - N1): starting,
connecting and closing are the same in both runs and cancel out.  Counts
all of the server's threads, user space only (no kernel instructions).
  --servers LIST   names of experiments/lib/variants.list (default:
                   "$INSTR_DEFAULT"); go does not run under valgrind
  --conns N        loadgen connections (default 8)
  --requests LIST  the two request counts (default "5000 25000")
  --out FILE       also append "NAME lg-cN instr_per_req VALUE" lines to
                   FILE (bench-http's results)
  -V, --version    the version
Prints "NAME: I instructions per request" per server, then each server's
count over its floor's.  Exit 1 when a server gave no count (the reason
on stderr), 2 on bad usage.
example: sh experiments/lib/instr.sh --servers "fut-boxed floor-uring"
USAGE
}

INSTR_DEFAULT="fut-boxed floor-uring tpc floor-threads coro-fixed"
[ -f user/loadgen ] || cd build 2>/dev/null || true
only=$INSTR_DEFAULT conns=8 reqs="5000 25000" out=
while [ $# -gt 0 ]; do
	case $1 in
	--servers|--conns|--requests|--out)
		[ $# -ge 2 ] || { echo "instr.sh: $1 needs a value; try 'instr.sh --help'" >&2; exit 2; } ;;
	esac
	case $1 in
	--servers) only=$2; shift ;;
	--conns) conns=$2; shift ;;
	--requests) reqs=$2; shift ;;
	--out) out=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	-V|--version) opts_version instr.sh "$top/experiments"; exit 0 ;;
	*) echo "instr.sh: unknown option '$1'; try 'instr.sh --help'" >&2; exit 2 ;;
	esac
	shift
done
set -- $reqs
n1=${1:-} n2=${2:-}
for n in "$conns" "$n1" "$n2"; do
	case $n in ''|*[!0-9]*|0) echo "instr.sh: '$n' is not a positive whole number (--conns N, --requests \"N1 N2\")" >&2; exit 2 ;; esac
done
[ "$n2" -gt "$n1" ] || { echo "instr.sh: --requests \"$reqs\": the second count must be the larger" >&2; exit 2; }
for n in $only; do
	variants_kind "$n" >/dev/null ||
		{ echo "instr.sh: --servers: unknown server '$n' ($(variants_names | tr '\n' ' ' | sed 's/ $//'))" >&2; exit 2; }
done
for t in valgrind callgrind_control jq; do
	command -v $t >/dev/null || { echo "instr.sh: $t is missing: run make deps-bench (Debian package valgrind, jq)" >&2; exit 1; }
done
[ -x user/loadgen ] || { echo "instr.sh: user/loadgen is not built: run make" >&2; exit 1; }

server_cpu=0 client_cpu=1 paired_port= heavy_bytes=262144 start_timeout=60
tmp=$(mktemp -d /tmp/stacklab-instr.XXXXXX)
trap 'server_stop; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
say() { echo "instr.sh: $*" >&2; }
load="lg-c$conns" failed=0

# cg_dump PID TAG: callgrind writes what it counted since its last dump
# (through vgdb: it works while the server blocks in io_uring_enter, where
# valgrind holds its lock and a SIGTERM would never be taken).
cg_dump() {
	callgrind_control -d "$2" "$1" >"$tmp/control.out" 2>&1 ||
		say "callgrind_control -d $2 $1 failed: $(tail -n 1 "$tmp/control.out") (vgdb reaches valgrind through /tmp and ptrace)"
}
cg_ir() { # TAG: Ir of the dump of that name
	grep -l "^desc: Trigger: dump $1\$" "$tmp"/cg.out.* 2>/dev/null |
		head -n 1 | xargs -r sed -n 's/^summary: *//p'
}
lg() { # REQUESTS FILE
	user/loadgen --port "$srv_port" -c "$conns" -n "$1" --cpu $client_cpu --timeout 60 \
		--quiet --json >"$2" 2>"$2.err"
}

for name in $only; do
	case $name in go) say "go-server does not run under valgrind: skipped"; continue ;; esac
	cmd=$(variants_cmd "$name" "$heavy_bytes")
	if ! ref_server "$cmd" && [ ! -x "${cmd%% *}" ]; then
		say "$name: ${cmd%% *} is not built (run make): skipped"; failed=1; continue
	fi
	say "$name under callgrind: loadgen -c$conns, 2000 (warm-up), $n1, then $n2 requests"
	rm -f "$tmp"/cg.out*
	vg="valgrind --tool=callgrind --callgrind-out-file=$tmp/cg.out"
	srv_dir=$tmp/srv-$name
	if ref_server "$cmd"; then
		mkdir -p "$srv_dir"
		srv_port=$(free_port)
		# shellcheck disable=SC2086
		taskset -c $server_cpu $vg $(ref_command "$cmd" "$srv_dir" "$srv_port" "$conns") \
			>"$srv_dir/stdout" 2>"$srv_dir/stderr" &
		srv_pid=$!
		srv_wait_ready || { say "$name under valgrind: $srv_error"; server_stop; failed=1; continue; }
	else
		server_start "$name" "$vg $cmd" "$conns" "$srv_dir" ||
			{ say "$name under valgrind did not start: $srv_error"
			  case $srv_error in "not ready"*)
				say "  (seen with coro-server: valgrind 3.19 runs one thread at a time and a thread waiting in io_uring_enter keeps its lock, so the main thread, waiting for that one on a pipe, never runs)" ;;
			  esac
			  failed=1; continue; }
	fi
	lg 2000 "$tmp/warm.json"
	cg_dump "$srv_pid" warm
	lg "$n1" "$tmp/cg1.json"
	cg_dump "$srv_pid" n1
	lg "$n2" "$tmp/cg2.json"
	cg_dump "$srv_pid" n2
	server_stop
	a1=$(jq '.status["2xx"]' "$tmp/cg1.json" 2>/dev/null) a2=$(jq '.status["2xx"]' "$tmp/cg2.json" 2>/dev/null)
	i1=$(cg_ir n1) i2=$(cg_ir n2)
	if [ "${a1:-0}" != "$n1" ] || [ "${a2:-0}" != "$n2" ]; then
		say "$name: loadgen got ${a1:-no} and ${a2:-no} answers of $n1 and $n2: $(tail -n 1 "$tmp/cg2.json.err") (valgrind's last words: $(grep -v '^==' "$srv_dir/stderr" 2>/dev/null | tail -n 1; grep '^==' "$srv_dir/stderr" 2>/dev/null | tail -n 1))"
		failed=1; continue
	fi
	if [ -z "$i1" ] || [ -z "$i2" ]; then
		say "$name: no callgrind dump named n1 or n2 in $tmp (callgrind_control could not reach pid $srv_pid; see its error above)"
		failed=1; continue
	fi
	v=$(awk -v a="$i1" -v b="$i2" -v n=$((n2 - n1)) 'BEGIN { printf "%.1f", (b - a) / n }')
	echo "$name $load instr_per_req $v" >>"$tmp/res"
	printf '%s: %s instructions per request (Ir %s over %s requests, %s over %s)\n' \
		"$name" "$v" "$i1" "$n1" "$i2" "$n2"
done
[ -s "$tmp/res" ] || { say "no server gave a count"; exit 1; }
[ -z "$out" ] || cat "$tmp/res" >>"$out"
# One run each: median = min = max, n = 1.
awk '{ print $1, $2, $3, $4, $4, $4, 1 }' "$tmp/res" >"$tmp/summary"
price_instr "$tmp/summary"
exit $failed
