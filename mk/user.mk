# User space: libfut, the servers, loadgen and fut-advise (issues 5, 6, 8).

USER_BINS :=

user: $(USER_BINS)
