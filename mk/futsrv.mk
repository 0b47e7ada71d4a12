# fut-server: libfut, one task per connection.  conn.c is built
# twice, the heavy await site inline and boxed; --heavy picks one.

FUTSRV_OBJS := $(addprefix $(B)/obj/user/futsrv/,main.o serve.o heavy.o resp_pool.o \
	       conn_inline.o conn_boxed.o)
FUTSRV_COMMON := $(addprefix $(B)/obj/user/,http/http_parse.o \
		 http/http_response.o http/http_conn.o workload/workload.o \
		 common/net.o common/opts.o common/server_cli.o)

USER_BINS += $(B)/user/fut-server

$(B)/user/fut-server: $(FUTSRV_OBJS) $(FUTSRV_COMMON) $(LIBFUT)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_FUT)

$(B)/obj/user/futsrv/conn_%.o: user/futsrv/conn.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -DCONN_HEAVY_$* -MMD -c $< -o $@

$(filter-out %/conn_inline.o %/conn_boxed.o,$(FUTSRV_OBJS)): $(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -MMD -c $< -o $@

# With ASan, UBSan and LSan (and libfut's sanitizer build), for the tests.
# From the same sources as fut-server; conn.c is built twice below.
SAN_FUTSRV_SRCS := $(patsubst $(B)/obj/%.o,%.c,$(FUTSRV_COMMON) \
		   $(filter-out %/conn_inline.o %/conn_boxed.o,$(FUTSRV_OBJS)))
TEST_BINS += $(B)/san/fut-server

$(B)/san/fut-server: $(SAN_FUTSRV_SRCS) user/futsrv/conn.c $(LIBFUT_SAN) \
		     $(wildcard user/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (ASan, UBSan)"
	@$(CC) $(CFLAGS) $(SANFLAGS) -Iuser -DCONN_HEAVY_inline -c user/futsrv/conn.c -o $@.inline.o
	@$(CC) $(CFLAGS) $(SANFLAGS) -Iuser -DCONN_HEAVY_boxed -c user/futsrv/conn.c -o $@.boxed.o
	@$(CC) $(CFLAGS) $(SANFLAGS) -Iuser -o $@ $(SAN_FUTSRV_SRCS) $@.inline.o \
		$@.boxed.o $(LIBFUT_SAN) $(LDLIBS_FUT)
