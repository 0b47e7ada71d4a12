#!/bin/sh
# The experiment scripts' command lines by docs/design.md's convention:
# experiments/lib/opts.sh's durations (units, bare seconds, bad ones and
# out-of-range ones refused naming the flag), --version from VERSION, and
# a bad flag or duration in experiments/paired, bench-http, bench-conns
# and paired-agree exits 2 naming it, before anything runs.  Run from
# build/ (host suite); the scripts live in the source tree.
. "$(dirname "$0")/../lib/tap.sh"

root=$(cd "$(dirname "$0")/../../.." && pwd)
. "$root/experiments/lib/opts.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(cat "$root/VERSION")

# seconds_are TEXT WANT: opts_duration takes TEXT as WANT seconds.
seconds_are() {
	tap_check "duration '$1' is $2 s" sh -c \
		". '$root/experiments/lib/opts.sh'; [ \"\$(opts_duration t --d '$1')\" = '$2' ]"
}
# refused TEXT PATTERN [MIN MAX]: opts_duration refuses TEXT, status 1,
# one stderr line matching PATTERN that names the flag.
refused() {
	_t=$1 _p=$2
	shift 2
	opts_duration prog --dur "$_t" "$@" >"$tmp/o" 2>"$tmp/e"
	_rc=$?
	tap_check "duration '$_t' refused: $_p" sh -c \
		"[ $_rc -eq 1 ] && [ ! -s '$tmp/o' ] && [ \$(wc -l <'$tmp/e') -eq 1 ] && grep -q \"^prog: --dur: '$_t' $_p\" '$tmp/e'"
}
# usage_error DESC PATTERN CMD...: CMD exits 2, stderr has PATTERN, no stdout.
usage_error() {
	_d=$1 _p=$2
	shift 2
	"$@" >"$tmp/o" 2>"$tmp/e"
	_rc=$?
	# One line: the mistake and how to see the usage, said once.
	tap_check "$_d: exit 2, says $_p" sh -c \
		"[ $_rc -eq 2 ] && [ ! -s '$tmp/o' ] && [ \$(wc -l <'$tmp/e') -eq 1 ] && grep -q -- \"$_p\" '$tmp/e'"
}

scripts="paired bench-http bench-conns paired-agree bench-census"
tap_plan $((7 + 4 + 5 * 5 + 6 + 3))
seconds_are 500ms 0.5
seconds_are 2s 2
seconds_are 1m 60
seconds_are 1.5 1.5
seconds_are 250us 0.00025
seconds_are 1h 3600
seconds_are 0 0
refused 2x "is not a duration (a number with an optional unit"
refused "" "is not a duration"
refused 1.s "is not a duration"
refused 2h "is out of range \[1ms, 1h\]" 1ms 1h

for s in $scripts; do
	for v in -V --version; do
		out=$("$root/experiments/$s" $v 2>&1)
		rc=$?
		tap_check "$s $v: '$s (stacklab) $version', exit 0" sh -c \
			"[ $rc -eq 0 ] && [ '$out' = '$s (stacklab) $version' ]"
	done
	usage_error "$s --bogus" "unknown option '--bogus'; try '.*$s --help'\$" "$root/experiments/$s" --bogus
	for h in -h --help; do
		"$root/experiments/$s" $h >"$tmp/h" 2>"$tmp/he"
		rc=$?
		tap_check "$s $h: usage on stdout, nothing on stderr, exit 0" sh -c \
			"[ $rc -eq 0 ] && grep -q '^usage: ' '$tmp/h' && [ ! -s '$tmp/he' ]"
	done
done

# A bad duration is refused before anything starts (no root needed).
usage_error "paired --duration 2x" "^paired: --duration: '2x' is not a duration" \
	"$root/experiments/paired" --duration 2x
usage_error "paired -d 0" "^paired: -d: '0' is out of range" "$root/experiments/paired" -d 0
usage_error "paired --warmup 1y" "^paired: --warmup: '1y' is not a duration" \
	"$root/experiments/paired" --warmup 1y
# A good one is taken: the next, bad, argument is what is refused.
usage_error "paired --duration 500ms --warmup 0 taken" "^paired: unknown option '--bogus'; try 'experiments/paired --help'$" \
	"$root/experiments/paired" --duration 500ms --warmup 0 --bogus
usage_error "bench-http --duration 1500ms" "not a whole number of seconds" \
	"$root/experiments/bench-http" --duration 1500ms
usage_error "bench-http --duration 1m taken" "^bench-http: unknown option '--bogus'; try 'bench-http --help'$" \
	"$root/experiments/bench-http" --duration 1m --bogus
# The K series' list and the registry's names.
usage_error "paired --after-k 0" "^paired: --after-k wants whole numbers from 1" \
	"$root/experiments/paired" --after-k 0
usage_error "paired --variants bogus names the registry's" "unknown variant 'bogus' (tpc,tpc-small,.*nginx,h2o or none)" \
	"$root/experiments/paired" --variants tpc,bogus
usage_error "bench-http --servers bogus names the registry's" "unknown server 'bogus' (tpc tpc-small .*nginx h2o)" \
	"$root/experiments/bench-http" --servers bogus
tap_exit
