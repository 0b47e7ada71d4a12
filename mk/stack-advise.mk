# stack-advise: its own BPF object and loader (libbpf-tools shape); libdw
# symbolizes.  Shares target.c, tracefs.c and cli.c with the probe.
STACK_ADVISE_OBJS := $(addprefix $(B)/bpf/,stack-advise.o sa-sym.o sa-model.o sa-hold.o \
		     sa-report.o target.o tracefs.o cli.o)
BPF_BINS += $(B)/bpf/stack-advise

$(B)/bpf/stack-advise.o: $(B)/bpf/stack-advise.skel.h
$(B)/bpf/stack-advise.o: override CFLAGS += -I$(B)/bpf

$(B)/bpf/stack-advise: $(STACK_ADVISE_OBJS) $(B)/obj/user/common/opts.o \
		     $(B)/obj/user/common/json_text.o
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_BPF) -ldw -ljansson
