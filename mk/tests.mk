# Tests: C tests on the kselftest harness, built with ASan and UBSan, and
# the shell scripts and suite files they run with, all copied into
# build/tests/ so that the build tree is self-contained (the test VM carries
# it as /stacklab).  Each part adds its tests in mk/tests-PART.mk:
#   TEST_BINS  += $(B)/tests/PART/x        built from tests/PART/x.c
#   TEST_FILES += tests/PART/suite.host    copied as they are
# plus target-specific LDLIBS and extra prerequisites (.c, .o, .skel.h).

# -isystem: the 6.1 harness is not -Wextra clean itself; our code still is.
TEST_CFLAGS := $(CFLAGS) $(SANFLAGS) -isystem $(KSFT_DIR) -Ibpf/common -Iuser

TEST_FILES := tests/run-suite tests/lib/tap.sh

# Test sources may include skeletons generated next to their binary.
$(B)/tests/%: tests/%.c $(LINUX_SRC)/.extracted
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(TEST_CFLAGS) -I$(dir $@) -MMD -o $@ $(filter %.c %.o,$^) $(LDLIBS)
