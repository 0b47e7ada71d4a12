# The variant registry (experiments/lib/variants.list), read the same way by
# experiments/paired, its measuring part, bench-conns and bench-http.
# POSIX sh, sourced (busybox in the test VM too).
#
#   variants_names [SET]    the names, in column order, one a line; with
#                           SET (paired, conns, http) only its default ones
#   variants_kind NAME      its kind; nothing (status 1) when unknown
#   variants_cmd NAME HEAVY_BYTES
#                           its command, {small_stack} filled in for
#                           HEAVY_BYTES; "nginx" and "h2o" stay as
#                           they are; status 1
#                           when unknown
# The caller sets variants_file (the registry's path) before sourcing:
# a sourced file cannot find its own directory in POSIX sh.
if [ ! -r "${variants_file:-}" ]; then
	echo "variants.sh: the variant registry '${variants_file:-}' cannot be read (experiments/lib/variants.list)" >&2
	exit 1
fi

variants_names() {
	awk -v set="${1:-}" '!/^#/ && NF >= 4 && (set == "" || index("," $3 ",", "," set ",")) { print $1 }' "$variants_file"
}

variants_kind() {
	awk -v n="$1" '!/^#/ && $1 == n { print $2; found = 1 } END { exit !found }' "$variants_file"
}

variants_cmd() {
	awk -v n="$1" -v small="$((($2 + 65536 + 4095) / 4096 * 4096))" '
		!/^#/ && $1 == n {
			c = $4
			for (i = 5; i <= NF; i++) c = c " " $i
			gsub(/\{small_stack\}/, small, c)
			print c; found = 1
		}
		END { exit !found }' "$variants_file"
}
