# Tests of experiments/paired: a short end-to-end run on the host.
# Their suite lines declare them all (mk/tests.mk).
