# cmd/cmd.mk -- the programs.  Every cmd/<name>/ with C sources becomes
# $(B)/bin/<name>, linked against the shared libraries of $(L) with the
# run path $ORIGIN/../lib, so the same binary runs from build/bin and,
# after make install, from PREFIX/bin.  cmd/<name>/cmd.mk may set
# <name>_LIBS (default: -lrumpclient -lrumphost) and <name>_CFLAGS.
# A program with its own rules in cmd/<name>/<name>.mk (the image tools,
# which embed a kernel; the top Makefile includes those) and cmd/common
# (sources shared by programs, no program of its own) are left out.

CMD_DIRS := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard cmd/*/*.c)))))
CMDS := $(filter-out common,$(foreach d,$(CMD_DIRS),\
	$(if $(wildcard cmd/$(d)/$(d).mk),,$(d))))
-include $(wildcard cmd/*/cmd.mk)

define cmdprog
$(B)/bin/$(1): $(wildcard cmd/$(1)/*.c cmd/$(1)/*.h) $(ALL_LIBS)
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) $$($(1)_CFLAGS) -o $$@ $(wildcard cmd/$(1)/*.c) \
		-L$(L) -Wl,--disable-new-dtags,-rpath,'$$$$ORIGIN/../lib' \
		$$(or $$($(1)_LIBS),-lrumpclient -lrumphost) $(LDLIBS_HOST)
CMD_BINS += $(B)/bin/$(1)
endef
$(foreach c,$(CMDS),$(eval $(call cmdprog,$(c))))

cmds: $(CMD_BINS)
.PHONY: cmds
