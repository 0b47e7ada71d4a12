# Other work on the measuring CPUs (POSIX sh, sourced; runs on the host
# and under busybox in the test VM): how much of the server's and the
# client's CPUs went to anything but the server and the client during a
# measured phase.  /proc/stat's busy ticks of those CPUs, less the two
# cgroups' CPU time (nanoseconds), over the ticks that passed.
#
#   cpus_stat CPU...        "BUSY STEAL TOTAL" clock ticks summed over the
#                           CPUs given, each counted once: busy is all
#                           but idle and iowait (softirq and steal too)
#   other_cpu_fields MARK0 MARK1 CPUS CLK_TCK
#                           the record's fields, a leading comma included:
#                           ,"other_cpu_share":S,"cpus_stat":{...}; a MARK
#                           is "SERVER_NS CLIENT_NS BUSY STEAL TOTAL"
#                           (either NS "-": no cgroup, both fields null)

cpus_stat() {
	awk -v want=" $* " '$1 ~ /^cpu[0-9]+$/ && index(want, " " substr($1, 4) " ") {
		# user nice system idle iowait irq softirq steal (guest time is
		# in user and nice already).
		t = 0
		for (i = 2; i <= 9; i++) t += $i
		busy += t - $5 - $6; steal += $9; total += t }
		END { printf "%.0f %.0f %.0f\n", busy, steal, total }' /proc/stat
}

other_cpu_fields() {
	case "$1 $2" in *-*) printf ',"other_cpu_share":null,"cpus_stat":null'; return ;; esac
	# %.0f, not %d: busybox's and mawk's %d stop at 2^31.
	echo "$1 $2" | awk -v cpus="$3" -v hz="$4" '{
		srv = $6 - $1; cli = $7 - $2
		busy = $8 - $3; steal = $9 - $4; total = $10 - $5
		# Ticks are sampled: a share a little below 0 is none.
		s = total > 0 ? (busy / hz * 1e9 - srv - cli) / (total / hz * 1e9) : 0
		if (s < 0) s = 0
		if (s > 1) s = 1
		printf ",\"other_cpu_share\":%.4f,\"cpus_stat\":{\"cpus\":\"%s\",\"busy_ticks\":%.0f,\"steal_ticks\":%.0f,\"total_ticks\":%.0f,\"clk_tck\":%d,\"server_ns\":%.0f,\"client_ns\":%.0f}",
			s, cpus, busy, steal, total, hz, srv, cli }'
}
