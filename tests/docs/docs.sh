#!/bin/bash
# The manuals against the tree: every path and make target they name
# exists, none names a file outside the repository or the project's
# history, and figures that change (kernel versions, test counts) are not
# typed in.  Run from build/ (the source tree is its parent); host only.
. tests/lib/tap.sh
src=$(cd .. && pwd)
[ -f "$src/Makefile" ] && [ -f "$src/docs/design.md" ] || {
	echo "1..0 # SKIP no source tree above $(pwd)"; exit 0; }
cd "$src" || exit 1

# The manuals: every markdown file in the repository, but docs/sample/,
# the output of a run (make sample), stamped with its machine and kernel.
mapfile -t docs < <({ git ls-files '*.md' 2>/dev/null | grep . ||
	find . -name '*.md' -not -path './build/*' | sed 's|^\./||'; } | grep -v '^docs/sample/')
[ ${#docs[@]} -gt 0 ] || docs=(README.md docs/design.md)
tap_plan 8

# A path a manual names: in the source tree, or in the build tree (the
# manuals write commands as run from build/, e.g. user/tpc-server).
# Upper-case placeholders (PART, NAME, KVERSION) and globs match any name.
path_exists() {
	local pat=$1 f
	pat=$(printf '%s' "$pat" | sed -E 's/[A-Z][A-Z0-9_]*[A-Z]/*/g')
	for f in $pat build/$pat; do
		[ -e "$f" ] && return 0
	done
	# Brace lists, e.g. /proc/stacklab/{target,tasks}: each one.
	case $pat in *'{'*) eval "for f in $pat; do [ -e \"\$f\" ] || [ -e \"build/\$f\" ] || return 1; done"; return ;; esac
	return 1
}

missing=
for d in "${docs[@]}"; do
	for p in $(grep -oP '(?<![A-Za-z0-9_./$~-])(Kbuild|Makefile|VERSION|(kmod|bpf|user|experiments|tests|mk|scripts|docs)/[A-Za-z0-9_.*{}\[\]/,+-]*)' "$d" |
		   sed -E 's/[.,]+$//' | sort -u); do
		path_exists "$p" || missing="$missing $d:$p"
	done
done
[ -z "$missing" ] || tap_diag "named but absent:$missing"
tap_check "every path the manuals name exists" test -z "$missing"

# make targets: the Makefile's rules, as make itself lists them.
targets=" $(make -qp 2>/dev/null | awk -F: '/^[a-zA-Z0-9][^$#\/\t=]*:([^=]|$)/ {
	n = split($1, a, " "); for (i = 1; i <= n; i++) print a[i] }' | sort -u | tr '\n' ' ') "
bad=
for d in "${docs[@]}"; do
	for t in $( { grep -oP '`make [^`]*`' "$d"; grep -P '^(    |\t)\s*make ' "$d"; } |
		   grep -oP '(?<![A-Za-z0-9_-])make(\s+(-\S+|[A-Z_]+=\S*))*\s+\K[a-z][a-z0-9_-]*' | sort -u); do
		case $targets in *" $t "*) ;; *) bad="$bad $d:$t" ;; esac
	done
done
[ -z "$bad" ] || tap_diag "make targets that do not exist:$bad"
tap_check "every make target the manuals name exists" test -z "$bad"

# Every tracked text file (without git: every file outside build/).
text_grep() {
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git grep -nI "$@" -- . ':!tests/docs/docs.sh'
	else
		grep -rnI --exclude-dir=build --exclude-dir=.git --exclude=docs.sh "$@" .
	fi
}

# Nothing outside the repository.
outside=$(text_grep -E 'DESIGN\.md|\.\./shared|/work/')
[ -z "$outside" ] || tap_diag "$outside"
tap_check "no file names a document outside the repository" test -z "$outside"

history=$(text_grep -iE '\bissues? #?[0-9]+|the issue'"'"'?s?\b')
[ -z "$history" ] || tap_diag "$history"
tap_check "no file cites an issue or the project's history" test -z "$history"

# Every manual is a man page (mk/man.mk), with a title, NAME and SYNOPSIS.
sources=$(grep -oE '[a-z.-]+\.[1-8]:[^ \\]+\.md' mk/man.mk | cut -d: -f2)
unpaged=
for d in "${docs[@]}"; do
	case " $(echo $sources) " in *" $d "*) ;; *) unpaged="$unpaged $d" ;; esac
done
for d in $sources; do
	head -n 1 "$d" | grep -qE '^# [a-zA-Z0-9_.-]+\([1-8]\)$' &&
		grep -q '^## NAME$' "$d" && grep -q '^## SYNOPSIS$' "$d" ||
		unpaged="$unpaged $d(no '# NAME(N)', '## NAME' or '## SYNOPSIS')"
done
[ -z "$unpaged" ] || tap_diag "not a man page:$unpaged"
tap_check "every manual is a man page with NAME and SYNOPSIS" test -z "$unpaged"

# A FILE:LINE a manual cites points at the code it names: the file is in
# the tree (by its path, or a path ending so: src/conn.rs), has the line,
# and a name the manual's line or the next gives (an identifier of 4 or more
# characters) is on that line or in the 40 above it (the function it is
# in).  Lines move as code changes; this says when a citation went stale.
stale_refs() {
	local d ref file line f text names bad=0
	for d in "${docs[@]}"; do
		grep -noE '[A-Za-z0-9_./-]+\.(c|h|rs):[0-9]+' "$d" | while IFS=: read -r _ file line; do
			f=$file
			[ -f "$f" ] || f=$(git ls-files "*/$file" 2>/dev/null | head -n 1)
			if [ -z "$f" ] || [ ! -f "$f" ]; then
				echo "$d: $file:$line: no such file"; continue
			fi
			[ "$(wc -l <"$f")" -ge "$line" ] || { echo "$d: $file:$line: past its end"; continue; }
			text=$(grep -F -A1 -- "$file:$line" "$d" | head -n 2 | sed "s|$file:$line||")
			names=$(grep -oE '[A-Za-z_][A-Za-z0-9_]{3,}' <<<"$text" | sort -u)
			sed -n "$((line > 40 ? line - 40 : 1)),${line}p" "$f" |
				grep -qwF -f <(printf '%s\n' $names) ||
				echo "$d: $file:$line names none of: $(echo $names)"
		done
	done
}
stale=$(stale_refs)
[ -z "$stale" ] || tap_diag "stale citations: $stale"
tap_check "every FILE:LINE a manual cites points at what it names" test -z "$stale"

# Figures that change with the code are derived, not typed in.
kver=$(grep -nE '[0-9]+\.[0-9]+\.[0-9]+-[0-9]+(-amd64|\+deb)|[0-9]+\.[0-9]+\.[0-9]+\+deb[0-9]+' "${docs[@]}")
[ -z "$kver" ] || tap_diag "typed-in kernel versions (use \$(scripts/vm-kernel-version) or \$(scripts/backports --version)): $kver"
tap_check "no manual types in a Debian kernel version" test -z "$kver"

counts=$(grep -nE '[0-9]+ passed' "${docs[@]}")
[ -z "$counts" ] || tap_diag "typed-in test counts: $counts"
tap_check "no manual types in a test count" test -z "$counts"
tap_exit
