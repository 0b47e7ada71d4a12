# tpc-server: one pthread per connection, blocking IO.

TPC_OBJS := $(addprefix $(B)/obj/user/tpc/,tpc_main.o tpc_conn.o tpc_registry.o)
TPC_COMMON := $(addprefix $(B)/obj/user/,http/http_parse.o http/http_response.o \
	      http/http_conn.o workload/workload.o common/net.o common/opts.o \
	      common/server_cli.o)

USER_BINS += $(B)/user/tpc-server

$(B)/user/tpc-server: $(TPC_OBJS) $(TPC_COMMON)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ -lpthread

$(TPC_OBJS): $(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -MMD -c $< -o $@

# With ASan, UBSan and LSan, from the same sources, for the server tests.
SAN_TPC_SRCS := $(patsubst $(B)/obj/%.o,%.c,$(TPC_OBJS) $(TPC_COMMON))
TEST_BINS += $(B)/san/tpc-server

$(B)/san/tpc-server: $(SAN_TPC_SRCS) $(wildcard user/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (ASan, UBSan)"
	@$(CC) $(CFLAGS) $(SANFLAGS) -Iuser -o $@ $(filter %.c,$^) -lpthread
