#!/bin/sh
# libfut's source files call each other without a circle, and the reactor
# reaches task state through one function: ring.c calls nothing in task.c
# but task_op_complete.  The calls are gcc's (-fcallgraph-info), direct
# calls only: an op kind's completer and a future's poll function are
# called through pointers, as upcalls.  Run from the build tree; the
# sources come from the source tree above it.
. tests/lib/tap.sh
src=${STACKLAB_SRC:-..}
cc=gcc # -fcallgraph-info is gcc's
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

compile() {
	for f in "$src"/user/libfut/*.c; do
		$cc -std=gnu11 -D_GNU_SOURCE -fcallgraph-info -I"$src/user/libfut" \
			-c "$f" -o "$tmp/$(basename "$f" .c).o" 2>>"$tmp/err" || {
			sed 's/^/#   /' "$tmp/err" | head -20 >&2; return 1; }
	done
}

# "CALLER.c CALLEE.c FUNCTION": a call from one file to a function another
# defines (not static: a static's title carries its file).
calls() {
	awk '
	FNR == 1 { f = FILENAME; sub(/.*\//, "", f); sub(/\.ci$/, ".c", f) }
	/^node:/ && !/ellipse/ && match($0, /title: "[^"]*"/) {
		t = substr($0, RSTART + 8, RLENGTH - 9)
		if (t !~ /:/)
			def[t] = f
	}
	/^edge:/ && match($0, /targetname: "[^"]*"/) {
		t = substr($0, RSTART + 13, RLENGTH - 14)
		if (t !~ /:/)
			call[f " " t] = 1
	}
	END {
		for (k in call) {
			split(k, p, " ")
			if ((p[2] in def) && def[p[2]] != p[1])
				print p[1], def[p[2]], p[2]
		}
	}' "$tmp"/*.ci | sort -u
}

# The files that reach themselves through calls, one a line.
circles() {
	calls | awk '
	{ r[$1, $2] = 1; n[$1] = 1; n[$2] = 1 }
	END {
		for (k in n) for (i in n) for (j in n)
			if (r[i, k] && r[k, j])
				r[i, j] = 1
		for (i in n)
			if (r[i, i])
				print i
	}' | sort
}

no_circle() {
	c=$(circles)
	[ -z "$c" ] && return 0
	echo "# files in a circle of calls:" $c >&2
	calls | awk '{ print "#   " $0 }' >&2
	return 1
}

ring_to_task() {
	c=$(calls | awk '$1 == "ring.c" && $2 == "task.c" { print $3 }')
	[ "$c" = task_op_complete ] && return 0
	echo "# ring.c calls into task.c:" $c >&2
	return 1
}

[ -f "$src/user/libfut/ring.c" ] || { echo "# no $src/user/libfut/ring.c (set STACKLAB_SRC)" >&2; exit 1; }
tap_plan 3
tap_check "gcc -fcallgraph-info builds every libfut source" compile
tap_check "no libfut file reaches itself through calls" no_circle
tap_check "ring.c enters task.c through task_op_complete alone" ring_to_task
tap_exit
