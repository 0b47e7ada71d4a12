# Smoke tests: one per part, host and test VM.

$(B)/tests/smoke/uring_nop: LDLIBS := $(LDLIBS_URING)
$(B)/tests/smoke/bpf_sched_switch: $(B)/tests/smoke/sched_switch_count.skel.h \
	bpf/common/tracefs.c
$(B)/tests/smoke/bpf_sched_switch: LDLIBS := $(LDLIBS_BPF)
