# Option values for the experiment scripts, by the command-line
# convention of docs/design.md (the C tools' user/common/opts.c): the same
# duration syntax, the same error lines, the same --version line.
# POSIX sh, sourced (runs under busybox in the test VM too).
#
#   opts_duration PROG FLAG TEXT [MIN MAX]
#       TEXT as seconds on stdout ("0.5", "2", "60"); a number, fractions
#       allowed, with an optional unit ns, us, ms, s, m or h (bare:
#       seconds).  MIN and MAX, durations too, bound it.  A bad TEXT: one
#       line on stderr naming FLAG and what it accepts, status 1 (the
#       caller exits 2: bad usage).
#   opts_version PROG DIR
#       "PROG (stacklab) VERSION" from the VERSION file above DIR (the
#       experiments directory, in the source tree or installed).

# opts_seconds TEXT: TEXT in seconds, or nothing when it is no duration.
opts_seconds() {
	printf '%s\n' "$1" | awk '
		/^[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h)?$/ {
			n = $0; sub(/[a-z]+$/, "", n); u = substr($0, length(n) + 1)
			f = u == "ns" ? 1e-9 : u == "us" ? 1e-6 : u == "ms" ? 1e-3 : \
			    u == "m" ? 60 : u == "h" ? 3600 : 1
			printf "%.9g\n", n * f }'
}

opts_duration() {
	_od_s=$(opts_seconds "$3")
	if [ -z "$_od_s" ]; then
		echo "$1: $2: '$3' is not a duration (a number with an optional unit ns, us, ms, s, m or h, e.g. 500ms, 2s, 1m; a bare number is seconds)" >&2
		return 1
	fi
	if [ $# -ge 5 ] && ! awk -v v="$_od_s" -v lo="$(opts_seconds "$4")" -v hi="$(opts_seconds "$5")" \
		'BEGIN { exit !(v >= lo && v <= hi) }'; then
		echo "$1: $2: '$3' is out of range [$4, $5]" >&2
		return 1
	fi
	echo "$_od_s"
}

opts_version() {
	_ov_v=$(cat "$2/../VERSION" 2>/dev/null) || _ov_v=unknown
	echo "$1 (stacklab) $_ov_v"
}
