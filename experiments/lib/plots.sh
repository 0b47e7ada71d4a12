# paired_plots RESULTS DIR: the gnuplot PNGs of experiments/paired (bash,
# host only).  Against the connection count N: bytes per connection
# (idle, whole, after load), context switches per request, requests/s and
# p99 latency; against K: bytes per connection after K requests each.
# Every point is a median with its min-max bar over the rounds, and a
# point, not a line, since every N and K is a separately started server.
# Total server memory against connections open, idle and after load: a
# line per server run (its snapshots), the median over the rounds.  The
# data files (DIR/plot-*.dat) are kept next to the PNGs; gnuplot's
# messages go to DIR/gnuplot.log.
paired_plots() {
	local results=$1 dir=$2 lib params emu names
	lib=$(dirname "${BASH_SOURCE[0]}")
	: >"$dir/gnuplot.log"
	emu=$(jq -r 'if .timings_emulated then " (emulated)" else "" end' "$results")
	params=$(jq -r '"\(.where)\(if .vm then " (" + .vm.accel + ")" else "" end), \(.machine.cpus) CPUs, kernel \(.machine.kernel); heavy \(.parameters.heavy_bytes) B at ratio \(.parameters.heavy_ratio), \(.parameters.repeat) round(s), \(.parameters.duration_s) s phases, client \(.parameters.client)"' "$results")
	names=$(jq -r '.variants | join(" ")' "$results")
	local spec key file title ylabel ylog
	# ylog 1: the figures span orders of magnitude (a boxed connection's
	# bytes next to an inline one's, which holds the whole --heavy-bytes
	# state, would otherwise sit on the axis).
	for spec in \
		"bytes_per_conn|bytes-per-conn|bytes per idle connection|bytes (log scale)|1" \
		"bytes_per_conn_whole|bytes-per-conn-whole|whole cost per idle connection (user + kernel objects)|bytes (log scale)|1" \
		"bytes_per_conn_after_load|bytes-per-conn-after-load|bytes per connection after load|bytes (log scale)|1" \
		"ctx_switches_per_req|ctx-switches-per-request|context switches per request|switches (log scale)|1" \
		"requests_per_s|requests-per-s|requests per second (closed loop)$emu|requests/s|0" \
		"latency_p99_ms|latency-p99|p99 latency (closed loop)$emu|milliseconds (log scale)|1" \
		"open_p99_ms|open-loop-p99|p99 latency (open loop, same offered rate)$emu|milliseconds (log scale)|1"; do
		IFS='|' read -r key file title ylabel ylog <<<"$spec"
		jq -r --arg key "$key" '
			.variants[] as $v
			| ([ .runs[] | select(.variant == $v and .values[$key] != null) | .values[$key]
			     | select(.median != null) ] | length) as $k
			| (if $k == 0 then "1 ? ? ?" else
			    (.runs[] | select(.variant == $v and .values[$key].median != null)
			     | "\(.conns) \(.values[$key].median) \(.values[$key].min) \(.values[$key].max)") end),
			  "", ""' "$results" >"$dir/plot-$file.dat" || return 1
		paired_gnuplot "$lib/plot.gp" "$dir" "$file" "$title; $params" "$ylabel" \
			"connections (log scale)" "$names" "$ylog" 0 || return 1
	done
	# Memory as requests accumulate: against K.
	if jq -e 'any(.runs[]; .values.bytes_per_conn_after_k != null)' "$results" >/dev/null; then
		jq -r '
			.variants[] as $v
			| ([ .runs[] | select(.variant == $v and .values.bytes_per_conn_after_k != null) ] | first) as $run
			| (if $run == null then "1 ? ? ?" else
			    ($run.values.bytes_per_conn_after_k | to_entries | sort_by(.key | tonumber)[]
			     | "\(.key) \(.value.median) \(.value.min) \(.value.max)") end),
			  "", ""' "$results" >"$dir/plot-bytes-per-conn-after-k.dat" || return 1
		paired_gnuplot "$lib/plot.gp" "$dir" bytes-per-conn-after-k \
			"bytes per connection after K requests each, $(jq -r '.parameters.k_conns // 100' "$results") connections; $params" \
			"bytes (log scale)" "K, requests per connection (log scale)" "$names" 1 0 || return 1
	fi
	# Total server memory (RSS + page tables + the growth of kernel stacks
	# and task_struct slab since the empty server), per snapshot, median
	# over the rounds; a series per N (one server each), apart.
	local phase
	for phase in idle after_load; do
		file=total-memory-${phase//_/-}
		jq -r --arg ph "$phase" '
			def med: sort | if length == 0 then null else .[(length - 1) / 2 | floor] end;
			def total: (.rss_kb + .pte_kb) * 1024 + (.thread_kstack_bytes // (.kernel_stack_kb * 1024))
			           + (.thread_task_bytes // .task_struct_bytes);
			# A run: its rows, one per snapshot, then a blank line.
			def rows:
			  [ .rounds[] | .[$ph] // empty | .samples as $s
			    | $s[1:][] | {c: .conns, b: (total - ($s[0] | total))} ] as $pts
			  | (($pts | map(.c) | unique[]) as $c
			     | ($pts | map(select(.c == $c) | .b / 1048576)) as $bs
			     | "\($c) \($bs | med) \($bs | min) \($bs | max)"), "";
			.variants[] as $v
			| ([ .runs[] | select(.variant == $v) ] | sort_by(.conns)) as $runs
			| (if ($runs | length) == 0 then "1 ? ? ?" else ($runs[] | rows) end), ""' "$results" >"$dir/plot-$file.dat" || return 1
		paired_gnuplot "$lib/plot.gp" "$dir" "$file" \
			"server memory grown, $([ "$phase" = idle ] && echo "idle connections" || echo "connections idle after load"), a line per server; $params" \
			"MiB (log scale)" "connections open (log scale)" "$names" 1 1 || return 1
	done
}

# paired_gnuplot SCRIPT DIR FILE TITLE YLABEL XLABEL NAMES YLOG JOINED
paired_gnuplot() {
	gnuplot -e "datafile='$2/plot-$3.dat'; outfile='$2/$3.png'; plottitle=\"${4//; /\\n}\"; ylabeltext='$5'; xlabeltext='$6'; names='$7'; ylog=$8; joined=$9" \
		"$1" >>"$2/gnuplot.log" 2>&1 || {
		echo "paired: gnuplot failed on $3: see $2/gnuplot.log" >&2
		return 1
	}
}
