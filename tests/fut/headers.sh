#!/bin/sh
# Every header of libfut compiles alone: a translation unit that includes
# only it builds with -Wall -Wextra -Werror, so no header leans on what
# another one happened to include before it.  Run from the build tree; the
# headers come from the source tree above it.
. tests/lib/tap.sh
src=${STACKLAB_SRC:-..}
cc=${CC:-gcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

alone() {
	printf '#include "%s"\n' "$1" >"$tmp/alone.c"
	LC_ALL=C $cc -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -c \
		-I"$src/user/libfut" -o "$tmp/alone.o" "$tmp/alone.c" \
		>"$tmp/err" 2>&1 && return 0
	sed 's/^/#   /' "$tmp/err" | head -20 >&2
	return 1
}

hdrs=$(cd "$src/user/libfut" 2>/dev/null && ls *.h)
[ -n "$hdrs" ] || { echo "# no headers in $src/user/libfut (set STACKLAB_SRC)" >&2; exit 1; }
tap_plan $(echo "$hdrs" | wc -l)
for h in $hdrs; do
	tap_check "$h compiles alone" alone "$h"
done
tap_exit
