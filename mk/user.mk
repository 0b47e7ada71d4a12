# User space: libfut, the servers, loadgen and fut-advise (issues 5, 6, 8).
# Binaries go to build/user/ and are listed in USER_BINS.

USER_BINS :=
