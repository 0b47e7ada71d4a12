# stats [FORMAT]: "median min max n" of the numbers on stdin, each number
# printed with FORMAT (printf, default %d); status 1 when there are none.
# POSIX sh, sourced by the experiment scripts.
stats() {
	sort -n | awk -v f="${1:-%d}" '{ v[NR] = $1 } END { if (!NR) exit 1
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf f " " f " " f " %d\n", m, v[1], v[NR], NR }'
}
