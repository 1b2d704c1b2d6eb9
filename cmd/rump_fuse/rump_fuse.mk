# cmd/rump_fuse/rump_fuse.mk -- the FUSE bridge (docs/rump_fuse.md),
# included by the top Makefile after cmd/rumpfs/rumpfs.mk (it links the
# same embedded kernel, IMGTOOL_*): $(B)/bin/rump_fuse, built when
# pkg-config knows fuse3 (Debian: libfuse3-dev); `make install` copies
# it to PREFIX/bin.

FUSE3_CFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null)
FUSE3_LIBS := $(shell pkg-config --libs fuse3 2>/dev/null)
RUMP_FUSE_SRC := $(wildcard cmd/rump_fuse/*.c) cmd/common/fsimage.c
RUMP_FUSE_HDR := cmd/rump_fuse/rump_fuse.h cmd/common/fsimage.h

ifneq ($(FUSE3_LIBS),)
$(B)/bin/rump_fuse: $(RUMP_FUSE_SRC) $(RUMP_FUSE_HDR) $(IMGTOOL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(FUSE3_CFLAGS) -o $@ $(RUMP_FUSE_SRC) \
		$(IMGTOOL_LINK) $(FUSE3_LIBS)

all: $(B)/bin/rump_fuse
install: install-rump_fuse
install-rump_fuse: $(B)/bin/rump_fuse
	mkdir -p $(DESTDIR)$(PREFIX)/bin
	cp $(B)/bin/rump_fuse $(DESTDIR)$(PREFIX)/bin/ && \
		chmod 755 $(DESTDIR)$(PREFIX)/bin/rump_fuse
.PHONY: install-rump_fuse
include bench/fuse/bench-fuse.mk
else
$(info rump_fuse is not built: pkg-config does not know fuse3 (libfuse3-dev))
endif
