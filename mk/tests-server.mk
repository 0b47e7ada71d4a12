# End-to-end tests of the servers; one program, run against each server.

TEST_BINS  += $(B)/tests/server/http_e2e $(B)/tests/server/hostile \
	      $(B)/tests/server/conn_flood $(B)/tests/server/same_bytes \
	      $(B)/san/tpc-server
TEST_FILES += tests/server/suite.host tests/server/wrk.sh \
	      tests/server/wrk_mix.lua

$(B)/tests/server/http_e2e $(B)/tests/server/hostile \
	$(B)/tests/server/conn_flood $(B)/tests/server/same_bytes: \
	tests/server/server_proc.c

# The servers again with ASan, UBSan and LSan, for the tests above.
SAN_TPC_SRCS := $(wildcard user/tpc/*.c) user/http/http_parse.c \
		user/http/http_response.c user/http/http_conn.c \
		user/workload/workload.c user/common/net.c user/common/opts.c
$(B)/san/tpc-server: $(SAN_TPC_SRCS) $(wildcard user/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (ASan, UBSan)"
	@$(CC) $(CFLAGS) $(SANFLAGS) -Iuser -o $@ $(filter %.c,$^) -lpthread
