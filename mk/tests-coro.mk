# Coroutine tests: kselftest-harness programs on libfut's ASan+UBSan build.
# deep_split.c is the -fsplit-stack code they run on coroutine stacks;
# calls from it into code built without -fsplit-stack need gold.

# split_rest is the plain build below.
CORO_TEST_BINS := $(filter-out $(B)/tests/coro/split_rest,$(call suite_bins,coro))

$(B)/tests/coro/deep_split.o: tests/coro/deep_split.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (split stack)"
	@$(CC) $(TEST_CFLAGS) $(SPLIT_CFLAGS) -MMD -c $< -o $@

$(CORO_TEST_BINS): $(LIBFUT_SAN) tests/coro/corotest.h $(B)/tests/coro/deep_split.o
$(CORO_TEST_BINS): LDLIBS := $(SPLIT_LDFLAGS) $(LIBFUT_SAN) $(LDLIBS_CORO)

.PHONY: tests-coro
tests-coro: $(call suite_bins,coro) $(call suite_files,coro)

# split_rest counts a split coroutine's segments, so it is a plain build:
# ASan's calls into its runtime from every function would count as calls
# to code built without -fsplit-stack (gold then asks for 1 MiB segments).
$(B)/tests/coro/rest_split.o: tests/coro/rest_split.c tests/coro/rest_split.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (split stack)"
	@$(CC) $(CFLAGS) $(SPLIT_CFLAGS) -Iuser -MMD -c $< -o $@

$(B)/tests/coro/split_rest: $(LIBFUT) tests/coro/corotest.h tests/coro/rest_split.h \
			    $(B)/tests/coro/rest_split.o
$(B)/tests/coro/split_rest: TEST_CFLAGS := $(CFLAGS) -isystem $(KSFT_DIR) -Iuser
$(B)/tests/coro/split_rest: LDLIBS := $(SPLIT_LDFLAGS) $(LIBFUT) $(LDLIBS_CORO)
