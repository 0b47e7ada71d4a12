# HTTP servers side by side against nginx and h2o (make bench-http): a benchmark,
# run under the shared lock so no two timing runs overlap.

TEST_FILES += experiments/bench-http

.PHONY: bench-http

bench-http: deps deps-bench
	@$(MAKE) --no-print-directory all
	@flock -o /tmp/stacklab-bench.lock experiments/bench-http
