# loadgen: one thread, one io_uring, many keep-alive connections.

LOADGEN_OBJS := $(addprefix $(B)/obj/user/loadgen/,loadgen_main.o \
		loadgen_engine.o loadgen_report.o)
LOADGEN_COMMON := $(addprefix $(B)/obj/user/,common/histogram.o common/net.o \
		  common/opts.o http/http_response_parse.o)

USER_BINS += $(B)/user/loadgen

$(B)/user/loadgen: $(LOADGEN_OBJS) $(LOADGEN_COMMON)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ -luring -ljansson -lm

$(LOADGEN_OBJS): $(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -MMD -c $< -o $@
