# libfut as a library for programs outside this tree: the static archive
# (build/user/libfut.a, mk/user.mk), a shared library with a soname, the
# public headers and a pkg-config file, installed by make install:
#   #include <stacklab/fut.h>; cc prog.c $(pkg-config --cflags --libs libfut)
# The shared library exports the public API only (fut_*, coro_*): the
# layers under it (ring, slab, task, timer) stay free to change.

LIBFUT_SOVER   := 0
LIBFUT_SONAME  := libfut.so.$(LIBFUT_SOVER)
LIBFUT_SO      := $(B)/user/lib/$(LIBFUT_SONAME)
LIBFUT_PC      := $(B)/user/lib/libfut.pc
LIBFUT_PUBLIC_HDRS := $(addprefix user/libfut/,fut.h fut_core.h fut_io.h \
		      fut_prof.h fut_remote.h fut_coro.h)
LIBFUT_PIC_OBJS := $(patsubst user/libfut/%.c,$(B)/user/pic/libfut/%.o,$(LIBFUT_SRCS))

$(B)/user/pic/libfut/%.o: user/libfut/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (PIC)"
	@$(CC) $(CFLAGS) -fPIC -Iuser/libfut -MMD -MP -c $< -o $@

$(B)/user/pic/libfut/coro_call.o: override CFLAGS += $(SPLIT_CFLAGS)

$(LIBFUT_SO): $(LIBFUT_PIC_OBJS) mk/libfut.map
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -shared -Wl,-soname,$(LIBFUT_SONAME) \
		-Wl,--version-script=mk/libfut.map $(SPLIT_LDFLAGS) -o $@ \
		$(LIBFUT_PIC_OBJS) $(LDLIBS_CORO)

# The prefix is the install's: make install writes it in.
$(LIBFUT_PC): mk/libfut-lib.mk VERSION
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@printf '%s\n' 'prefix=@PREFIX@' \
		'includedir=$${prefix}/include' 'libdir=$${prefix}/lib' '' \
		'Name: libfut' \
		'Description: stackless futures and stackful coroutines on io_uring (stacklab)' \
		'Version: $(STACKLAB_VERSION)' \
		'Requires.private: liburing jansson' \
		'Cflags: -I$${includedir}' \
		'Libs: -L$${libdir} -lfut' \
		'Libs.private: -lboost_context -lpthread' >$@

.PHONY: libfut-lib install-libfut uninstall-libfut
libfut-lib: $(LIBFUT_SO) $(LIBFUT_PC)
user: libfut-lib

INST_LIB = $(DESTDIR)$(PREFIX)/lib
INST_INC = $(DESTDIR)$(PREFIX)/include/stacklab

install: install-libfut
install-libfut: $(LIBFUT) $(LIBFUT_SO) $(LIBFUT_PC)
	@install -d $(INST_LIB)/pkgconfig $(INST_INC)
	@install -m 0644 $(LIBFUT) $(INST_LIB)/libfut.a
	@install -m 0755 $(LIBFUT_SO) $(INST_LIB)/$(LIBFUT_SONAME)
	@ln -sfn $(LIBFUT_SONAME) $(INST_LIB)/libfut.so
	@install -m 0644 $(LIBFUT_PUBLIC_HDRS) $(INST_INC)/
	@sed 's|@PREFIX@|$(PREFIX)|' $(LIBFUT_PC) >$(INST_LIB)/pkgconfig/libfut.pc

uninstall: uninstall-libfut
uninstall-libfut:
	@rm -f $(INST_LIB)/libfut.a $(INST_LIB)/$(LIBFUT_SONAME) \
		$(INST_LIB)/libfut.so $(INST_LIB)/pkgconfig/libfut.pc
	@rm -f $(addprefix $(INST_INC)/,$(notdir $(LIBFUT_PUBLIC_HDRS)))
	@for d in $(INST_INC) $(DESTDIR)$(PREFIX)/include $(INST_LIB)/pkgconfig; do \
		[ -d $$d ] && rmdir --ignore-fail-on-non-empty $$d; done; true
