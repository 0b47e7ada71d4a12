# Tests of loadgen and what it is built from.

TEST_BINS  += $(B)/tests/loadgen/histogram
TEST_FILES += tests/loadgen/suite.host tests/loadgen/loadgen_e2e.sh \
	tests/loadgen/loadgen_phases.sh

$(B)/tests/loadgen/histogram: user/common/histogram.c
$(B)/tests/loadgen/histogram: LDLIBS := -lm

TEST_BINS += $(B)/tests/loadgen/response_parse
$(B)/tests/loadgen/response_parse: user/http/http_response_parse.c \
	user/http/http_response.c
