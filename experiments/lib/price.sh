# The price of abstraction: a server's CPU per request over its floor's
# (bench-http).  POSIX sh, sourced; awk does the arithmetic.
#
#   price_print SUMMARY "CONNS..."
#       SUMMARY: bench-http's lines "NAME LOAD METRIC MEDIAN MIN MAX N".
#       For each pair of PRICE_PAIRS and each load lg-cC and wrk-cC (C in
#       CONNS): both figures as median [min-max] n, and the ratio of the
#       medians only where n > 1 on both sides and the spreads do not
#       overlap (else "spreads overlap").  Then the goal: fut-boxed's CPU
#       per request <= PRICE_GOAL times floor-uring's at 64 and 1000
#       connections, met where fut-boxed's max is at most PRICE_GOAL times
#       floor-uring's min, not met where its min is above PRICE_GOAL times
#       floor-uring's max, undecided in between.  Then "key value" lines,
#       price.SERVER.LOAD.cpu_ratio, for the ratios printed.
#   price_instr SUMMARY
#       For each pair and each load where both have instr_per_req (one
#       callgrind count each, experiments/lib/instr.sh): both counts and
#       their ratio; "key value" lines price.SERVER.LOAD.instr_ratio.
# SERVER:FLOOR, the floor below each server: the same kernel interface.
PRICE_PAIRS="fut-boxed:floor-uring tpc:floor-threads coro-fixed:floor-uring"
PRICE_GOAL=1.15

price_print() {
	awk -v pairs="$PRICE_PAIRS" -v conns="$2" -v goal="$PRICE_GOAL" '
	$3 == "cpu_us_per_req" { k = $1 " " $2; med[k] = $4; lo[k] = $5; hi[k] = $6; n[k] = $7 }
	function fig(k) { return sprintf("%.3g [%.3g-%.3g] n=%d", med[k], lo[k], hi[k], n[k]) }
	END {
		np = split(pairs, ps, " "); nc = split(conns, cs, " ")
		print "price of abstraction: CPU us per request, server over its floor (a ratio only where the spreads do not overlap):"
		for (p = 1; p <= np; p++) {
			split(ps[p], sf, ":")
			for (c = 1; c <= nc; c++) for (t = 1; t <= 2; t++) {
				load = (t == 1 ? "lg-c" : "wrk-c") cs[c]
				s = sf[1] " " load; f = sf[2] " " load
				if (!(s in med) && !(f in med))
					continue
				if (!(s in med) || !(f in med)) {
					printf "  %-10s over %-13s at %-9s: no figures\n", sf[1], sf[2], load
					continue
				}
				r = "spreads overlap"
				if (n[s] > 1 && n[f] > 1 && med[f] > 0 && (lo[s] > hi[f] || hi[s] < lo[f])) {
					r = sprintf("%.2fx", med[s] / med[f])
					keys = keys sprintf("price.%s.%s.cpu_ratio %.4g\n", sf[1], load, med[s] / med[f])
				}
				printf "  %-10s over %-13s at %-9s: %s over %s: %s\n", sf[1], sf[2], load, fig(s), fig(f), r
			}
		}
		printf "goal: fut-server CPU per request <= %sx floor-uring'"'"'s at 64 and 1000 connections:\n", goal
		for (c = 1; c <= nc; c++) {
			if (cs[c] != 64 && cs[c] != 1000) continue
			for (t = 1; t <= 2; t++) {
				load = (t == 1 ? "lg-c" : "wrk-c") cs[c]
				s = "fut-boxed " load; f = "floor-uring " load
				if (!(s in med) || !(f in med) || med[f] <= 0) { printf "  at %-9s: no figures\n", load; continue }
				v = n[s] < 2 || n[f] < 2 ? "undecided (one run)" :
				    hi[s] <= goal * lo[f] ? "met" :
				    lo[s] > goal * hi[f] ? "not met" : "undecided (the spreads straddle the bound)"
				printf "  at %-9s: %.2fx (%s over %s): %s\n", load, med[s] / med[f], fig(s), fig(f), v
			}
		}
		printf "%s", keys
	}' "$1"
}

price_instr() {
	awk -v pairs="$PRICE_PAIRS" '
	$3 == "instr_per_req" { v[$1 " " $2] = $4; if (!($2 in seen)) { seen[$2] = 1; loads[++nl] = $2 } }
	END {
		np = split(pairs, ps, " ")
		if (!nl) exit	# no counts (--no-callgrind): no section
		print "price of abstraction: user-space instructions per request under callgrind, server over its floor:"
		for (p = 1; p <= np; p++) {
			split(ps[p], sf, ":")
			for (l = 1; l <= nl; l++) {
				s = sf[1] " " loads[l]; f = sf[2] " " loads[l]
				if (!(s in v) || !(f in v) || v[f] <= 0) continue
				printf "  %-10s over %-13s at %-9s: %.0f over %.0f: %.2fx\n", sf[1], sf[2], loads[l], v[s], v[f], v[s] / v[f]
				keys = keys sprintf("price.%s.%s.instr_ratio %.4g\n", sf[1], loads[l], v[s] / v[f])
			}
		}
		printf "%s", keys
	}' "$1"
}
