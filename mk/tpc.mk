# tpc-server (issue 6) and the code it shares with fut-server and loadgen.

SERVER_COMMON_SRCS := user/http/http_parse.c user/http/http_response.c \
		      user/http/http_conn.c user/workload/workload.c \
		      user/common/net.c user/common/opts.c
SERVER_COMMON_OBJS := $(SERVER_COMMON_SRCS:%.c=$(B)/%.o)
TPC_OBJS := $(addprefix $(B)/user/tpc/,tpc_main.o tpc_conn.o tpc_registry.o)

USER_BINS += $(B)/user/tpc-server

$(B)/user/tpc-server: $(TPC_OBJS) $(SERVER_COMMON_OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ -lpthread

$(TPC_OBJS) $(filter-out $(B)/user/http/%,$(SERVER_COMMON_OBJS)): $(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -MMD -c $< -o $@
