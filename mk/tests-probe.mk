# stacklab-probe tests: workloads the probe measures, and C
# checkers (kselftest harness, jansson) that run the probe on them and
# check its JSON, on the host and in the test VM.

PROBE_WORKLOADS := wl_pingpong wl_threads wl_uring_nops wl_syscalls wl_exit_after \
		   wl_stacks
PROBE_TESTS     := $(call suite_bins,probe)

TEST_BINS  += $(addprefix $(B)/tests/probe/,$(PROBE_WORKLOADS))

# Workloads: plain CFLAGS, no ASan/UBSan.  The sanitizers' runtime threads,
# fake stacks and shadow mappings would change the very switches, threads
# and stack bytes the probe counts.  This explicit rule overrides the
# pattern rule of mk/tests.mk.
$(addprefix $(B)/tests/probe/,$(PROBE_WORKLOADS)): $(B)/tests/probe/%: tests/probe/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -MMD -o $@ $< -lpthread $(LDLIBS)
$(B)/tests/probe/wl_uring_nops: LDLIBS := $(LDLIBS_URING)

# Checkers: each runs bpf/stacklab-probe, so it is a prerequisite.
$(PROBE_TESTS): tests/probe/probe_run.c $(B)/bpf/stacklab-probe
$(PROBE_TESTS): LDLIBS := -ljansson
