# make install / make uninstall: PREFIX (default /usr/local) and DESTDIR.
# The lists are read when the recipes run, after every fragment appended
# to USER_BINS and BPF_BINS: a new tool there is installed without an edit
# here (libraries and objects are not: libfut is installed by
# mk/libfut-lib.mk).

PREFIX  ?= /usr/local
DESTDIR ?=

INST_BIN   = $(DESTDIR)$(PREFIX)/bin
INST_SHARE = $(DESTDIR)$(PREFIX)/share/stacklab
INST_MAN   = $(DESTDIR)$(PREFIX)/share/man
INST_DOC   = $(DESTDIR)$(PREFIX)/share/doc/stacklab
INST_KSRC  = $(DESTDIR)$(PREFIX)/src/stacklab-$(STACKLAB_VERSION)
INST_KMODS = $(DESTDIR)$(PREFIX)/lib/stacklab/modules

INSTALL_BINS = $(filter-out %.a %.o,$(USER_BINS) $(BPF_BINS))
INSTALL_SCRIPTS := experiments/paired experiments/paired-agree \
		   experiments/bench-conns experiments/bench-http \
		   experiments/bench-census
INSTALL_SCRIPT_LIB := $(wildcard experiments/lib/*)
INSTALL_DOCS := README.md docs/design.md
# Every module built, one per kernel: build/kmod/KVERSION/stacklab.ko.
INSTALL_KMODS = $(wildcard $(B)/kmod/*/stacklab.ko)

man_dir_of = $(INST_MAN)/man$(subst .,,$(suffix $(1)))

.PHONY: install uninstall
install: all
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"
	@install -d $(INST_BIN) $(INST_SHARE)/experiments/lib $(INST_DOC) \
		$(INST_KSRC)/kmod
	@install -m 0755 $(INSTALL_BINS) $(INST_BIN)/
	@install -m 0755 $(INSTALL_SCRIPTS) $(INST_SHARE)/experiments/
	@install -m 0644 $(INSTALL_SCRIPT_LIB) $(INST_SHARE)/experiments/lib/
	@install -m 0644 VERSION $(INST_SHARE)/VERSION
	@# The experiments run their tools as build/user/X, build/bpf/X:
	@# that tree, under share/stacklab, links to the installed binaries.
	@for f in $(INSTALL_BINS:$(B)/%=%); do \
		d=$(INST_SHARE)/build/$$(dirname $$f); up=$$(echo $$f | sed 's|[^/]*/|../|g; s|[^/]*$$||'); \
		install -d $$d && ln -sfn ../../$$up../bin/$$(basename $$f) $$d/; done
	@install -m 0644 $(INSTALL_DOCS) $(INST_DOC)/
	@install -m 0644 Kbuild $(INST_KSRC)/Kbuild
	@install -m 0644 $(KMOD_SRCS) $(INST_KSRC)/kmod/
	@printf '%s\n' 'PACKAGE_NAME="stacklab"' \
		'PACKAGE_VERSION="$(STACKLAB_VERSION)"' \
		'BUILT_MODULE_NAME[0]="stacklab"' \
		'DEST_MODULE_LOCATION[0]="/extra"' \
		'AUTOINSTALL="no"' >$(INST_KSRC)/dkms.conf
	@for ko in $(INSTALL_KMODS); do \
		kver=$$(basename $$(dirname $$ko)); \
		install -d $(INST_KMODS)/$$kver && \
		install -m 0644 $$ko $(INST_KMODS)/$$kver/ || exit 1; done
	@$(foreach p,$(MAN_PAGES),install -d $(call man_dir_of,$(p)) && \
		install -m 0644 $(p) $(call man_dir_of,$(p))/ &&) true
	@$(foreach m,$(MAN_ALIASES),install -d \
		$(call man_dir_of,$(call man_page,$(m))) && ln -sfn \
		../man$(subst .,,$(suffix $(call man_source,$(m))))/$(call man_source,$(m)) \
		$(call man_dir_of,$(call man_page,$(m)))/$(call man_page,$(m)) &&) true

# Only what install wrote; then the directories it made, if left empty.
uninstall:
	@echo "  UNINSTALL $(DESTDIR)$(PREFIX)"
	@rm -f $(addprefix $(INST_BIN)/,$(notdir $(INSTALL_BINS)))
	@rm -rf $(INST_SHARE) $(INST_DOC) $(INST_KSRC) \
		$(DESTDIR)$(PREFIX)/lib/stacklab
	@rm -f $(foreach p,$(notdir $(MAN_PAGES)) $(foreach m,$(MAN_ALIASES),$(call man_page,$(m))),$(call man_dir_of,$(p))/$(p))
	@for d in $(INST_BIN) $(INST_MAN)/man1 $(INST_MAN)/man3 \
		$(INST_MAN)/man4 $(INST_MAN)/man7 $(INST_MAN)/man8 $(INST_MAN) \
		$(DESTDIR)$(PREFIX)/share/doc $(DESTDIR)$(PREFIX)/share \
		$(DESTDIR)$(PREFIX)/src $(DESTDIR)$(PREFIX)/lib; do \
		[ -d $$d ] && rmdir --ignore-fail-on-non-empty $$d; done; true

# What make install puts in place, by kind, one "KIND NAME" a line: the
# docs test holds docs/design.md to exactly this list.
.PHONY: list-installed
list-installed:
	@printf 'bin %s\n' $(notdir $(INSTALL_BINS))
	@printf 'experiment %s\n' $(notdir $(INSTALL_SCRIPTS))
	@printf 'man %s\n' $(notdir $(MAN_PAGES) $(MAN_ALIAS_LINKS))
