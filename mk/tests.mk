# Tests: C tests on the kselftest harness, built with ASan and UBSan, and
# the shell scripts they run with, all copied into build/tests/ so that the
# build tree is self-contained (the test VM carries it as /stacklab).

# -isystem: the 6.1 harness is not -Wextra clean itself; our code still is.
TEST_CFLAGS := $(CFLAGS) $(SANFLAGS) -isystem $(KSFT_DIR) -Ibpf

TEST_BINS := $(B)/tests/smoke/uring_nop $(B)/tests/smoke/bpf_sched_switch
TEST_FILES := tests/run-suite tests/lib/tap.sh tests/suite.host \
	      tests/suite.vm tests/smoke/kmod_load.sh

tests: $(TEST_BINS) $(addprefix $(B)/,$(TEST_FILES))

$(addprefix $(B)/,$(TEST_FILES)): $(B)/%: %
	@mkdir -p $(dir $@)
	@cp -p $< $@

# Test sources may include skeletons generated next to their binary.
$(TEST_BINS): $(B)/tests/%: tests/%.c $(LINUX_SRC)/.extracted
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(TEST_CFLAGS) -I$(dir $@) -MMD -o $@ $(filter %.c %.o,$^) $(LDLIBS)

$(B)/tests/smoke/uring_nop: LDLIBS := $(LDLIBS_URING)
$(B)/tests/smoke/bpf_sched_switch: $(B)/tests/smoke/sched_switch_count.skel.h \
	bpf/tracefs.c
$(B)/tests/smoke/bpf_sched_switch: LDLIBS := $(LDLIBS_BPF)
