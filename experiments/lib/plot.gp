# One experiments/paired plot: a metric against the connection count, one
# line per variant.  Set on the command line (gnuplot -e):
#   datafile  "conns VARIANT..." header, then one row per connection count
#             ("?" where a variant has no figure)
#   ncols     columns in datafile;  outfile, plottitle, ylabeltext
#   ylog      1 for a logarithmic y axis (non-positive figures are skipped)
#   xsamples  1: x is the connections open at a snapshot, not a run's N
set terminal pngcairo size 900,540 noenhanced font ",11"
set output outfile
set title plottitle
if (xsamples) set xlabel "connections open (log scale)"; else set xlabel "connections (log scale)"
set ylabel ylabeltext
set logscale x
if (ylog) set logscale y
set key outside right top
set grid
set datafile missing "?"
set style data linespoints
plot for [i=2:ncols] datafile using 1:i title columnheader(i) pointsize 1.5 linewidth 2
