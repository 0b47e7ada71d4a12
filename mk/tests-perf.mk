# Counts the servers' performance rests on (io_uring operations per
# request at 10000 connections); run as root, the probe needs it.
# Their suite lines declare them all (mk/tests.mk).
