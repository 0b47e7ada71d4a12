# Tests of the manuals and of make install, host only (they need the
# source tree above build/).

TEST_FILES += tests/docs/suite.host tests/docs/docs.sh tests/docs/install.sh \
	      tests/docs/deps.sh tests/docs/contract.sh
