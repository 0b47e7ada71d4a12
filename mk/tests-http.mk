# Tests of the HTTP subset: unit tests, and a libFuzzer target run for a
# bounded time by tests/http/fuzz.sh.

# fuzz_http_parse is run by fuzz.sh.
TEST_BINS += $(B)/tests/http/fuzz_http_parse

$(B)/tests/http/http_parse: user/http/http_parse.c
$(B)/tests/http/http_response: user/http/http_response.c

# libFuzzer needs clang; its own main replaces the harness's.
$(B)/tests/http/fuzz_http_parse: tests/http/fuzz_http_parse.c user/http/http_parse.c
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@$(CLANG) $(filter-out -Werror,$(CFLAGS)) -Werror -Iuser -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $^
