# The floors (user/floor): floor-uring, io_uring without futures, and
# floor-threads, a thread per connection; one fixed response per head.

FLOOR_COMMON := $(addprefix $(B)/obj/user/,floor/floor.o http/http_response.o \
		workload/workload.o common/net.o common/opts.o common/server_cli.o)
FLOOR_URING_OBJS := $(B)/obj/user/floor/floor_uring.o $(FLOOR_COMMON)
# tpc-server's registry of live connections, for the same shutdown.
FLOOR_THREADS_OBJS := $(B)/obj/user/floor/floor_threads.o \
		      $(B)/obj/user/tpc/tpc_registry.o $(FLOOR_COMMON)

USER_BINS += $(B)/user/floor-uring $(B)/user/floor-threads

$(B)/user/floor-uring: $(FLOOR_URING_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_URING) -lpthread

$(B)/user/floor-threads: $(FLOOR_THREADS_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ -lpthread

$(B)/obj/user/floor/%.o: user/floor/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -MMD -c $< -o $@

# With ASan, UBSan and LSan, from the same sources, for the server tests.
TEST_BINS += $(B)/san/floor-uring $(B)/san/floor-threads

$(B)/san/floor-uring: $(patsubst $(B)/obj/%.o,%.c,$(FLOOR_URING_OBJS)) \
		      $(wildcard user/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (ASan, UBSan)"
	@$(CC) $(CFLAGS) $(SANFLAGS) -Iuser -o $@ $(filter %.c,$^) $(LDLIBS_URING) -lpthread

$(B)/san/floor-threads: $(patsubst $(B)/obj/%.o,%.c,$(FLOOR_THREADS_OBJS)) \
			$(wildcard user/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (ASan, UBSan)"
	@$(CC) $(CFLAGS) $(SANFLAGS) -Iuser -o $@ $(filter %.c,$^) -lpthread
# opts.c compiles the version in.
$(B)/san/floor-uring $(B)/san/floor-threads: VERSION
