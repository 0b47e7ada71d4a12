# libfut tests: kselftest-harness programs linked with the
# ASan+UBSan build of libfut.

FUT_TEST_BINS := $(call suite_bins,fut)
TEST_FILES += tests/fut/compile_fail/await.c

$(FUT_TEST_BINS): $(LIBFUT_SAN) tests/fut/futtest.h tests/fut/tcp_echo.h
$(FUT_TEST_BINS): LDLIBS := $(LIBFUT_SAN) $(LDLIBS_FUT)

# The cross-thread tests again under ThreadSanitizer, with libfut compiled
# into them (not coroutines: their stack switches are not TSan's).  TSan
# does not see what the kernel carries between threads (a MSG_RING CQE),
# so libfut and the tests publish through atomics and mutexes that it does.
FUT_TSAN_TESTS := remote_wake spawn_blocking remote_yield
FUT_TSAN_BINS := $(addprefix $(B)/tests/fut/tsan/,$(FUT_TSAN_TESTS))
FUT_TSAN_LIBSRCS := $(filter-out user/libfut/coro%,$(LIBFUT_SRCS))
TEST_BINS += $(FUT_TSAN_BINS)

$(FUT_TSAN_BINS): $(B)/tests/fut/tsan/%: tests/fut/%.c $(FUT_TSAN_LIBSRCS) \
		$(LIBFUT_HDRS) tests/fut/futtest.h $(LINUX_SRC)/.extracted
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -fsanitize=thread -isystem $(KSFT_DIR) -Iuser -Iuser/libfut \
		-o $@ $< $(FUT_TSAN_LIBSRCS) $(LDLIBS_FUT)

.PHONY: tests-fut
tests-fut: $(FUT_TEST_BINS) $(FUT_TSAN_BINS) $(call suite_files,fut)
