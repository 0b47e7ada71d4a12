# fut-advise tests: libfut programs that dump a profile and run
# build/user/fut-advise on it, and fut-server profiled under loadgen.

ADVISE_TEST_BINS := $(call suite_bins,advise)
# experiments/lib/memsnap.sh is copied by mk/experiments.mk.

$(ADVISE_TEST_BINS): $(LIBFUT_SAN) tests/advise/advise_test.h $(FUT_ADVISE_SAN) \
		     $(B)/tests/advise/self_union
$(ADVISE_TEST_BINS): LDLIBS := $(LIBFUT_SAN) $(LDLIBS_FUT)

# A struct whose DWARF is damaged after compiling: an anonymous union's
# unnamed member made of that union's own type (self_union.awk).
TEST_BINS += $(B)/tests/advise/self_union
$(B)/tests/advise/self_union: tests/advise/self_union.c tests/advise/self_union.awk
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (DWARF damaged)"
	@$(CC) -g -O0 -S -dA -o $@.s tests/advise/self_union.c
	@awk -f tests/advise/self_union.awk $@.s >$@.bad.s
	@$(CC) -o $@ $@.bad.s

.PHONY: tests-advise
tests-advise: $(ADVISE_TEST_BINS) $(FUT_ADVISE) $(FUT_ADVISE_SAN) $(B)/user/fut-server $(B)/user/loadgen \
	$(call suite_files,advise) $(addprefix $(B)/,experiments/lib/listening.sh \
	experiments/lib/memsnap.sh tests/lib/tap.sh tests/run-suite)

# fut-advise's Rust test programs (tests/advise/rust): built offline by
# Debian's cargo and rustc (never a rustup toolchain that PATH may put
# first) against Debian's tokio (librust-tokio-dev), with debug info; the
# cargo target dir is under build/.

CARGO := /usr/bin/cargo
ADVISE_RUST_DIR  := tests/advise/rust
ADVISE_RUST_OUT  := $(B)/cargo-advise/release
ADVISE_RUST_BINS := $(addprefix $(ADVISE_RUST_OUT)/,sizes census-server census-client)
ADVISE_RUST_SRCS := $(wildcard $(ADVISE_RUST_DIR)/Cargo.toml $(ADVISE_RUST_DIR)/Cargo.lock \
		    $(ADVISE_RUST_DIR)/.cargo/config.toml $(ADVISE_RUST_DIR)/src/bin/*.rs)

ifneq ($(wildcard $(CARGO)),)
TEST_BINS += $(ADVISE_RUST_BINS)
endif
# The tests read the await lines they expect from the sources.
ADVISE_RUST_TEST_FILES := tests/advise/rust/src/bin/census-server.rs tests/advise/rust/src/bin/sizes.rs
TEST_FILES += $(ADVISE_RUST_TEST_FILES)

$(ADVISE_RUST_BINS) &: $(ADVISE_RUST_SRCS)
	@echo "  CARGO   $(ADVISE_RUST_OUT)/{sizes,census-server,census-client}"
	@cd $(ADVISE_RUST_DIR) && RUSTC=/usr/bin/rustc $(CARGO) build --release --offline \
		--quiet --target-dir $(TOP)/$(B)/cargo-advise
	@touch $(ADVISE_RUST_BINS)

tests-advise: $(if $(wildcard $(CARGO)),$(ADVISE_RUST_BINS)) \
	$(addprefix $(B)/,$(ADVISE_RUST_TEST_FILES))
