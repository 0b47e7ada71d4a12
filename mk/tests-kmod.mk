# stacklab.ko tests: kselftest-harness programs run in the test
# VM (tests/kmod/suite.vm), sharing tests/kmod/stacklab_test.c.

KMOD_TEST_BINS := $(call suite_bins,kmod)
KMOD_BENCH := $(B)/tests/kmod/bench_tasks

TEST_BINS  += $(KMOD_BENCH)

$(KMOD_TEST_BINS) $(KMOD_BENCH): tests/kmod/stacklab_test.c \
	tests/kmod/stacklab_test.h tests/kmod/stacklab_fixture.h

# Plain builds, without ASan/UBSan: the ground truth counts the stack pages
# a thread touches, and ASan's fake stacks and redzones change that count;
# the churn needs 20k threads in 20 s, far more than ASan's per-thread
# setup lets the test VM's TCG start; the benchmark times the module, not
# the sanitizers, and needs 10k threads.
$(B)/tests/kmod/ustack_truth $(B)/tests/kmod/ustack_exact $(B)/tests/kmod/churn \
	$(KMOD_BENCH): \
	TEST_CFLAGS := $(filter-out $(SANFLAGS),$(TEST_CFLAGS))
