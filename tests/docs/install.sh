#!/bin/bash
# make install DESTDIR=tmp: what lands where, every man page renders, the
# installed tools answer --help and --version, the module source builds
# DKMS-style against the test-VM kernel's headers, and make uninstall
# takes it all away.  Run from build/ (the source tree is its parent).
. tests/lib/tap.sh
src=$(cd .. && pwd)
[ -f "$src/Makefile" ] && [ -f "$src/mk/install.mk" ] || {
	echo "1..0 # SKIP no source tree above $(pwd)"; exit 0; }
cd "$src" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
usr=$root/usr
version=$(cat VERSION)
# Not a sub-make of whatever runs the tests: no inherited jobserver.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory "$@"; }

mk install DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1
rc=$?
tail -n 5 "$tmp/install.log" | sed 's/^/# /'
bins=$(ls "$usr/bin" 2>/dev/null)
pages=$(cd "$usr/share/man" 2>/dev/null && ls man*/*)
npages=$(echo "$pages" | grep -c .)
nbins=$(echo "$bins" | grep -c .)
tap_plan $((12 + 2 * nbins + npages))

tap_check "make install DESTDIR=... PREFIX=/usr exits 0" test $rc -eq 0
has_all() { for f in "$@"; do [ -e "$f" ] || { tap_diag "missing $f"; return 1; }; done; }
tap_check "the tools are in bin/" has_all $(printf "$usr/bin/%s " \
	stacklab-probe tpc-server fut-server loadgen fut-advise)
tap_check "the experiments and VERSION are in share/stacklab/" has_all \
	"$usr/share/stacklab/VERSION" "$usr/share/stacklab/experiments/paired" \
	"$usr/share/stacklab/experiments/bench-conns" \
	"$usr/share/stacklab/experiments/bench-http" \
	"$usr/share/stacklab/experiments/paired-agree" \
	"$usr/share/stacklab/experiments/lib/paired-run.sh"
tap_check "the installed paired answers --help" \
	sh -c "'$usr/share/stacklab/experiments/paired' --help | grep -q '^usage: '"
# Installed, paired runs the installed tools (share/stacklab/build/ links
# to bin/): one short tpc run, from a directory with no build tree.
paired_runs() {
	(cd "$tmp" && "$usr/share/stacklab/experiments/paired" --conns 10 \
		--duration 0.5 --variants tpc --out "$tmp/paired") \
		>"$tmp/paired.log" 2>&1 &&
	jq -e '.complete and ([.runs[] | select(.variant == "tpc")] | length) == 1' \
		"$tmp/paired/results.json" >/dev/null ||
	{ tail -n 5 "$tmp/paired.log" | sed 's/^/# /'
	  jq -c '.error' "$tmp/paired/results.json" 2>/dev/null | sed 's/^/# error: /'
	  tail -n 5 "$tmp/paired/run.log" 2>/dev/null | sed 's/^/# run.log: /'; return 1; }
}
if [ "$(id -u)" -eq 0 ]; then
	tap_check "the installed paired measures the installed tpc-server" paired_runs
else
	tap_skip "the installed paired measures the installed tpc-server" "needs root (BPF)"
fi
built_kos=$(ls build/kmod/*/stacklab.ko 2>/dev/null)
want_kos=$(for ko in $built_kos; do echo "$usr/lib/stacklab/modules/$(basename "$(dirname "$ko")")/stacklab.ko"; done)
tap_check "every built module is in lib/stacklab/modules/KVERSION/" \
	has_all $want_kos "$usr/src/stacklab-$version/Kbuild" \
	"$usr/src/stacklab-$version/dkms.conf"

# libfut from outside: a program built with pkg-config against the
# installed copy, shared (its soname, found at run time) and static.
pc() { PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_PATH="$usr/lib/pkgconfig" pkg-config "$@"; }
consumer() {
	local out=$tmp/consumer$1 got
	# shellcheck disable=SC2046 # pkg-config's words are separate flags
	gcc -std=gnu11 -Wall -Wextra -Werror -o "$out" tests/docs/libfut_consumer.c \
		$(pc --cflags libfut) $(pc $1 --libs libfut) 2>"$tmp/cc.log" ||
		{ sed 's/^/# /' "$tmp/cc.log"; return 1; }
	got=$(LD_LIBRARY_PATH=$usr/lib "$out") && [ "$got" = "libfut consumer: 42" ] ||
		{ tap_diag "ran: '$got'"; return 1; }
	[ -n "$1" ] || readelf -d "$out" | grep -q 'NEEDED.*\[libfut\.so\.0\]' ||
		{ tap_diag "not linked against libfut.so.0"; return 1; }
}
tap_check "libfut's headers and pkg-config file are installed" has_all \
	"$usr/include/stacklab/fut.h" "$usr/lib/pkgconfig/libfut.pc" \
	"$usr/lib/libfut.a" "$usr/lib/libfut.so.0" "$usr/lib/libfut.so"
tap_check "a program builds with pkg-config against the installed libfut.so.0 and runs" consumer
tap_check "and with pkg-config --static against libfut.a" consumer --static

# The source as DKMS builds it: kbuild with M= on a copy of the tree.
kver=$(scripts/vm-kernel-version 2>/dev/null)
dkms_build() {
	cp -r "$usr/src/stacklab-$version" "$tmp/dkms" &&
	grep -qx "PACKAGE_VERSION=\"$version\"" "$tmp/dkms/dkms.conf" &&
	mk -s -C "/usr/src/linux-headers-$kver" M="$tmp/dkms" modules >"$tmp/dkms.log" 2>&1 &&
	modinfo -F vermagic "$tmp/dkms/stacklab.ko" | grep -q "^$kver "
}
if [ -n "$kver" ] && [ -d "/usr/src/linux-headers-$kver" ]; then
	tap_check "the installed module source builds against $kver's headers" dkms_build
	[ -f "$tmp/dkms.log" ] && tail -n 3 "$tmp/dkms.log" | sed 's/^/# /'
else
	tap_skip "the installed module source builds" "no linux-headers-$kver"
fi

# man -l at 80 columns with troff's warnings on: rendered, with a NAME
# section, and not one warning (a wide table, a line it cannot break).
man_renders() {
	MANWIDTH=80 man --warnings -l "$1" >"$tmp/man.out" 2>"$tmp/man.err" || return 1
	grep -q '^NAME' "$tmp/man.out" || { tap_diag "$1: no NAME section"; return 1; }
	! grep . "$tmp/man.err" | sed 's/^/# /' | grep .
}
for p in $pages; do
	tap_check "man -l $p renders" man_renders "$usr/share/man/$p"
done
tap_check "a page for every manual and alias" test "$npages" -ge 13

for b in $bins; do
	tap_check "installed $b --help" sh -c "'$usr/bin/$b' --help >'$tmp/help' 2>&1 && grep -qi 'usage' '$tmp/help'"
	tap_check "installed $b --version says '$b (stacklab) $version'" \
		sh -c "test \"\$('$usr/bin/$b' --version 2>/dev/null)\" = '$b (stacklab) $version'"
done

mk uninstall DESTDIR="$root" PREFIX=/usr >"$tmp/uninstall.log" 2>&1
left=$(find "$root" -type f -o -type l)
[ -z "$left" ] || tap_diag "left behind: $left"
tap_check "make uninstall removes every file install wrote" test -z "$left"
tap_exit
