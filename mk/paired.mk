# experiments/paired.  Its POSIX-sh measuring part and helpers go
# into the build tree too, so the test VM has them under
# /stacklab/experiments/lib/ (experiments/paired --vm also passes the
# current copies with --add).  The host-only orchestrator, jq and gnuplot
# files stay in the source tree.

TEST_FILES += $(addprefix experiments/lib/,paired-run.sh json.sh server.sh cpushare.sh opts.sh variants.list variants.sh)
TEST_FILES += VERSION
