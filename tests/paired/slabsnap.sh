#!/bin/sh
# user/slabsnap (the memory phases' slab and memory.stat snapshots): on a
# made-up slabinfo and SLUB sysfs, that it prints active objects x object
# size of the caches its regex picks, flushes each one's shrink file before
# reading, reads the files again for each request (slabinfo is rewritten
# in place between two), holds every file it opened (a shrink file swapped
# for a new one after the first snapshot stays empty: nothing reopened it),
# takes up a cache that appears later, reads memory.stat's six stats; and
# its errors.  Then one snapshot of the real /proc/slabinfo, as root.
# Usage: slabsnap.sh [BINARY] (default user/slabsnap; the suite runs the
# ASan/UBSan build too).  Run from build/.
. "$(dirname "$0")/../lib/tap.sh"

bin=${1:-user/slabsnap}
[ -x "$bin" ] || { echo "1..0 # SKIP $bin is not built"; exit 0; }
command -v jq >/dev/null || { echo "1..0 # SKIP needs jq"; exit 0; }
tmp=$(mktemp -d /tmp/slabsnap-test.XXXXXX)
trap 'exec 7>&- 2>/dev/null; rm -rf "$tmp"' EXIT

# slabinfo LINE...: the made-up /proc/slabinfo, rewritten in place.
slabinfo() {
	{
		printf 'slabinfo - version: 2.1\n'
		printf '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n'
		for _l; do echo "$_l : tunables 0 0 0 : slabdata 1 1 0"; done
	} >"$tmp/slabinfo"
}
slabinfo "TCP 10 26 2368 13 8" "filp 100 128 256 16 1" "kmalloc-96 0 42 96 42 1" \
	"task_struct 50 60 6000 5 8"
mkdir -p "$tmp/slab"
for c in TCP filp kmalloc-96 task_struct; do
	mkdir "$tmp/slab/$c"
	: >"$tmp/slab/$c/shrink"
done
export STACKLAB_SLABINFO="$tmp/slabinfo" STACKLAB_SLAB_SYSFS="$tmp/slab"
re='^(TCP|filp|kmalloc-.*|dentry)$'

tap_plan 10
"$bin" --once --caches "$re" >"$tmp/once" 2>"$tmp/once.err"
tap_check "--once: {TCP: 10 x 2368, filp: 100 x 256} (kmalloc-96 has none active, task_struct not picked), then null" sh -c \
	"[ \"\$(sed -n 1p '$tmp/once' | jq -c .)\" = '{\"TCP\":23680,\"filp\":25600}' ] && [ \"\$(sed -n 2p '$tmp/once')\" = null ] && [ ! -s '$tmp/once.err' ]"
tap_check "--once flushed the picked caches (1 in their shrink files) and no other" sh -c \
	"[ \"\$(cat '$tmp/slab/TCP/shrink' '$tmp/slab/filp/shrink' '$tmp/slab/kmalloc-96/shrink')\" = '1
1
1' ] && [ ! -s '$tmp/slab/task_struct/shrink' ]"

# A series through a FIFO, as experiments/lib/paired-run.sh runs it.
for c in TCP filp kmalloc-96; do : >"$tmp/slab/$c/shrink"; done
mkdir -p "$tmp/cg"
printf 'anon 4096\nfile 99\nkernel_stack 16384\npagetables 8192\nsock 0\nslab 1000\nslab_unreclaimable 900\npercpu 64\n' >"$tmp/cg/memory.stat"
mkfifo "$tmp/req"
: >"$tmp/out"
exec 7<>"$tmp/req"
"$bin" --caches "$re" --memcg "$tmp/cg" <"$tmp/req" >>"$tmp/out" 2>"$tmp/err" 7>&- &
pid=$!
# snap N: request a snapshot and wait (up to 20 s) for its 2 lines.
snap() {
	echo >&7
	_t=400
	while [ "$(wc -l <"$tmp/out")" -lt $(($1 * 2)) ] && [ $_t -gt 0 ]; do sleep 0.05; _t=$((_t - 1)); done
}
snap 1
# Swapped for new, empty files: a snapshot that reopened them would write 1.
for c in TCP filp kmalloc-96; do rm "$tmp/slab/$c/shrink"; : >"$tmp/slab/$c/shrink"; done
slabinfo "TCP 12 26 2368 13 8" "filp 100 128 256 16 1" "kmalloc-96 42 42 96 42 1" \
	"task_struct 50 60 6000 5 8" "dentry 3 21 192 21 1"
mkdir "$tmp/slab/dentry"
: >"$tmp/slab/dentry/shrink"
printf 'anon 8192\nkernel_stack 16384\npagetables 8192\nsock 4096\nslab 2000\npercpu 64\n' >"$tmp/cg/memory.stat"
snap 2
exec 7>&-
wait "$pid"
rc=$?
tap_check "a series: two snapshots, 4 lines, exit 0 at the end of stdin, nothing on stderr" sh -c \
	"[ $rc -eq 0 ] && [ \$(wc -l <'$tmp/out') -eq 4 ] && [ ! -s '$tmp/err' ]"
tap_check "each snapshot reads slabinfo again (TCP 12 objects, kmalloc-96 42, dentry 3)" sh -c \
	"[ \"\$(sed -n 3p '$tmp/out' | jq -c .)\" = '{\"TCP\":28416,\"filp\":25600,\"kmalloc-96\":4032,\"dentry\":576}' ]"
tap_check "memory.stat: the six stats, nothing else (file, slab_unreclaimable), read again for each" sh -c \
	"[ \"\$(sed -n 2p '$tmp/out' | jq -c .)\" = '{\"anon\":4096,\"kernel_stack\":16384,\"pagetables\":8192,\"sock\":0,\"slab\":1000,\"percpu\":64}' ] &&
	 [ \"\$(sed -n 4p '$tmp/out' | jq -c '[.anon, .sock, .slab]')\" = '[8192,4096,2000]' ]"
tap_check "the shrink files stay open: the swapped-in ones were never written, a new cache's was" sh -c \
	"[ ! -s '$tmp/slab/TCP/shrink' ] && [ ! -s '$tmp/slab/filp/shrink' ] && [ ! -s '$tmp/slab/kmalloc-96/shrink' ] &&
	 [ \"\$(cat '$tmp/slab/dentry/shrink')\" = 1 ]"

# Errors: one line saying what failed and what to do.
STACKLAB_SLABINFO=$tmp/missing "$bin" --once >/dev/null 2>"$tmp/e1"
rc1=$?
"$bin" --once --caches '(' >/dev/null 2>"$tmp/e2"
rc2=$?
"$bin" --once --memcg "$tmp/nocg" >/dev/null 2>"$tmp/e3"
rc3=$?
tap_check "no slabinfo: exit 1, says which file and why" sh -c \
	"[ $rc1 -eq 1 ] && grep -q 'cannot open $tmp/missing: No such file' '$tmp/e1' && [ \$(wc -l <'$tmp/e1') -eq 1 ]"
tap_check "bad regex: exit 2, names the flag" sh -c \
	"[ $rc2 -eq 2 ] && grep -q '^slabsnap: --caches: bad regex' '$tmp/e2'"
tap_check "no memory.stat: exit 1, says what a cgroup needs" sh -c \
	"[ $rc3 -eq 1 ] && grep -q 'memory controller on' '$tmp/e3'"

unset STACKLAB_SLABINFO STACKLAB_SLAB_SYSFS
if [ "$(id -u)" -eq 0 ] && [ -r /proc/slabinfo ]; then
	"$bin" --once --caches '^(TCP|filp|dentry)$' >"$tmp/real" 2>"$tmp/real.err"
	tap_check "the real /proc/slabinfo: filp and dentry (every process has files), bytes a multiple of the object size" sh -c \
		"sed -n 1p '$tmp/real' | jq -e --argjson f \"\$(awk '\$1 == \"filp\" { print \$4 }' /proc/slabinfo)\" \
			'(.filp > 0) and (.dentry > 0) and (.filp % \$f == 0) and (keys - [\"TCP\", \"filp\", \"dentry\"] == [])' >/dev/null"
else
	tap_skip "the real /proc/slabinfo" "needs root"
fi
tap_exit
