# Counts the servers' performance rests on (io_uring operations per
# request at 10000 connections); run as root, the probe needs it.
TEST_FILES += tests/perf/suite.host tests/perf/uring_ops_10k.sh \
	      tests/perf/bench_http_short.sh tests/perf/bench_price.sh
