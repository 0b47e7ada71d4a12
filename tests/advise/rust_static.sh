#!/bin/sh
# fut-advise --binary on a Rust program (tests/advise/rust/src/bin/sizes.rs):
# each async fn's and async block's size from DWARF equals the
# std::mem::size_of_val the program prints itself; the await tree has the
# inline, boxed and dyn (recursive) children the source has; a binary with
# no async state machine and one without DWARF get one clear error.
# Run from the build tree.
. tests/lib/tap.sh
R=cargo-advise/release
if [ ! -x /usr/bin/cargo ]; then
	tap_plan 1
	tap_skip "fut-advise reads Rust" "no /usr/bin/cargo (make deps)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# jq_true FILTER FILE: the filter yields true (an empty file yields nothing).
jq_true() { [ "$(jq "$@")" = true ]; }
tap_plan 13
"$R/sizes" >"$tmp/sizes" || echo "# sizes did not run" >&2
user/fut-advise --binary "$R/sizes" --json >"$tmp/a.json"
tap_check "fut-advise --binary reads it (exit 0, JSON)" jq_true '.futures | length > 0' "$tmp/a.json"
# The program's names -> fut-advise's: an async fn by its path, an async
# block by its place.
for pair in leaf:sizes::leaf middle:sizes::middle boxed_parent:sizes::boxed_parent \
	    top:sizes::top 'recurse:sizes::recurse::{async_block_env#0}' \
	    'main_block:sizes::main::{async_block_env#0}'; do
	prog=${pair%%:*} name=${pair#*:}
	want=$(awk -v n="$prog" '$1 == n { print $2 }' "$tmp/sizes")
	got=$(jq -r --arg n "$name" '.futures[] | select(.name == $n) | .bytes' "$tmp/a.json")
	tap_check "$name: $got bytes, size_of_val says $want" test -n "$want" -a "$got" = "$want"
done
child() { # FUTURE KIND: the futures its states hold that way
	jq -r --arg n "$1" --arg k "$2" '.futures[] | select(.name == $n) | .states[].children[] |
		select(.kind == $k) | .future // "dyn"' "$tmp/a.json" | sort -u | tr '\n' ' '
}
tap_check "middle holds leaf inline: $(child sizes::middle inline)" \
	test "$(child sizes::middle inline)" = "sizes::leaf "
tap_check "boxed_parent holds middle boxed: $(child sizes::boxed_parent boxed)" \
	test "$(child sizes::boxed_parent boxed)" = "sizes::middle "
tap_check "the recursive block holds itself behind a dyn box, leaf inline" test \
	"$(child 'sizes::recurse::{async_block_env#0}' boxed)/$(child 'sizes::recurse::{async_block_env#0}' inline)" = "dyn /sizes::leaf "
# Each suspend state names its await: top's first awaits the async block.
line=$(jq -r '.futures[] | select(.name == "sizes::top") | .states[] | select(.state == "Suspend0") | .line' "$tmp/a.json")
tap_check "top's Suspend0 is the block's await (line $line)" \
	sh -c "[ '${line:-0}' -gt 0 ] && sed -n '${line:-0}p' tests/advise/rust/src/bin/sizes.rs | grep -q 'block.await'"
user/fut-advise --binary user/fut-server >"$tmp/out" 2>"$tmp/err"
st=$?
tap_check "a C binary: exit 1, says no async state machine ($(cat "$tmp/err"))" \
	sh -c "[ $st = 1 ] && grep -q 'no async fn or async block' '$tmp/err'"
objcopy --strip-debug "$R/sizes" "$tmp/stripped"
user/fut-advise --binary "$tmp/stripped" >"$tmp/out" 2>"$tmp/err"
st=$?
tap_check "no DWARF: exit 1 and one line ($(cat "$tmp/err"))" \
	sh -c "[ $st = 1 ] && [ \$(wc -l <'$tmp/err') = 1 ] && grep -qi 'DWARF' '$tmp/err'"
tap_exit
