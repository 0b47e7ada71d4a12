# End-to-end tests of the servers; one program, run against each server.

TEST_BINS  += $(B)/tests/server/http_e2e $(B)/tests/server/hostile \
	      $(B)/tests/server/conn_flood $(B)/tests/server/same_bytes \
	      $(B)/tests/server/shutdown $(B)/tests/server/mem_burst \
	      $(B)/tests/server/box_503 $(B)/tests/server/resp_pool \
	      $(B)/tests/server/split_status $(B)/tests/server/fd_reserve \
	      $(B)/tests/server/floor
TEST_FILES += tests/server/suite.host tests/server/wrk.sh \
	      tests/server/wrk_mix.lua tests/server/fut_profile.sh

$(B)/tests/server/http_e2e $(B)/tests/server/hostile \
	$(B)/tests/server/conn_flood $(B)/tests/server/same_bytes \
	$(B)/tests/server/shutdown $(B)/tests/server/mem_burst \
	$(B)/tests/server/box_503 $(B)/tests/server/resp_pool \
	$(B)/tests/server/split_status $(B)/tests/server/fd_reserve \
	$(B)/tests/server/floor: tests/server/server_proc.c
$(B)/tests/server/shutdown: LDLIBS := -lpthread
# (The servers' ASan/LSan builds, san/tpc-server and san/fut-server, are
# made by mk/tpc.mk and mk/futsrv.mk from the same sources as the servers.)
