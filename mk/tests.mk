# Tests: C tests on the kselftest harness, built with ASan and UBSan, and
# the shell scripts and suite files they run with, all copied into
# build/tests/ so that the build tree is self-contained (the test VM carries
# it as /stacklab).
#
# A test is declared once, by its line in a suite file
# (tests/PART/suite.host, .vm or .real: NAME COMMAND [ARG]...).  Every word
# of a line that names a path under tests/ is either a program, built from
# the .c of the same name, or a file copied as it is (a script).  Adding a
# test is its suite line and its source.  mk/tests-PART.mk says only what a
# line cannot: link flags and extra sources (on $(call suite_bins,PART)),
# programs no line names (workloads the scripts start, special builds) and
# files the scripts read:
#   TEST_BINS  += $(B)/tests/PART/x        built from tests/PART/x.c
#   TEST_FILES += tests/PART/data.lua      copied as it is
# A word naming neither is an error (SUITE_ORPHANS in the Makefile).

TEST_SUITES := $(sort $(wildcard tests/*/suite.host tests/*/suite.vm tests/*/suite.real))
SUITE_WORDS := $(sort $(shell awk '!/^[ \t]*([#]|$$)/ { for (i = 2; i <= NF; i++) \
		if ($$i ~ /^tests\//) print $$i }' $(TEST_SUITES)))
SUITE_SRCS  := $(wildcard $(addsuffix .c,$(SUITE_WORDS)))
SUITE_BINS  := $(addprefix $(B)/,$(SUITE_SRCS:.c=))
SUITE_FILES := $(filter-out $(SUITE_SRCS:.c=),$(wildcard $(SUITE_WORDS)))

# suite_bins PART: the programs PART's suite lines name; suite_files PART:
# its suite files and the scripts they name, as copied into the build tree.
suite_bins  = $(filter $(B)/tests/$(1)/%,$(SUITE_BINS))
suite_files = $(addprefix $(B)/,$(filter tests/$(1)/%,$(TEST_SUITES) $(SUITE_FILES)))

TEST_BINS  := $(SUITE_BINS)
TEST_FILES := tests/run-suite tests/lib/tap.sh $(TEST_SUITES) $(SUITE_FILES)

# -isystem: the 6.1 harness is not -Wextra clean itself; our code still is.
TEST_CFLAGS := $(CFLAGS) $(SANFLAGS) -isystem $(KSFT_DIR) -Ibpf/common -Iuser

# Test sources may include skeletons generated next to their binary.
$(B)/tests/%: tests/%.c $(LINUX_SRC)/.extracted
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(TEST_CFLAGS) -I$(dir $@) -MMD -o $@ $(filter %.c %.o,$^) $(LDLIBS)
