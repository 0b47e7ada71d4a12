# Coroutine tests: kselftest-harness programs on libfut's ASan+UBSan build.
# deep_split.c is the -fsplit-stack code they run on coroutine stacks;
# calls from it into code built without -fsplit-stack need gold.

CORO_TESTS := switches io cancel split_deep guard
CORO_TEST_BINS := $(addprefix $(B)/tests/coro/,$(CORO_TESTS))
TEST_BINS  += $(CORO_TEST_BINS)
TEST_FILES += tests/coro/suite.host

$(B)/tests/coro/deep_split.o: tests/coro/deep_split.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (split stack)"
	@$(CC) $(TEST_CFLAGS) $(SPLIT_CFLAGS) -MMD -c $< -o $@

$(CORO_TEST_BINS): $(LIBFUT_SAN) tests/coro/corotest.h $(B)/tests/coro/deep_split.o
$(CORO_TEST_BINS): LDLIBS := $(SPLIT_LDFLAGS) $(LIBFUT_SAN) $(LDLIBS_CORO)

.PHONY: tests-coro
tests-coro: $(CORO_TEST_BINS) $(B)/tests/coro/suite.host
