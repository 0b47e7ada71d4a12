# User space: libfut, the servers, loadgen and fut-advise.
# Binaries go to build/user/ and are listed in USER_BINS.

USER_BINS :=

# libfut: build/user/libfut.a (-O2), and build/user/san/libfut.a with ASan
# and UBSan for the tests.  Link with $(LDLIBS_FUT).
LIBFUT_SRCS := $(wildcard user/libfut/*.c)
LIBFUT_HDRS := $(wildcard user/libfut/*.h)
# A build tree's dependency files may name user/libfut/internal.h, which
# the tree no longer has: without this rule make stops on them instead of
# rebuilding.  libfut's objects are built with -MP, which covers any other
# header that goes away.
user/libfut/internal.h: ;
LIBFUT      := $(B)/user/libfut.a
LIBFUT_SAN  := $(B)/user/san/libfut.a
LDLIBS_FUT  := $(LDLIBS_URING) -ljansson -lpthread
# Coroutines (fut_coro.h) switch with Boost.Context.  Code that runs on a
# split coroutine stack is built with SPLIT_CFLAGS; a binary holding any
# links with SPLIT_LDFLAGS: gold makes a split function that calls code
# built without -fsplit-stack (libc, libfut) ask for SPLIT_ADJUST bytes
# more than its frame, so that the callee has room.  gold's default is
# 1 MiB, which puts every such call in a segment of its own; 16 KiB is
# four times what the callees here use (vfprintf is the largest).
SPLIT_ADJUST  := 0x4000
LDLIBS_CORO   := $(LDLIBS_FUT) -lboost_context
SPLIT_CFLAGS  := -fsplit-stack
SPLIT_LDFLAGS := -fuse-ld=gold -Wl,--split-stack-adjust-size=$(SPLIT_ADJUST)
# Big frames probe page by page (-fstack-clash-protection): on a fixed
# stack they fault in its guard page instead of jumping past it.
SPLIT_CFLAGS  += -fstack-clash-protection
# Split code must not call libc by surprise: GCC must not turn a copy or
# fill loop into a memcpy or memset call.
# STACKLAB_SPLIT_STACK selects split-safe helpers (user/http/http_str.h).
SPLIT_CFLAGS  += -fno-tree-loop-distribute-patterns -DSTACKLAB_SPLIT_STACK
# libfut's blocking-style coroutine calls are split code (coro_call.c).
$(B)/user/libfut/coro_call.o $(B)/user/san/libfut/coro_call.o: \
	override CFLAGS += $(SPLIT_CFLAGS)

# The split-stack copy of a source, for the binaries that run it there.
$(B)/obj/split/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (split stack)"
	@$(CC) $(CFLAGS) $(SPLIT_CFLAGS) -Iuser -MMD -c $< -o $@

USER_BINS += $(LIBFUT) $(LIBFUT_SAN)

$(LIBFUT): $(patsubst user/libfut/%.c,$(B)/user/libfut/%.o,$(LIBFUT_SRCS))
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

$(LIBFUT_SAN): $(patsubst user/libfut/%.c,$(B)/user/san/libfut/%.o,$(LIBFUT_SRCS))
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

$(B)/user/libfut/%.o: user/libfut/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser/libfut -MMD -MP -c $< -o $@

$(B)/user/san/libfut/%.o: user/libfut/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(SANFLAGS) -Iuser/libfut -MMD -MP -c $< -o $@

.PHONY: libfut bench
libfut: $(LIBFUT) $(LIBFUT_SAN)

# Benchmarks: -O2, no sanitizers; futures and threads side by side.
BENCH_BINS := $(B)/user/bench/fut_bench
USER_BINS  += $(BENCH_BINS)

$(B)/user/bench/%: user/bench/%.c $(B)/obj/user/common/opts.o $(LIBFUT)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser/libfut -Iuser -MMD -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS_FUT)

# fut_bench's like-for-like pairs live in their own file.
$(B)/user/bench/fut_bench: user/bench/fut_bench.c user/bench/pairs.c user/bench/pairs.h \
			   $(B)/obj/user/common/opts.o $(LIBFUT)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser/libfut -Iuser -MMD -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS_FUT)

# segment_bench: its split-stack half is built with -fsplit-stack, and it
# links with gold (the hot split, libfut(3) and segment_bench(1)).
SEGMENT_BENCH := $(B)/user/bench/segment_bench
USER_BINS     += $(SEGMENT_BENCH)

$(SEGMENT_BENCH): user/bench/segment_bench.c $(B)/obj/split/user/bench/segment_split.o \
		  $(B)/obj/user/common/opts.o $(LIBFUT)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser/libfut -Iuser/bench -Iuser -MMD $(SPLIT_LDFLAGS) -o $@ $< \
		$(B)/obj/split/user/bench/segment_split.o $(B)/obj/user/common/opts.o \
		$(LIBFUT) $(LDLIBS_CORO)

bench: $(BENCH_BINS) $(SEGMENT_BENCH)
	@$(BENCH_LOCK) sh -c '$(B)/user/bench/fut_bench $(if $(GO),&& $(B)/peers/go-grow) && \
		$(SEGMENT_BENCH)'
