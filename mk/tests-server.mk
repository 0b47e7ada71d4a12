# End-to-end tests of the servers; one program, run against each server.

TEST_BINS  += $(B)/tests/server/http_e2e
TEST_FILES += tests/server/suite.host

$(B)/tests/server/http_e2e: tests/server/server_proc.c
