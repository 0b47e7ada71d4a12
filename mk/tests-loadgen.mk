# Tests of loadgen and what it is built from.

$(B)/tests/loadgen/histogram: user/common/histogram.c
$(B)/tests/loadgen/histogram: LDLIBS := -lm

$(B)/tests/loadgen/response_parse: user/http/http_response_parse.c \
	user/http/http_response.c

# The server under test, sourced by the shell tests.
TEST_FILES += tests/loadgen/server.sh
