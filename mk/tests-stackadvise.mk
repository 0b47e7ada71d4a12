# stack-advise tests: workloads with known stack depths, a client that
# serves connections then holds them idle, and scripts that run
# bpf/stack-advise on them (host only: BPF needs root and this kernel).

SA_WORKLOADS := sa_deep hold_conns sa_routines
# Unit tests of stack-advise's parts, no BPF: they run in make check too.
SA_UNITS     := $(call suite_bins,stackadvise)
TEST_BINS  += $(addprefix $(B)/tests/stackadvise/,$(SA_WORKLOADS))
TEST_FILES += tests/lib/proc_stacks.sh tests/lib/attach.sh

# Plain CFLAGS, no sanitizers: ASan's fake stacks and shadow would change
# the very stack pages stack-advise counts.
$(addprefix $(B)/tests/stackadvise/,$(SA_WORKLOADS)): $(B)/tests/stackadvise/%: tests/stackadvise/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -MMD -o $@ $< -lpthread

.PHONY: tests-stackadvise
tests-stackadvise: $(addprefix $(B)/tests/stackadvise/,$(SA_WORKLOADS)) $(SA_UNITS) \
	$(B)/bpf/stack-advise $(B)/user/tpc-server $(B)/user/loadgen \
	$(call suite_files,stackadvise) \
	$(addprefix $(B)/,tests/lib/proc_stacks.sh tests/lib/attach.sh \
	experiments/lib/listening.sh tests/lib/tap.sh tests/run-suite)

$(B)/tests/stackadvise/sa_names: bpf/stack-advise/demangle.c
$(B)/tests/stackadvise/sa_classes: bpf/stack-advise/model.c bpf/stack-advise/sym.c \
	bpf/stack-advise/demangle.c
$(SA_UNITS): TEST_CFLAGS += -Ibpf/stack-advise
$(SA_UNITS): LDLIBS := -ldw -liberty
