# stacklab-probe tests: workloads the probe measures, and C
# checkers (kselftest harness, jansson) that run the probe on them and
# check its JSON, on the host and in the test VM.

PROBE_WORKLOADS := wl_pingpong wl_threads wl_uring_nops wl_syscalls wl_exit_after \
		   wl_stacks
PROBE_TESTS     := probe_usage probe_pingpong probe_threads probe_uring \
		   probe_early_exit probe_churn probe_stacks probe_table \
		   probe_command

TEST_BINS  += $(addprefix $(B)/tests/probe/,$(PROBE_WORKLOADS) $(PROBE_TESTS))
TEST_FILES += tests/probe/suite.host tests/probe/suite.vm

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
$(addprefix $(B)/tests/probe/,$(PROBE_TESTS)): tests/probe/probe_run.c \
	$(B)/bpf/stacklab-probe
$(addprefix $(B)/tests/probe/,$(PROBE_TESTS)): LDLIBS := -ljansson
