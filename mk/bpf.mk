# BPF: CO-RE objects compiled by clang against a vmlinux.h dumped from the
# running kernel's BTF, and their bpftool skeletons.  Any X.bpf.c in the
# tree builds to build/DIR/X.bpf.o and build/DIR/X.skel.h.

VMLINUX_BTF := /sys/kernel/btf/vmlinux
VMLINUX_H   := $(B)/vmlinux.h
BPF_CFLAGS  := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -I$(B)

# Loaders and objects of bpf/, listed by the parts that add them.
BPF_BINS := $(B)/bpf/tracefs.o

$(VMLINUX_H):
	@if [ ! -r $(VMLINUX_BTF) ]; then \
		echo "bpf: $(VMLINUX_BTF) missing: this kernel has no BTF" \
		     "(CONFIG_DEBUG_INFO_BTF=y is needed)" >&2; exit 1; fi
	@mkdir -p $(dir $@)
	@echo "  BTF     $@"
	@$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(B)/%.bpf.o: %.bpf.c $(VMLINUX_H)
	@mkdir -p $(dir $@)
	@echo "  BPF     $@"
	@$(CLANG) $(BPF_CFLAGS) -MMD -c $< -o $@

$(B)/%.skel.h: $(B)/%.bpf.o
	@echo "  SKEL    $@"
	@$(BPFTOOL) gen skeleton $< name $(subst -,_,$(notdir $*)) > $@.tmp && mv $@.tmp $@

# Every loader includes user/common/ helpers as "common/NAME.h".
$(B)/bpf/%.o: override CFLAGS += -Iuser
$(B)/bpf/%.o: bpf/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -MMD -c $< -o $@

# stacklab-probe: the loader (argp, libbpf skeleton, jansson for --json)
# and its modules, one concern each (bpf/README.md).
PROBE_OBJS := $(addprefix $(B)/bpf/,stacklab-probe.o tracepoints.o target.o \
	      report.o hist.o kstack.o tracefs.o live.o units.o cli.o)
BPF_BINS   += $(B)/bpf/stacklab-probe

$(B)/bpf/stacklab-probe.o: $(B)/bpf/stacklab-probe.skel.h
$(B)/bpf/stacklab-probe.o: override CFLAGS += -I$(B)/bpf

# Durations are read as every tool reads them (user/common/opts.c).
$(B)/bpf/stacklab-probe: $(PROBE_OBJS) $(B)/obj/user/common/opts.o \
			 $(B)/obj/user/common/json_text.o
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_BPF) -ljansson

# Overhead of the attached probe on a syscall-heavy and a switch-heavy
# workload, measured side by side in one run; printed, never asserted.
.PHONY: bench-probe
bench-probe: $(B)/bpf/stacklab-probe $(B)/tests/probe/wl_syscalls \
	     $(B)/tests/probe/wl_pingpong
	@cd $(B) && sh $(TOP)/tests/probe/bench.sh
