# cmd/rumpfs/rumpfs.mk -- the rumpfs image tool (docs/rumpfs.md), included
# by the top Makefile: $(B)/bin/rumpfs, a host program with its kernel
# (base, VFS, disks on host files, ext2/3/4, tmpfs) linked in statically
# on the pthread host; `make install` copies it to PREFIX/bin.

RUMPFS_SRC := $(wildcard cmd/rumpfs/*.c) cmd/common/fsimage.c
RUMPFS_HDR := cmd/rumpfs/rumpfs.h cmd/common/fsimage.h
# The kernel an image tool embeds, and the components it forces in.
IMGTOOL_KLIBS := $(foreach l,rumpfs_ext2fs rumpfs_tmpfs rumpdev_disk \
	rumpdev rumpvfs rump,$(L)/lib$(l).a)
IMGTOOL_FORCE := $(foreach c,ext2fs tmpfs dev_disk dev vfs,\
	-Wl,-u,rump_component_link_$(c))
IMGTOOL_LINK := $(IMGTOOL_FORCE) -Wl,--start-group $(IMGTOOL_KLIBS) \
	$(L)/librumphost.a $(L)/librumpuser.a -Wl,--end-group $(LDLIBS_HOST)
IMGTOOL_DEPS := $(IMGTOOL_KLIBS) $(L)/librumphost.a $(L)/librumpuser.a

$(B)/bin/rumpfs: $(RUMPFS_SRC) $(RUMPFS_HDR) $(IMGTOOL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $(RUMPFS_SRC) $(IMGTOOL_LINK)

all: $(B)/bin/rumpfs
install: install-rumpfs
install-rumpfs: $(B)/bin/rumpfs
	mkdir -p $(DESTDIR)$(PREFIX)/bin
	cp $(B)/bin/rumpfs $(DESTDIR)$(PREFIX)/bin/ && \
		chmod 755 $(DESTDIR)$(PREFIX)/bin/rumpfs
.PHONY: install-rumpfs
