# Experiments and benchmarks that compare the servers (issues 6, 7).
# Their scripts are copied into the build tree, so the VM has them too.

TEST_FILES += experiments/bench-conns experiments/lib/memsnap.sh

.PHONY: bench-conns

# 1k and 10k on the host; 50k in the test VM, where root may raise
# RLIMIT_NOFILE (this host's hard limit is 20000 without CAP_SYS_RESOURCE).
bench-conns: deps
	@$(MAKE) --no-print-directory user tests
	@experiments/bench-conns --conns "1000 10000"
	@echo
	@echo "bench-conns: 50000 connections, in the test VM (TCG: slower, same kernel accounting)"
	@tests/vm/run --mem 8192 --timeout 3000 -- sh experiments/bench-conns --conns 50000
