# libfut tests: kselftest-harness programs linked with the
# ASan+UBSan build of libfut.

FUT_TESTS := exec_basic await_slots cancel timers million io_basic \
	     tcp_stream recv_enobufs accept_emfile cq_overflow ring_setup \
	     profile_json runtime_reuseport slab_return self_wake child_release \
	     link_timeout cancel_unpolled join_twice prof_types timer_saturate \
	     buf_share box_enomem slab_poison accept_einval notify buf_wake_one \
	     await_check remote_wake spawn_blocking remote_yield

FUT_TEST_BINS := $(addprefix $(B)/tests/fut/,$(FUT_TESTS))
TEST_BINS  += $(FUT_TEST_BINS)
TEST_FILES += tests/fut/suite.host tests/fut/suite.vm \
	      tests/fut/compile_fail.sh tests/fut/compile_fail/await.c \
	      tests/fut/headers.sh tests/fut/layers.sh

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
tests-fut: $(FUT_TEST_BINS) $(FUT_TSAN_BINS) $(addprefix $(B)/,tests/fut/suite.host tests/fut/suite.vm)
