# make check-real: stacklab's BPF tools on real servers from Debian
# (tests/real/), not part of make check: it installs them (scripts/deps
# real, services never started) and runs each under load on loopback.

# tests/lib/proc_stacks.sh and attach.sh are copied by mk/tests-stackadvise.mk.
REAL_FILES := tests/real/mariadb_lib.sh tests/real/bench_mariadb.sh
TEST_FILES += $(REAL_FILES)

.PHONY: check-real
check-real:
	@scripts/deps real
	@$(MAKE) --no-print-directory $(B)/bpf/stacklab-probe $(B)/bpf/stack-advise \
		$(addprefix $(B)/,$(REAL_FILES) $(patsubst $(B)/%,%,$(call suite_files,real)) tests/lib/proc_stacks.sh tests/lib/attach.sh tests/lib/tap.sh \
		tests/run-suite)
	@cd $(B) && tests/run-suite real
