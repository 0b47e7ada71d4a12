# Experiments and benchmarks that compare the servers.
# Their scripts are copied into the build tree, so the VM has them too.

TEST_FILES += experiments/bench-conns experiments/lib/memsnap.sh experiments/lib/stats.sh experiments/lib/metrics.jq \
	      experiments/lib/listening.sh

.PHONY: bench-conns

# 1k and 10k on the host; 100k and 1M (and tpc's maximum) in the test VM, where root may
# raise RLIMIT_NOFILE (this host's hard limit is 20000 without
# CAP_SYS_RESOURCE) and the pid, thread and mapping limits (--tune).
# fut-inline stops at 10k: every connection's state holds the whole heavy
# scratch (--heavy-bytes, 256 KiB by default), about 13 GB at 50k.
# The host part under the bench lock (/proc/slabinfo is the machine's);
# the VM has a kernel of its own.
bench-conns: deps-vm deps-bench
	@$(MAKE) --no-print-directory user tests
	@$(BENCH_LOCK) experiments/bench-conns --conns "1000 10000"
	@echo
	@echo "bench-conns: 100k and 1M idle fut-boxed connections, then the most tpc holds, in the test VM"
	@echo "bench-conns: (TCG, 16 GiB: 20 to 40 minutes; fut-inline would need 13 GB at 50k)"
	@tests/vm/run --mem 16384 --timeout 5400 --add $$(command -v jq) -- \
		sh experiments/bench-conns --tune --repeat 1 --conns "100000 1000000" \
			--server "fut-boxed=user/fut-server --heavy boxed" \
			--find-max tpc=user/tpc-server --find-max-conns 1000000
