# Tests of the manuals and of make install, host only (they need the
# source tree above build/).
# Their suite lines declare them all (mk/tests.mk).
