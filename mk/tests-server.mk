# End-to-end tests of the servers; one program, run against each server.

# wrk.sh reads wrk_mix.lua.
TEST_FILES += tests/server/wrk_mix.lua

$(call suite_bins,server): tests/server/server_proc.c
$(B)/tests/server/shutdown: LDLIBS := -lpthread
# (The servers' ASan/LSan builds, san/tpc-server and san/fut-server, are
# made by mk/tpc.mk and mk/futsrv.mk from the same sources as the servers.)
