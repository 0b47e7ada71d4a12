# BPF: CO-RE objects compiled by clang against a vmlinux.h dumped from the
# running kernel's BTF, and their bpftool skeletons.  Any X.bpf.c in the
# tree builds to build/DIR/X.bpf.o and build/DIR/X.skel.h.  bpf/ is split by
# tool as libbpf-tools is: bpf/probe/ (stacklab-probe), bpf/stack-advise/,
# and bpf/common/ for what both include, kernel side (*.bpf.h) and user side.

VMLINUX_BTF := /sys/kernel/btf/vmlinux
VMLINUX_H   := $(B)/vmlinux.h
BPF_CFLAGS  := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -I$(B) -Ibpf/common

# Loaders and objects of bpf/, listed by the parts that add them.
BPF_BINS := $(B)/obj/bpf/common/tracefs.o

$(VMLINUX_H):
	@if [ ! -r $(VMLINUX_BTF) ]; then \
		echo "bpf: $(VMLINUX_BTF) missing: this kernel has no BTF" \
		     "(CONFIG_DEBUG_INFO_BTF=y is needed)" >&2; exit 1; fi
	@mkdir -p $(dir $@)
	@echo "  BTF     $@"
	@$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

define bpf_compile
	@mkdir -p $(dir $@)
	@echo "  BPF     $@"
	@$(CLANG) $(BPF_CFLAGS) -MMD -c $< -o $@
endef

$(B)/%.bpf.o: %.bpf.c $(VMLINUX_H)
	$(bpf_compile)

# bpf/'s objects go under build/obj/bpf/: build/bpf/ holds the tools, and
# build/bpf/stack-advise is one of them.
$(B)/obj/%.bpf.o: %.bpf.c $(VMLINUX_H)
	$(bpf_compile)

$(B)/%.skel.h: $(B)/%.bpf.o
	@echo "  SKEL    $@"
	@$(BPFTOOL) gen skeleton $< name $(subst -,_,$(notdir $*)) > $@.tmp && mv $@.tmp $@

# Every loader includes user/common/ helpers as "common/NAME.h" and
# bpf/common/ ones by their plain names.
$(B)/obj/bpf/%.o: override CFLAGS += -Iuser -Ibpf/common
$(B)/obj/bpf/%.o: bpf/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -MMD -c $< -o $@

# stacklab-probe: the loader (argp, libbpf skeleton, jansson for --json)
# and its modules, one concern each (bpf/README.md).
BPF_COMMON_OBJS := $(addprefix $(B)/obj/bpf/common/,target.o tracefs.o cli.o stacks.o)
PROBE_OBJS := $(addprefix $(B)/obj/bpf/probe/,stacklab-probe.o tracepoints.o \
	      report.o hist.o kstack.o live.o units.o) $(BPF_COMMON_OBJS)
BPF_BINS   += $(B)/bpf/stacklab-probe

$(B)/obj/bpf/probe/stacklab-probe.o: $(B)/obj/bpf/probe/stacklab-probe.skel.h
$(B)/obj/bpf/probe/stacklab-probe.o: override CFLAGS += -I$(B)/obj/bpf/probe

# Durations are read as every tool reads them (user/common/opts.c).
$(B)/bpf/stacklab-probe: $(PROBE_OBJS) $(B)/obj/user/common/opts.o \
			 $(B)/obj/user/common/json_text.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_BPF) -ljansson

# Overhead of the attached probe on a syscall-heavy and a switch-heavy
# workload, measured side by side in one run, then of both tools on
# MariaDB (scripts/deps real; skipped, said, when it is not installed);
# printed, never asserted.  Both parts under one hold of the bench lock.
BENCH_PROBE_REAL = command -v mariadbd >/dev/null && command -v sysbench >/dev/null
.PHONY: bench-probe
bench-probe: $(B)/bpf/stacklab-probe $(B)/tests/probe/wl_syscalls \
	     $(B)/tests/probe/wl_pingpong
	@if $(BENCH_PROBE_REAL); then \
		$(MAKE) --no-print-directory $(B)/bpf/stack-advise \
			$(addprefix $(B)/,$(REAL_FILES) tests/lib/tap.sh tests/lib/attach.sh); fi
	@cd $(B) && $(BENCH_LOCK) sh -c 'sh $(TOP)/tests/probe/bench.sh && \
		if $(BENCH_PROBE_REAL); then bash tests/real/bench_mariadb.sh; \
		else echo "# MariaDB part skipped: run scripts/deps real"; fi'
