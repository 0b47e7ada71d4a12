# Objects go to build/obj/, binaries to build/user/NAME.
# Code the servers and loadgen share: the HTTP subset, the workload, and
# socket, option and histogram plumbing.

COMMON_SRCS := user/http/http_parse.c user/http/http_response.c \
	       user/http/http_conn.c user/http/http_response_parse.c \
	       user/workload/workload.c user/common/net.c user/common/opts.c \
	       user/common/histogram.c
COMMON_OBJS := $(COMMON_SRCS:%.c=$(B)/obj/%.o)

$(COMMON_OBJS): $(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -MMD -c $< -o $@

# --version reads VERSION through CFLAGS: a new release rebuilds it.
$(B)/obj/user/common/opts.o: VERSION
