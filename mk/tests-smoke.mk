# Smoke tests: one per part, host and test VM.

TEST_BINS  += $(B)/tests/smoke/uring_nop $(B)/tests/smoke/bpf_sched_switch
TEST_FILES += tests/smoke/suite.host tests/smoke/suite.vm \
	      tests/smoke/kmod_load.sh

$(B)/tests/smoke/uring_nop: LDLIBS := $(LDLIBS_URING)
$(B)/tests/smoke/bpf_sched_switch: $(B)/tests/smoke/sched_switch_count.skel.h \
	bpf/common/tracefs.c
$(B)/tests/smoke/bpf_sched_switch: LDLIBS := $(LDLIBS_BPF)
