# One experiments/paired plot, set on the command line (gnuplot -e):
#   datafile  one index block per variant (blocks apart by two blank
#             lines), rows "X MEDIAN MIN MAX"; a single blank line breaks
#             a series (a new server)
#   names     the variants, blank-separated, in block order
#   joined    0: points only (every X a separately started server),
#             1: a line within each block's series (the snapshots of one server)
#   outfile, plottitle, ylabeltext, xlabeltext
#   ylog      1 for a logarithmic y axis (non-positive figures are skipped)
# Every point has its min-max bar; each variant its own marker.
set terminal pngcairo size 960,560 noenhanced font ",10"
set output outfile
set title plottitle
set xlabel xlabeltext
set ylabel ylabeltext
set logscale x
if (ylog) set logscale y
set key outside right top
set grid
set offsets graph 0.03, graph 0.03, 0, 0
n = words(names)
if (joined) {
	plot for [i=0:n-1] datafile index i using 1:2:3:4 with yerrorlines pointtype (i % 13) + 1 pointsize 1.4 linewidth 1.5 title word(names, i + 1)
} else {
	plot for [i=0:n-1] datafile index i using 1:2:3:4 with yerrorbars pointtype (i % 13) + 1 pointsize 1.6 linewidth 1.5 title word(names, i + 1)
}
