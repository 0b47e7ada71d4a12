# fut-advise tests: libfut programs that dump a profile and run
# build/user/fut-advise on it, and fut-server profiled under loadgen.

ADVISE_TESTS     := bad_profile hoist_loop no_oversize union_sizes
ADVISE_TEST_BINS := $(addprefix $(B)/tests/advise/,$(ADVISE_TESTS))
TEST_BINS  += $(ADVISE_TEST_BINS)
# experiments/lib/memsnap.sh is copied by mk/experiments.mk.
TEST_FILES += tests/advise/suite.host tests/advise/fut_server_box.sh \
	      tests/advise/breakdown.sh

$(ADVISE_TEST_BINS): $(LIBFUT_SAN) tests/advise/advise_test.h $(FUT_ADVISE)
$(ADVISE_TEST_BINS): LDLIBS := $(LIBFUT_SAN) $(LDLIBS_FUT)

.PHONY: tests-advise
tests-advise: $(ADVISE_TEST_BINS) $(FUT_ADVISE) $(B)/user/fut-server $(B)/user/loadgen \
	$(addprefix $(B)/,tests/advise/suite.host tests/advise/fut_server_box.sh \
	tests/advise/breakdown.sh experiments/lib/listening.sh \
	experiments/lib/memsnap.sh tests/lib/tap.sh tests/run-suite)
