# fut-advise: reads libfut profiles and DWARF, says what to box.
# Links libfut for fut_alloc_bytes(): prices as the allocator allocates.

ADVISE_SRCS := $(wildcard user/advise/*.c)
ADVISE_OBJS := $(patsubst user/%.c,$(B)/obj/user/%.o,$(ADVISE_SRCS))
FUT_ADVISE  := $(B)/user/fut-advise

USER_BINS += $(FUT_ADVISE)

$(FUT_ADVISE): $(ADVISE_OBJS) $(B)/obj/user/common/opts.o $(LIBFUT)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_FUT) -ldw $(LDLIBS_BPF)

# --uprobes: bpf/rust-poll.bpf.c's skeleton (mk/bpf.mk builds it).
$(B)/obj/user/advise/rust_uprobes.o: $(B)/bpf/rust-poll.skel.h
$(B)/obj/user/advise/rust_uprobes.o: override CFLAGS += -I$(B)/bpf

$(ADVISE_OBJS): $(B)/obj/user/advise/%.o: user/advise/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -MMD -c $< -o $@

# The tests run it under ASan, LSan and UBSan: leaks on its error paths and
# arithmetic that wraps fail them.
FUT_ADVISE_SAN := $(B)/san/fut-advise
TEST_BINS += $(FUT_ADVISE_SAN)

$(FUT_ADVISE_SAN): $(ADVISE_SRCS) user/common/opts.c $(LIBFUT_SAN) $(wildcard user/advise/*.h) \
		  $(B)/bpf/rust-poll.skel.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (ASan, UBSan)"
	@$(CC) $(CFLAGS) $(SANFLAGS) -Iuser -I$(B)/bpf -o $@ $(filter %.c,$^) $(LIBFUT_SAN) \
		$(LDLIBS_FUT) -ldw $(LDLIBS_BPF)

.PHONY: fut-advise
fut-advise: $(FUT_ADVISE)

# fut-advise --pid's census of 10000 live tokio tasks, timed (a benchmark:
# under the shared lock, alone).
.PHONY: bench-census
bench-census: deps
	@$(MAKE) --no-print-directory user
	@$(BENCH_LOCK) experiments/bench-census
