# bench-http's peers table, bounds and goals, from its summary lines
# "NAME LOAD METRIC MEDIAN MIN MAX N" (every figure of one run).
#   awk -v refs="nginx h2o" -v subject=fut-boxed -v conns="64 1000" \
#       -v big=open-c10000 -f http-peers.awk SUMMARY
# refs: the reference servers that ran (the peers); subject: the server
# the goals are about.  A ratio of two medians is printed only where both
# have n > 1 and their spreads do not overlap; a CPU 95% busy or more is
# saturated.

function key(name, load, metric) { return name " " load " " metric }
function have(k) { return (k in med) }
function apart(a, b) { return n[a] > 1 && n[b] > 1 && (lo[a] > hi[b] || hi[a] < lo[b]) }
function fig(k) { return sprintf("%.4g [%.4g-%.4g] n=%d", med[k], lo[k], hi[k], n[k]) }
# own(NAME, LOAD): the share of its CPU the server itself used, from its
# CPU time per request and its requests/s (medians), or -1 when unknown.
function own(name, load,   c, r) {
	c = key(name, load, "cpu_us_per_req"); r = key(name, load, "requests_per_s")
	return have(c) && have(r) ? med[c] * med[r] / 1e4 : -1
}
# bound_of(NAME, LOAD): "server" where the server's CPU was saturated and
# mostly by the server; "contended" where it was saturated by other work
# too (/proc/stat counts every task on that CPU: a busy machine is not a
# busy server); "client" where the server's CPU had room.
function bound_of(name, load,   k, o) {
	k = key(name, load, "server_cpu_busy_pct")
	if (!have(k) || med[k] < 95) return "client"
	o = own(name, load)
	return o >= 0 && o < 80 ? "contended" : "server"
}
function saturated(name, load) { return bound_of(name, load) == "server" }
# better(LOAD, METRIC, DIR): the peer with the best median (DIR ">=":
# the highest, "<=": the lowest), or "" when none has the figure.
function better(load, metric, dir,   i, b, k) {
	b = ""
	for (i = 1; i <= nrefs; i++) {
		k = key(ref[i], load, metric)
		if (!have(k) || med[k] <= 0) continue
		if (b == "" || (dir == ">=" ? med[k] > med[key(b, load, metric)] : med[k] < med[key(b, load, metric)]))
			b = ref[i]
	}
	return b
}
# goal(LOAD, METRIC, WANT, DIR, BOUND): one line, "met", "not met" or
# "not decided (why)"; with BOUND the figure means something only where
# the server, not the client, was the bound, for the subject and the peer.
function goal(load, metric, want, dir, bound,   b, f, g, i, r, why, who) {
	printf "  %-11s %-17s %s %.2fx the better of %s: ", load, metric, dir, want, peers
	b = better(load, metric, dir)
	f = key(subject, load, metric)
	if (b == "" || !have(f)) { print "not decided (no figures)"; return }
	g = key(b, load, metric)
	if (bound) {
		why = ""
		split(subject " " b, who, " ")
		for (i = 1; i <= 2; i++)
			if (!saturated(who[i], load))
				why = why (why == "" ? "" : "; ") sprintf("%s: %s, server CPU %s busy%s", who[i],
					bound_of(who[i], load) == "contended" ? "contended" : "client-bound",
					have(key(who[i], load, "server_cpu_busy_pct")) ? sprintf("%.1f%%", med[key(who[i], load, "server_cpu_busy_pct")]) : "?",
					bound_of(who[i], load) == "contended" ? sprintf(", %.1f%% by the server", own(who[i], load)) : "")
		if (why != "") { printf "%s %s against %s %s: not decided (%s)\n", subject, fig(f), b, fig(g), why; return }
	}
	if (n[f] < 2 || n[g] < 2) { printf "%s %s against %s %s: not decided (one run: no spread)\n", subject, fig(f), b, fig(g); return }
	if (!apart(f, g)) { printf "%s %s against %s %s: not decided (spreads overlap)\n", subject, fig(f), b, fig(g); return }
	r = med[f] / med[g]
	printf "%s %s against %s %s: %.2fx: %s\n", subject, fig(f), b, fig(g), r, (dir == ">=" ? r >= want : r <= want) ? "met" : "not met"
}
function bound_goal(load, metric, want,   f, v) {
	f = key(subject, load, metric)
	if (!have(f)) { printf "  %-11s %-17s <= %g: no figures\n", load, metric, want; return }
	v = hi[f] <= want ? "met" : lo[f] > want ? "not met" : "met in some runs only"
	printf "  %-11s %-17s <= %g: %.3g [%.3g-%.3g] n=%d: %s\n", load, metric, want, med[f], lo[f], hi[f], n[f], v
}

{
	k = key($1, $2, $3); med[k] = $4; lo[k] = $5; hi[k] = $6; n[k] = $7
	lines[++nlines] = k
}
END {
	nrefs = split(refs, ref, " ")
	peers = nrefs ? ref[1] : "no peer"
	for (i = 2; i <= nrefs; i++) peers = peers (i == nrefs ? " and " : ", ") ref[i]

	# The table: every figure, and the ratio to each peer's median.
	for (j = 1; j <= nlines; j++) {
		split(lines[j], p, " ")
		row = sprintf("%-12s %-11s %-18s %12.4g [%.4g-%.4g] n=%d", p[1], p[2], p[3], med[lines[j]], lo[lines[j]], hi[lines[j]], n[lines[j]])
		for (i = 1; i <= nrefs; i++) {
			g = key(ref[i], p[2], p[3]); r = "-"
			if (p[1] != ref[i] && have(g) && med[g] > 0 && apart(lines[j], g))
				r = sprintf("%.2fx", med[lines[j]] / med[g])
			row = row sprintf("  vs %s %s", ref[i], r)
		}
		print row
	}
	print ""

	# Which side bounded each load.  A closed loop runs as fast as its
	# slower side: where the server's CPU had room, the client set the
	# pace, whether its CPU was saturated or its round trips were.
	for (k in med) {
		split(k, p, " ")
		if (p[3] != "server_cpu_busy_pct") continue
		s = med[k]; c = med[key(p[1], p[2], "client_cpu_busy_pct")]
		if (p[2] ~ /^open-/) b = "open loop at a set rate: neither side is the bound"
		else if (bound_of(p[1], p[2]) == "server") b = "server-bound"
		else if (bound_of(p[1], p[2]) == "contended") b = sprintf("contended: the server used %.1f%% of its CPU, other work the rest; requests/s say nothing of either side", own(p[1], p[2]))
		else b = "client-bound: " (c >= 95 ? "the client's CPU was saturated" : "the server's CPU had room") ", its requests/s are the client's ceiling"
		out[++nout] = sprintf("%-24s server CPU %5.1f%% busy, client CPU %5.1f%%: %s", p[1] " " p[2], s, c, b)
	}
	for (j = 1; j <= nout; j++) print out[j] | "sort"
	close("sort")
	print ""

	# The goals: CPU per request everywhere, requests/s where the server
	# was the bound.
	printf "goals, %s against the better of %s (figures of this run):\n", subject, peers
	nc = split(conns, cs, " ")
	for (i = 1; i <= nc; i++) for (t = 1; t <= 2; t++) {
		load = (t == 1 ? "lg-c" : "wrk-c") cs[i]
		goal(load, "cpu_us_per_req", 0.75, "<=", 0)
		goal(load, "requests_per_s", 1.2, ">=", 1)
	}
	if (big != "open-c0") {
		bound_goal(big, "uring_ops_per_req", 2.5)
		bound_goal(big, "p99_over_p50", 5)
	}
}
