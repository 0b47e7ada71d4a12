# Objects go to build/obj/, binaries to build/user/NAME.
# Code the servers and loadgen share: the HTTP subset, the workload, and
# socket, option and histogram plumbing, and the servers' command line.

COMMON_SRCS := user/http/http_parse.c user/http/http_response.c \
	       user/http/http_conn.c user/http/http_response_parse.c \
	       user/workload/workload.c user/common/net.c user/common/opts.c \
	       user/common/histogram.c user/common/json_text.c \
	       user/common/server_cli.c
COMMON_OBJS := $(COMMON_SRCS:%.c=$(B)/obj/%.o)

$(COMMON_OBJS): $(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -MMD -c $< -o $@

# STACKLAB_VERSION comes from VERSION through CFLAGS: what compiles it in
# is rebuilt on a new release (the rest links opts.o).
$(B)/obj/user/common/opts.o $(B)/obj/bpf/probe/stacklab-probe.o $(B)/obj/bpf/stack-advise/stack-advise.o: VERSION
$(B)/san/tpc-server $(B)/san/fut-server: VERSION
