#!/bin/sh
# checkpatch.pl (from Debian's linux-source) over every kernel source file.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/tap.sh
make -s build/cache/linux-source-6.1/.extracted >/dev/null || exit 1
files=$(ls kmod/*.c kmod/*.h Kbuild 2>/dev/null)
tap_plan "$(echo "$files" | wc -w)"
for f in $files; do
	tap_check "checkpatch --strict $f" perl build/cache/linux-source-6.1/scripts/checkpatch.pl \
		--no-tree --strict --quiet --show-types -f "$f"
done
tap_exit
