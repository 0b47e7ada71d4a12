# stacklab: one build for the module, the BPF probes, user space and tests.
# Everything built goes under build/.  'make help' lists the targets.

B        := build
TOP      := $(CURDIR)
CACHE    := $(B)/cache
# Every benchmark rule runs its timing part through this: the shared lock
# /tmp/stacklab-bench.lock, taken once (scripts/bench-lock).
BENCH_LOCK := $(TOP)/scripts/bench-lock

CC       := gcc
CLANG    := clang
BPFTOOL  := bpftool

# The test-VM kernel the module is built for (override: make KVER=...).
KVER     ?= $(shell scripts/vm-kernel-version 2>/dev/null)

# The release every tool's --version reports: one line in VERSION.
STACKLAB_VERSION := $(shell cat VERSION)

# CFLAGS is the user's (make CFLAGS=-O0 works, as in the kernel and
# liburing); the flags the code needs to compile at all are prepended.
CFLAGS   ?= -O2 -g
STACKLAB_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	    -DSTACKLAB_VERSION='"$(STACKLAB_VERSION)"'
override CFLAGS := $(STACKLAB_CFLAGS) $(CFLAGS)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer
LDLIBS_BPF   := -lbpf -lelf -lz
LDLIBS_URING := -luring

.DEFAULT_GOAL := all
.PHONY: all deps deps-vm deps-bench deps-check deps-backports check paired paired-quick sample clean distclean help \
	kmod bpf user tests checkpatch man install uninstall

all: kmod bpf user tests man

help:
	@echo 'make            build everything (module for KVER=$(KVER))'
	@echo 'make deps       install the missing packages for building and make paired (root)'
	@echo 'make deps-vm    ... and for the test VM: qemu, the backports kernel headers (root)'
	@echo 'make deps-bench the reference servers and clients: nginx, wrk, valgrind (root)'
	@echo 'make check      all deps (every job), build, every host and VM test; ends "N passed, N failed"'
	@echo 'make paired     deps, build, the paired experiment (~8 min on 2 cores)'
	@echo 'make paired-quick a first look: tpc and fut-boxed, 100 connections, one round (~1 min)'
	@echo 'make sample     the default paired run into docs/sample/ (summary.md, plots, stamped); run it alone'
	@echo 'make kmod       the module only; KVER=VERSION for another kernel'
	@echo 'make checkpatch checkpatch.pl over kmod/'
	@echo 'make bench      libfut vs threads microbenchmarks (spawn, wake, memory per task)'
	@echo 'make bench-kmod time reading /proc/stacklab/tasks with 1k and 10k threads (test VM, KVER)'
	@echo 'make bench-probe overhead of stacklab-probe on a syscall- and a switch-heavy workload, of both tools on MariaDB'
	@echo 'make bench-conns bytes per idle connection of each server, side by side'
	@echo 'make bench-http requests/s, latency and CPU per request of each HTTP server against nginx'
	@echo 'make bench-census time fut-advise --pid on 10000 live tokio tasks, and its cost to them'
	@echo 'make man        the man pages, from the manuals (build/man/)'
	@echo 'make install    binaries, module source and builds, man pages, experiments; PREFIX=/usr/local DESTDIR='
	@echo 'make uninstall  remove what make install wrote (same PREFIX and DESTDIR)'
	@echo 'make clean      remove build outputs (keeps build/cache downloads)'
	@echo 'make distclean  remove build/ entirely'

# Packages by job (scripts/packages): deps for building and the host
# experiment, deps-vm for the test VM (with bookworm-backports' kernel, the
# second VM kernel), deps-bench for the reference servers.  make check
# installs every job; nothing installed is started as a service.
deps:
	@scripts/deps host

deps-vm:
	@scripts/deps host vm
	@scripts/backports >/dev/null

deps-bench:
	@scripts/deps bench

deps-backports:
	@scripts/backports

deps-check:
	@scripts/deps host vm bench check
	@scripts/backports >/dev/null

# Targets that must not start before the packages are there run make again.
check: deps-check
	@$(MAKE) --no-print-directory all
	@tests/run-all

paired: deps
	@$(MAKE) --no-print-directory all
	@$(BENCH_LOCK) experiments/paired

paired-quick: deps
	@$(MAKE) --no-print-directory all
	@$(BENCH_LOCK) experiments/paired --variants tpc,fut-boxed --conns 100 --repeat 1 --out build/paired-quick

sample: deps
	@$(MAKE) --no-print-directory all
	@$(BENCH_LOCK) experiments/lib/sample.sh

clean:
	rm -rf $(filter-out $(CACHE),$(wildcard $(B)/*))

distclean:
	rm -rf $(B)

# Shared definitions first; then every other fragment, each part owning its
# own (mk/PART.mk, mk/tests-PART.mk), appending to the lists below.
FIRST_MK := mk/kselftest.mk mk/bpf.mk mk/kmod.mk mk/user.mk mk/tests.mk
include $(FIRST_MK)
include $(filter-out $(FIRST_MK),$(sort $(wildcard mk/*.mk)))

# The lists are complete only now that every fragment is read.
bpf: $(BPF_BINS)
user: $(USER_BINS)
tests: $(sort $(TEST_BINS) $(addprefix $(B)/,$(TEST_FILES)))

$(sort $(addprefix $(B)/,$(TEST_FILES))): $(B)/%: %
	@mkdir -p $(dir $@)
	@cp -p $< $@

# A suite line naming a tests/ path that is neither a program nor a file
# would fail only when run: say so at once.
SUITE_ORPHANS := $(filter-out $(patsubst $(B)/%,%,$(TEST_BINS)) $(TEST_FILES),$(SUITE_WORDS))
ifneq ($(SUITE_ORPHANS),)
$(error suite lines name $(SUITE_ORPHANS): no tests/*.c builds it and no such file exists; add its source, or declare it in mk/tests-PART.mk)
endif

# Generated objects and skeletons are kept, not deleted as intermediates.
.SECONDARY:

# Dependency files are only read, never remade: without this, make tries
# built-in chains such as conn_boxed.d <- conn_boxed.d.o <- conn_%.o.
%.d: ;

-include $(shell find $(B) -name '*.d' -not -path '$(CACHE)/*' 2>/dev/null)
