# kselftest_harness.h, kselftest.h and checkpatch.pl come from Debian's
# linux-source package: extracted once into build/cache, never vendored.

LINUX_SRC_VER := 6.1
LINUX_SRC_TAR := /usr/src/linux-source-$(LINUX_SRC_VER).tar.xz
LINUX_SRC     := $(CACHE)/linux-source-$(LINUX_SRC_VER)
KSFT_DIR      := $(LINUX_SRC)/tools/testing/selftests
CHECKPATCH    := $(LINUX_SRC)/scripts/checkpatch.pl

LINUX_SRC_FILES := tools/testing/selftests/kselftest_harness.h \
		   tools/testing/selftests/kselftest.h \
		   scripts/checkpatch.pl scripts/spelling.txt \
		   scripts/const_structs.checkpatch

$(LINUX_SRC)/.extracted: | $(LINUX_SRC_TAR)
	@echo "  EXTRACT $(notdir $(LINUX_SRC_TAR)): kselftest headers, checkpatch"
	@mkdir -p $(CACHE)
	@tar -xJf $(LINUX_SRC_TAR) -C $(CACHE) \
		$(addprefix linux-source-$(LINUX_SRC_VER)/,$(LINUX_SRC_FILES))
	@touch $@

$(LINUX_SRC_TAR):
	@echo "$@ is missing: run 'make deps' (package linux-source-$(LINUX_SRC_VER))" >&2
	@exit 1
