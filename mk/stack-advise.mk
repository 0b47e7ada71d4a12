# stack-advise: its own BPF object and loader (libbpf-tools shape); libdw
# symbolizes.  Shares target.c and tracefs.c with the probe, read-only.
STACK_ADVISE_OBJS := $(addprefix $(B)/bpf/,stack-advise.o sa-sym.o sa-model.o sa-hold.o \
		     sa-report.o target.o tracefs.o)
BPF_BINS += $(B)/bpf/stack-advise

$(B)/bpf/stack-advise.o: $(B)/bpf/stack-advise.skel.h
$(B)/bpf/stack-advise.o: CFLAGS += -I$(B)/bpf

$(B)/bpf/stack-advise: $(STACK_ADVISE_OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_BPF) -ldw -ljansson
