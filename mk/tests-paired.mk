# Tests of experiments/paired: a short end-to-end run on the host.

TEST_FILES += tests/paired/suite.host tests/paired/paired_short.sh \
	      tests/paired/paired_errors.sh tests/paired/paired_aggregate.sh \
	      tests/paired/paired_opts.sh tests/paired/paired_agree.sh \
	      tests/paired/bench_conns_whole.sh
