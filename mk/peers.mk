# The Go peer (build/peers/go-server) and its stack-growth benchmark
# (build/peers/go-grow), built with Debian's golang-go when it is installed.
# The Go standard library only, offline: no module is fetched (GOPROXY=off),
# and the build cache and GOPATH live under build/, never in $HOME.

GO := $(shell command -v go 2>/dev/null)
GO_ENV := GOCACHE=$(TOP)/$(B)/go/cache GOPATH=$(TOP)/$(B)/go/path \
	  GOFLAGS=-mod=mod GOPROXY=off GOENV=off GOTOOLCHAIN=local \
	  GOTELEMETRY=off CGO_ENABLED=0

# --version: the repository's VERSION, linked in.
GO_LDFLAGS := -X stacklab/go-server/cliflag.Version=$(STACKLAB_VERSION)

PEERS_DIR := experiments/peers
GO_SERVER_SRCS := $(wildcard $(PEERS_DIR)/go-server/go.mod \
		  $(PEERS_DIR)/go-server/*.go $(PEERS_DIR)/go-server/*/*.go) VERSION
GO_GROW_SRCS := $(wildcard $(PEERS_DIR)/go-grow/go.mod \
		$(PEERS_DIR)/go-grow/*.go) $(GO_SERVER_SRCS)

ifneq ($(GO),)
USER_BINS += $(B)/peers/go-server $(B)/peers/go-grow
# With the race detector (cgo: gcc links its runtime), for the tests, as
# the C servers' ASan builds are.
TEST_BINS += $(B)/peers/race/go-server
endif

# go build runs in the module's directory: the output path is absolute.
$(B)/peers/go-server: $(GO_SERVER_SRCS)
	@mkdir -p $(dir $@)
	@echo "  GO      $@"
	@cd $(PEERS_DIR)/go-server && $(GO_ENV) $(GO) build -trimpath -ldflags "$(GO_LDFLAGS)" -o $(TOP)/$@ .

$(B)/peers/race/go-server: $(GO_SERVER_SRCS)
	@mkdir -p $(dir $@)
	@echo "  GO      $@ (-race)"
	@cd $(PEERS_DIR)/go-server && $(GO_ENV) CGO_ENABLED=1 $(GO) build -race \
		-trimpath -ldflags "$(GO_LDFLAGS)" -o $(TOP)/$@ .

$(B)/peers/go-grow: $(GO_GROW_SRCS)
	@mkdir -p $(dir $@)
	@echo "  GO      $@"
	@cd $(PEERS_DIR)/go-grow && $(GO_ENV) $(GO) build -trimpath -ldflags "$(GO_LDFLAGS)" -o $(TOP)/$@ .

# make bench runs go-grow too (mk/user.mk); it needs building first.
ifneq ($(GO),)
bench: $(B)/peers/go-grow
endif

# Tests of the Go peer, and one any server can run ($STACKLAB_SERVER).
PEERS_TESTS := $(call suite_bins,peers)
$(PEERS_TESTS): tests/server/server_proc.c
$(B)/tests/peers/go_stats: LDLIBS += -ljansson

# The Rust peer (build/peers/rust-server), built with Debian's rustc, cargo
# and librust-tokio-dev when /usr/bin/cargo is installed.  Offline, from
# Debian's crates only (the crate's .cargo/config.toml replaces crates-io
# by /usr/share/cargo/registry); /usr/bin/cargo and /usr/bin/rustc by
# path, so that a rustup toolchain first in PATH (~/.cargo/bin) is never
# used; CARGO_HOME and the target directory under build/, nothing written
# to $HOME.  The release profile keeps debuginfo: fut-advise reads the
# futures' layout from its DWARF.
CARGO := $(wildcard /usr/bin/cargo)
RUST_DIR := $(B)/peers/rust
CARGO_ENV := RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
	     CARGO_HOME=$(TOP)/$(RUST_DIR)/cargo-home \
	     CARGO_TARGET_DIR=$(TOP)/$(RUST_DIR)/target
RUST_SERVER_SRCS := $(wildcard $(PEERS_DIR)/rust-server/Cargo.toml \
		    $(PEERS_DIR)/rust-server/Cargo.lock \
		    $(PEERS_DIR)/rust-server/build.rs \
		    $(PEERS_DIR)/rust-server/.cargo/config.toml \
		    $(PEERS_DIR)/rust-server/src/*.rs) VERSION

ifneq ($(CARGO),)
USER_BINS += $(B)/peers/rust-server
endif

$(B)/peers/rust-server: $(RUST_SERVER_SRCS)
	@mkdir -p $(dir $@) $(RUST_DIR)/cargo-home
	@echo "  CARGO   $@"
	@cd $(PEERS_DIR)/rust-server && $(CARGO_ENV) $(CARGO) build --release \
		--offline --quiet
	@cp $(RUST_DIR)/target/release/rust-server $@.tmp && mv -f $@.tmp $@
