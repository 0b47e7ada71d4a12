#!/bin/bash
# docs/design.md, the contract, names exactly what exists: every program
# and experiment make install puts in place, every man page, every paired
# variant; and nothing it names in those lists is gone.  Run from build/
# (the source tree is its parent); host only.
. tests/lib/tap.sh
src=$(cd .. && pwd)
[ -f "$src/docs/design.md" ] || { echo "1..0 # SKIP no source tree above $(pwd)"; exit 0; }
cd "$src" || exit 1
design=docs/design.md
tap_plan 8

installed=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory list-installed)
of_kind() { awk -v k="$1" '$1 == k { print $2 }' <<<"$installed" | sort -u; }

# The backquoted names in the design.md line that starts with $1 (a table
# row), up to the end of that line.
row_names() {
	grep -m1 -F -- "$1" "$design" | grep -o '`[^`]*`' | tr -d '`' |
		grep -vE '^(PREFIX|USER_BINS|BPF_BINS|lib/)' | sort -u
}

# same WHAT WANT GOT: the two lists are equal, else what each lacks.
same() {
	local what=$1 want=$2 got=$3 missing extra
	missing=$(comm -23 <(echo "$want") <(echo "$got") | tr '\n' ' ')
	extra=$(comm -13 <(echo "$want") <(echo "$got") | tr '\n' ' ')
	[ -z "$missing$extra" ] && return 0
	[ -z "$missing" ] || tap_diag "$what: exists but $design does not name it: $missing"
	[ -z "$extra" ] || tap_diag "$what: $design names what does not exist: $extra"
	return 1
}

bins=$(of_kind bin)
tap_check "make install's programs are listed" test -n "$bins"
tap_check "design.md's PREFIX/bin/ row names exactly the installed programs" \
	same programs "$bins" "$(row_names '| `PREFIX/bin/` |')"
tap_check "design.md's experiments row names exactly the installed experiments" \
	same experiments "$(of_kind experiment)" \
	"$(row_names '| `PREFIX/share/stacklab/experiments/` |')"

# Man pages: NAME(SECTION) in the MAN PAGES section, each page once.
pages=$(of_kind man | sed -E 's/^(.*)\.([0-9])$/\1(\2)/' | sort -u)
named_pages=$(sed -n '/^## MAN PAGES/,/^## /p' "$design" |
	grep -oE '`[a-z][a-z0-9_.-]*\([0-9]\)`' | tr -d '`' | sort -u)
tap_check "design.md's MAN PAGES names exactly the man pages built" \
	same "man pages" "$pages" "$named_pages"

# The tools' synopses: every installed program that takes options has
# one in design.md (a line starting with its name, or build/.../NAME).
synopsis_missing() {
	local b bad=0
	for b in $bins; do
		grep -qE "^    (build/[a-z/]*)?$b( |$)" "$design" ||
			{ tap_diag "no synopsis for $b in $design"; bad=1; }
	done
	return $bad
}
tap_check "every installed program has a synopsis in design.md" synopsis_missing

# paired's variants: the registry (experiments/lib/variants.list) against
# design.md's sentence.
variants=$(variants_file=experiments/lib/variants.list; . experiments/lib/variants.sh; variants_names | sort -u)
named_variants=$(sed -n '/^### experiments\/paired/,/^### /p' "$design" |
	sed -n '/Variants:/,/--server/p' | grep -o '`[a-z][a-z0-9-]*`' | tr -d '`' | sort -u)
tap_check "paired's variants are listed" test -n "$variants"
tap_check "design.md names exactly paired's variants" same variants "$variants" "$named_variants"

# Every name(section) any manual cites is a page that exists, or a
# system page man knows.
cited_pages_exist() {
	local p bad=0
	for p in $(git ls-files '*.md' | xargs grep -ohE '\b[a-z][a-z0-9.-]*\([1-8]\)' | sort -u); do
		grep -qxF "$p" <<<"$pages" && continue
		man -w "${p%%(*}" >/dev/null 2>&1 && continue
		tap_diag "cited but no such page: $p"; bad=1
	done
	return $bad
}
tap_check "every NAME(N) a manual cites is a page" cited_pages_exist
tap_exit
