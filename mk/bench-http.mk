# HTTP servers side by side against nginx and h2o (make bench-http): a benchmark,
# run under the shared lock so no two timing runs overlap.

TEST_FILES += experiments/bench-http

.PHONY: bench-http

bench-http: deps deps-bench
	@$(MAKE) --no-print-directory all
	@$(BENCH_LOCK) experiments/bench-http

# Instructions per request under callgrind alone (experiments/lib/instr.sh):
# counts, not timings, so no lock; make bench-instr INSTR_ARGS='--servers ...'.
.PHONY: bench-instr
bench-instr: deps deps-bench
	@$(MAKE) --no-print-directory all
	@sh experiments/lib/instr.sh $(INSTR_ARGS)
