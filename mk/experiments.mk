# Experiments and benchmarks that compare the servers.
# Their scripts are copied into the build tree, so the VM has them too.

TEST_FILES += experiments/bench-conns experiments/lib/memsnap.sh experiments/lib/stats.sh \
	      experiments/lib/listening.sh

.PHONY: bench-conns

# 1k and 10k on the host; 50k and 100k in the test VM, where root may
# raise RLIMIT_NOFILE (this host's hard limit is 20000 without
# CAP_SYS_RESOURCE) and the pid, thread and mapping limits (--tune).
# fut-inline stops at 10k: every connection's state holds the whole heavy
# scratch (--heavy-bytes, 256 KiB by default), about 13 GB at 50k.
bench-conns: deps-vm deps-bench
	@$(MAKE) --no-print-directory user tests
	@experiments/bench-conns --conns "1000 10000"
	@echo
	@echo "bench-conns: 50k (tpc, fut-boxed) and 100k (fut-boxed) connections in the test VM"
	@echo "bench-conns: (TCG: slower to set up, same kernel accounting; fut-inline would need 13 GB at 50k)"
	@tests/vm/run --mem 12288 --timeout 3000 -- sh -c '\
		sh experiments/bench-conns --tune --conns 50000 \
			--server tpc=user/tpc-server \
			--server "fut-boxed=user/fut-server --heavy boxed" && \
		sh experiments/bench-conns --conns 100000 \
			--server "fut-boxed=user/fut-server --heavy boxed"'
