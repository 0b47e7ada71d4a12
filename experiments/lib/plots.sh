# paired_plots RESULTS DIR: the gnuplot PNGs of experiments/paired (bash,
# host only): bytes per connection, context switches per request,
# requests/s and p99 latency, each against the connection count (medians
# over the rounds); and total server memory against connections open,
# idle and after load, log-log, from every snapshot of the memory phases.
# The data files (DIR/plot-*.dat) are kept next to the PNGs.  Errors:
# gnuplot's messages are in DIR/gnuplot.log.
paired_plots() {
	local results=$1 dir=$2 lib params emu
	lib=$(dirname "${BASH_SOURCE[0]}")
	: >"$dir/gnuplot.log"
	emu=$(jq -r 'if .timings_emulated then " (emulated)" else "" end' "$results")
	params=$(jq -r '"\(.where), heavy \(.parameters.heavy_bytes) B at ratio \(.parameters.heavy_ratio), \(.parameters.repeat) round(s)"' "$results")
	local spec key file title ylabel ylog ncols
	# ylog 1: the figures span orders of magnitude (fut-boxed's ~1 KB next
	# to fut-inline's ~260 KB would otherwise sit on the axis).
	for spec in \
		"bytes_per_conn|bytes-per-conn|bytes per idle connection|bytes (log scale)|1" \
		"bytes_per_conn_after_load|bytes-per-conn-after-load|bytes per connection after load|bytes (log scale)|1" \
		"ctx_switches_per_req|ctx-switches-per-request|context switches per request|switches (log scale)|1" \
		"requests_per_s|requests-per-s|requests per second (closed loop)$emu|requests/s|0" \
		"latency_p99_ms|latency-p99|p99 latency (closed loop)$emu|milliseconds (log scale)|1" \
		"open_p99_ms|open-loop-p99|p99 latency (open loop, same offered rate)$emu|milliseconds (log scale)|1"; do
		IFS='|' read -r key file title ylabel ylog <<<"$spec"
		jq -r --arg key "$key" '
			.variants as $vs
			| (["conns"] + $vs | join(" ")),
			  (.runs | map(.conns) | unique | .[]) as $n
			  | ([$n] + [ $vs[] as $v | (first(.runs[] | select(.conns == $n and .variant == $v) | .values[$key].median) // "?") ])
			  | map(tostring) | join(" ")' "$results" >"$dir/plot-$file.dat" || return 1
		ncols=$(head -n 1 "$dir/plot-$file.dat" | wc -w)
		[ "$ncols" -ge 2 ] || continue
		paired_gnuplot "$lib/plot.gp" "$dir" "$file" "$title; $params" "$ylabel" "$ncols" "$ylog" 0 || return 1
	done
	# Total server memory (RSS + page tables + the growth of kernel stacks
	# and task_struct slab since the empty server), per snapshot, median
	# over the rounds.
	local phase
	for phase in idle after_load; do
		file=total-memory-${phase//_/-}
		jq -r --arg ph "$phase" '
			.variants as $vs
			| [ .runs[] | .variant as $v | .rounds[] | .[$ph] // empty | .samples as $s
			    | $s[1:][] | {v: $v, c: .conns,
			      b: ((.rss_kb + .pte_kb + .kernel_stack_kb - $s[0].kernel_stack_kb) * 1024
			          + .task_struct_bytes - $s[0].task_struct_bytes)} ] as $pts
			| (["conns"] + $vs | join(" ")),
			  ($pts | map(.c) | unique | .[]) as $c
			  | ([$c] + [ $vs[] as $v | ($pts | map(select(.v == $v and .c == $c) | .b) | sort
			      | if length == 0 then "?" else .[(length - 1) / 2 | floor] / 1048576 end) ])
			  | map(tostring) | join(" ")' "$results" >"$dir/plot-$file.dat" || return 1
		ncols=$(head -n 1 "$dir/plot-$file.dat" | wc -w)
		paired_gnuplot "$lib/plot.gp" "$dir" "$file" \
			"total server memory, $([ "$phase" = idle ] && echo "idle connections" || echo "connections idle after load"); $params" \
			"MiB (log scale)" "$ncols" 1 1 || return 1
	done
}

# paired_gnuplot SCRIPT DIR FILE TITLE YLABEL NCOLS YLOG SAMPLEX
paired_gnuplot() {
	gnuplot -e "datafile='$2/plot-$3.dat'; outfile='$2/$3.png'; plottitle='$4'; ylabeltext='$5'; ncols=$6; ylog=$7; xsamples=$8" \
		"$1" >>"$2/gnuplot.log" 2>&1 || {
		echo "paired: gnuplot failed on $3: see $2/gnuplot.log" >&2
		return 1
	}
}
