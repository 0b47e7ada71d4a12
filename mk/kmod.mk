# stacklab.ko for the test-VM kernel KVER, built out of tree in
# build/kmod/KVER/ against /usr/src/linux-headers-KVER with W=1.

KDIR      := /usr/src/linux-headers-$(KVER)
KMOD_OUT  := $(B)/kmod/$(KVER)
KMOD_SRCS := $(wildcard kmod/*.c kmod/*.h)

kmod: $(KMOD_OUT)/stacklab.ko

$(KMOD_OUT)/stacklab.ko: Kbuild $(KMOD_SRCS)
	@if [ -z "$(KVER)" ] || [ ! -d "$(KDIR)" ]; then \
		echo "kmod: no kernel headers for '$(KVER)' in $(KDIR):" \
		     "run 'make deps' (or apt-get install linux-headers-$(KVER))" >&2; \
		exit 1; fi
	@mkdir -p $(KMOD_OUT)/kmod
	@ln -sf $(TOP)/Kbuild $(KMOD_OUT)/Kbuild
	@for f in $(KMOD_SRCS); do ln -sf $(TOP)/$$f $(KMOD_OUT)/$$f; done
	@echo "  KBUILD  stacklab.ko ($(KVER))"
	@$(MAKE) --no-print-directory -s -C $(KDIR) M=$(TOP)/$(KMOD_OUT) \
		W=1 KCFLAGS=-Werror modules

checkpatch: $(LINUX_SRC)/.extracted
	@perl $(CHECKPATCH) --no-tree --strict -f $(KMOD_SRCS) Kbuild

# The benchmark: time to read tasks with 1k and 10k threads in the target,
# in the test VM for KVER (printed, not asserted).
.PHONY: bench-kmod
bench-kmod: kmod $(B)/tests/kmod/bench_tasks
	@$(BENCH_LOCK) tests/vm/run --kernel $(KVER) -- tests/kmod/bench_tasks
