# Tests of the code every tool shares (user/common/).

TEST_BINS  += $(B)/tests/common/opts
TEST_FILES += tests/common/suite.host tests/common/cli.sh

$(B)/tests/common/opts: user/common/opts.c VERSION
