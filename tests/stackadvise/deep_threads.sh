#!/bin/sh
# stack-advise on sa_deep: THREADS threads all run shallow(), one in EVERY
# also deep() with a 64 KiB array (16 pages).  The first suggestion must
# segment deep() with the right thread count and 16 pages within 2; no
# suggestion segments shallow(); deep() has a file and line.  Two shapes,
# the first with the report on stdout (the workload's own line then goes to
# stderr), the second with -o FILE (the workload keeps stdout) and run from
# a copy whose name is not UTF-8 (the byte 0xff): the JSON keeps "target"
# and "object", the byte as U+FFFD.
. tests/lib/tap.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad_name=$(printf 'sa_deep\377')
cp tests/stackadvise/sa_deep "$tmp/$bad_name"

tap_plan 16
for shape in "16 4" "40 10"; do
	set -- $shape
	want=$(( ($1 + $2 - 1) / $2 ))
	if [ "$shape" = "16 4" ]; then
		bpf/stack-advise --json -- tests/stackadvise/sa_deep "$1" "$2" >"$tmp/sa.json" 2>"$tmp/err"
		tap_check "stack-advise ran on sa_deep $shape" test $? -eq 0
		own="$tmp/err"
	else
		bpf/stack-advise --json -o "$tmp/sa.json" -- "$tmp/$bad_name" "$1" "$2" \
			>"$tmp/out" 2>"$tmp/err"
		tap_check "stack-advise -o ran on sa_deep $shape" test $? -eq 0
		own="$tmp/out"
	fi
	tap_check "the report is one JSON object, nothing else ($shape)" \
		test "$(jq -s length "$tmp/sa.json" 2>&1)" = 1
	tap_check "the workload's own line is in $(basename "$own") ($shape)" \
		grep -q "^sa_deep: $1 threads" "$own"
	first=$(jq -r '.suggestions[0] | "\(.action) \(.function)"' "$tmp/sa.json")
	threads=$(jq '.suggestions[0].threads' "$tmp/sa.json")
	pages=$(jq '.suggestions[0].pages_per_thread' "$tmp/sa.json")
	echo "# $shape: first '$first', $threads threads, $pages pages per thread"
	tap_check "first suggestion segments deep ($first)" test "$first" = "segment deep"
	tap_check "deep: $want threads ($threads)" test "$threads" = "$want"
	tap_check "deep: 16 pages per thread within 2 ($pages)" \
		awk -v p="$pages" 'BEGIN { exit !(p >= 14 && p <= 18) }'
	if [ "$own" = "$tmp/out" ]; then
		tap_check "a path that is not UTF-8 keeps \"target\", 0xff as U+FFFD" \
			test "$(jq -r '.target | test("/sa_deep\ufffd \\(pid ")' "$tmp/sa.json")" = true
		tap_check "... and \"object\"" \
			test "$(jq -r '.suggestions[0].object | endswith("/sa_deep\ufffd")' "$tmp/sa.json")" = true
	fi
	tap_check "shallow is never segmented" test "$(jq '[.suggestions[] | select(.action == "segment" and .function == "shallow")] | length' "$tmp/sa.json")" = 0
done
[ $tap_failed -eq 0 ]
