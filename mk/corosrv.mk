# coro-server (stackful coroutines on libfut).  The code that runs on
# connection stacks -- conn.c, the HTTP subset, the workload -- is built a
# second time, with -fsplit-stack, under build/obj/split/; the rest of the
# project keeps its objects.  Linked with gold (SPLIT_LDFLAGS).

COROSRV_SPLIT_SRCS := user/corosrv/conn.c user/http/http_parse.c \
		      user/http/http_response.c user/http/http_conn.c \
		      user/workload/workload.c
COROSRV_SRCS := user/corosrv/main.c user/corosrv/serve.c user/common/net.c \
		user/common/server_cli.c \
		user/common/opts.c
COROSRV_OBJS := $(COROSRV_SRCS:%.c=$(B)/obj/%.o) \
		$(COROSRV_SPLIT_SRCS:%.c=$(B)/obj/split/%.o)
# Big frames (the heavy array) probe page by page: a fixed stack too
# small faults in its guard page instead of jumping past it.
COROSRV_CFLAGS := -fstack-clash-protection

USER_BINS += $(B)/user/coro-server

$(B)/user/coro-server: $(COROSRV_OBJS) $(LIBFUT)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(SPLIT_LDFLAGS) -o $@ $^ $(LDLIBS_CORO)

$(B)/obj/user/corosrv/%.o: user/corosrv/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(COROSRV_CFLAGS) -Iuser -MMD -c $< -o $@

# With ASan and UBSan (libfut's sanitizer build), for the server tests;
# ASan's fiber annotations cover a split stack's first segment only.
TEST_BINS += $(B)/san/coro-server

$(B)/san/coro-server: $(COROSRV_SRCS) $(COROSRV_SPLIT_SRCS) $(LIBFUT_SAN) \
		      $(wildcard user/*/*.h)
	@mkdir -p $(dir $@).split
	@echo "  CC      $@ (ASan, UBSan)"
	@for f in $(COROSRV_SPLIT_SRCS); do \
		$(CC) $(CFLAGS) $(SANFLAGS) $(SPLIT_CFLAGS) $(COROSRV_CFLAGS) -Iuser \
			-c $$f -o $(dir $@).split/$$(basename $$f .c).o || exit 1; done
	@$(CC) $(CFLAGS) $(SANFLAGS) $(COROSRV_CFLAGS) $(SPLIT_LDFLAGS) -Iuser -o $@ \
		$(COROSRV_SRCS) $(addprefix $(dir $@).split/,$(notdir $(COROSRV_SPLIT_SRCS:.c=.o))) \
		$(LIBFUT_SAN) $(LDLIBS_CORO)

.PHONY: coro-server
coro-server: $(B)/user/coro-server $(B)/san/coro-server
