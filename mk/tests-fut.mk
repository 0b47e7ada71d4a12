# libfut tests: kselftest-harness programs linked with the
# ASan+UBSan build of libfut.

FUT_TESTS := exec_basic await_slots cancel timers million io_basic \
	     tcp_stream recv_enobufs accept_emfile cq_overflow ring_setup \
	     profile_json runtime_reuseport slab_return self_wake child_release \
	     link_timeout cancel_unpolled join_twice prof_types timer_saturate \
	     buf_share box_enomem slab_poison accept_einval notify buf_wake_one

FUT_TEST_BINS := $(addprefix $(B)/tests/fut/,$(FUT_TESTS))
TEST_BINS  += $(FUT_TEST_BINS)
TEST_FILES += tests/fut/suite.host tests/fut/suite.vm

$(FUT_TEST_BINS): $(LIBFUT_SAN) tests/fut/futtest.h tests/fut/tcp_echo.h
$(FUT_TEST_BINS): LDLIBS := $(LIBFUT_SAN) $(LDLIBS_FUT)

.PHONY: tests-fut
tests-fut: $(FUT_TEST_BINS) $(addprefix $(B)/,tests/fut/suite.host tests/fut/suite.vm)
