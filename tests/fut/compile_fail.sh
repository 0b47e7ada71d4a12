#!/bin/sh
# FUT_AWAIT on a field that is not a branch, a branch mode that is neither
# inline nor boxed, the old await form, and an init function of another
# child type (inline or boxed branch) must not compile, and the
# compiler's message must name the problem; the same source without them
# compiles (so a failure is the case's, not a missing header's).  Run from
# the build tree; the headers come from the source tree above it.
. tests/lib/tap.sh
src=${STACKLAB_SRC:-..}
cc=${CC:-gcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prog=tests/fut/compile_fail/await.c

build() {
	LC_ALL=C $cc -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -c \
		-I"$src/user/libfut" "$@" -o "$tmp/out.o" "$prog" >"$tmp/err" 2>&1
}

# must_fail CASE PATTERN: fails to build, and the message matches PATTERN.
must_fail() {
	if build -D"$1"; then
		echo "# $1: compiled" >&2
		return 1
	fi
	grep -q -- "$2" "$tmp/err" && return 0
	echo "# $1: failed without naming the problem ($2):" >&2
	sed 's/^/#   /' "$tmp/err" | head -20 >&2
	return 1
}

[ -f "$src/user/libfut/fut.h" ] || { echo "# no $src/user/libfut/fut.h (set STACKLAB_SRC)" >&2; exit 1; }
tap_plan 7
tap_check "the source compiles as is" build
tap_check "await on a field that does not exist" \
	must_fail CASE_NOT_A_FIELD "struct fut_branches_of_PARENT_BRANCHES' has no member named 'naps'"
tap_check "await on a field that is not a branch" \
	must_fail CASE_NOT_A_BRANCH "struct fut_branches_of_PARENT_BRANCHES' has no member named 'r'"
tap_check "a branch mode that is neither inline nor boxed" \
	must_fail CASE_WRONG_MODE "fut_mode_is_inline_or_boxed_not__boxd"
tap_check "the old FUT_AWAIT(mode, slot, field, ...) form" \
	must_fail CASE_OLD_FORM "inline"
tap_check "an init of another child type on an inline branch" \
	must_fail CASE_WRONG_INIT "passing argument 1 of 'fut_recv_init' from incompatible pointer type"
tap_check "an init of another child type on a boxed branch" \
	must_fail CASE_WRONG_INIT_BOXED "passing argument 1 of 'fut_sleep_init' from incompatible pointer type"
tap_exit
