# stack-advise: its own BPF object and loader (libbpf-tools shape); libdw
# symbolizes, libiberty demangles.  Shares bpf/common/ (target, tracefs,
# cli) with the probe.
STACK_ADVISE_OBJS := $(addprefix $(B)/obj/bpf/stack-advise/,stack-advise.o sym.o start.o \
		     demangle.o model.o hold.o report.o) $(BPF_COMMON_OBJS)
BPF_BINS += $(B)/bpf/stack-advise

$(B)/obj/bpf/stack-advise/stack-advise.o: $(B)/obj/bpf/stack-advise/stack-advise.skel.h
$(B)/obj/bpf/stack-advise/stack-advise.o: override CFLAGS += -I$(B)/obj/bpf/stack-advise

$(B)/bpf/stack-advise: $(STACK_ADVISE_OBJS) $(B)/obj/user/common/opts.o \
		     $(B)/obj/user/common/json_text.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_BPF) -ldw -liberty -ljansson
