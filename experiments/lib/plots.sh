# paired_plots RESULTS DIR: the gnuplot PNGs of experiments/paired (bash,
# host only): bytes per connection, context switches per request,
# requests/s and p99 latency, each against the connection count.  The data
# files (DIR/plot-KEY.dat) are kept next to the PNGs.  Errors: gnuplot's
# messages are in DIR/gnuplot.log.
paired_plots() {
	local results=$1 dir=$2 lib
	lib=$(dirname "${BASH_SOURCE[0]}")
	: >"$dir/gnuplot.log"
	local spec key file title ylabel ylog ncols
	# ylog 1: the figures span orders of magnitude (fut-boxed's ~1 KB next
	# to fut-inline's ~260 KB would otherwise sit on the axis).
	for spec in \
		"bytes_per_conn|bytes-per-conn|bytes per idle connection|bytes (log scale)|1" \
		"ctx_switches_per_req|ctx-switches-per-request|context switches per request|switches (log scale)|1" \
		"requests_per_s|requests-per-s|requests per second (closed loop)|requests/s|0" \
		"latency_p99_ms|latency-p99|p99 latency|milliseconds (log scale)|1"; do
		IFS='|' read -r key file title ylabel ylog <<<"$spec"
		jq -r --arg key "$key" '
			.variants as $vs
			| (["conns"] + $vs | join(" ")),
			  (.runs | map(.conns) | unique | .[]) as $n
			  | ([$n] + [ $vs[] as $v | (first(.runs[] | select(.conns == $n and .variant == $v) | .values[$key]) // "?") ])
			  | map(tostring) | join(" ")' "$results" >"$dir/plot-$file.dat" || return 1
		ncols=$(head -n 1 "$dir/plot-$file.dat" | wc -w)
		[ "$ncols" -ge 2 ] || continue
		gnuplot -e "datafile='$dir/plot-$file.dat'; outfile='$dir/$file.png'; plottitle='$title'; ylabeltext='$ylabel'; ncols=$ncols; ylog=$ylog" \
			"$lib/plot.gp" >>"$dir/gnuplot.log" 2>&1 || {
			echo "paired: gnuplot failed on $file: see $dir/gnuplot.log" >&2
			return 1
		}
	done
}
