# slabsnap: exact /proc/slabinfo snapshots for the memory phases of
# experiments/paired and bench-conns (user/slabsnap/README.md).

SLABSNAP_OBJS := $(B)/obj/user/slabsnap/slabsnap.o $(B)/obj/user/common/opts.o

USER_BINS += $(B)/user/slabsnap

$(B)/user/slabsnap: $(SLABSNAP_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^

$(B)/obj/user/slabsnap/%.o: user/slabsnap/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Iuser -MMD -c $< -o $@

# With ASan, UBSan and LSan, from the same sources, for its test.
TEST_BINS += $(B)/san/slabsnap

$(B)/san/slabsnap: $(patsubst $(B)/obj/%.o,%.c,$(SLABSNAP_OBJS)) $(wildcard user/common/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (ASan, UBSan)"
	@$(CC) $(CFLAGS) $(SANFLAGS) -Iuser -o $@ $(filter %.c,$^)
# opts.c compiles the version in.
$(B)/san/slabsnap: VERSION
