# mk/rules.mk -- how a library is made.  Kernel sources compile freestanding
# and are combined with `ld -r` into one object whose every global symbol,
# except the public rump_* API and hypercalls, is renamed into rumpns_
# (scripts/namespace.sh).  Host-side objects join that object afterwards,
# and the result is the archive's single member, so one undefined
# reference (-Wl,-u,...) pulls a whole component in and archives of two
# host implementations never mix.

O := $(B)/obj
L := $(B)/lib
comma := ,

define kernlib
$(1)_KOBJ := $$(patsubst %.c,$(O)/$(1)/%.o,$$($(1)_KSRC))
$(1)_HOBJ := $$(patsubst %.c,$(O)/$(1)/%.o,$$($(1)_HSRC))
$$(filter $(O)/$(1)/%.o,$$($(1)_KOBJ)): $(O)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(KERN_CFLAGS) -MMD -MP -c -o $$@ $$<
$$(filter $(O)/$(1)/%.o,$$($(1)_HOBJ)): $(O)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) -MMD -MP -c -o $$@ $$<
$(O)/$(1).kern.o: $$($(1)_KOBJ) scripts/namespace.sh
	$$(LD) -r -o $(O)/$(1).raw.o $$($(1)_KOBJ)
	sh scripts/namespace.sh $(O)/$(1).raw.o $$@
$(O)/$(1).o: $(O)/$(1).kern.o $$($(1)_HOBJ)
	$$(LD) -r -o $$@ $$^
-include $$($(1)_KOBJ:.o=.d) $$($(1)_HOBJ:.o=.d)
endef

define hostlib
$(1)_OBJ := $$(patsubst %.c,$(O)/$(1)/%.o,$$($(1)_SRC))
$$($(1)_OBJ): $(O)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) -MMD -MP -c -o $$@ $$<
# <lib>_EXPORT: the only global symbols the library keeps (a glob); the
# rest (host-internal helpers) become local so they cannot clash with a
# program's own names, in static and shared links alike.
$(O)/$(1).o: $$($(1)_OBJ)
	$$(LD) -r -o $$@ $$^
	$$(if $$($(1)_EXPORT),$$(OBJCOPY) --wildcard $$(foreach g,$$($(1)_EXPORT),-G '$$(g)') $$@)
-include $$($(1)_OBJ:.o=.d)
endef

define anylib
$(L)/lib$(1).a: $(O)/$(1).o
	@mkdir -p $$(@D)
	rm -f $$@ && $$(AR) rcs $$@ $$<
$(L)/lib$(1).so: $(O)/$(1).o $$(patsubst -l%,$(L)/lib%.so,$$(filter-out -lpthread -ldl,$$($(1)_SOLIBS)))
	@mkdir -p $$(@D)
	$$(CC) -shared $$(SANFLAGS) -Wl,-soname,lib$(1).so -o $$@ $(O)/$(1).o -L$(L) $$($(1)_SOLIBS)
ALL_LIBS += $(L)/lib$(1).a $(L)/lib$(1).so
endef

$(foreach l,$(KERNLIBS),$(eval $(call kernlib,$(l))))
$(foreach l,$(HOSTLIBS),$(eval $(call hostlib,$(l))))
$(foreach l,$(KERNLIBS) $(HOSTLIBS),$(eval $(call anylib,$(l))))

# Link flags for programs in the tree: static archives, a chosen host.
KERN_ARCHIVES := $(foreach l,$(KERNLIBS),$(L)/lib$(l).a)
static_link = $(KERN_ARCHIVES) $(L)/librumphost.a $(L)/lib$(1).a $(LDLIBS_HOST)

# $(B)/libs.txt -- what make knows about the libraries and the build, one
# "key value" line each, for the scripts (install, invariant checks) so
# that none of them keeps its own list.  Rewritten on every make.
define nl


endef
libs_txt_lib = $(1).kind $(2)$(nl)$(1).ksrc $(strip $($(1)_KSRC))$(nl)$\
$(1).requires $(strip $($(1)_PC_REQUIRES))$(nl)$\
$(1).desc $(strip $($(1)_PC_DESC))$(nl)$\
$(1).force $(strip $($(1)_PC_FORCE))$(nl)$\
$(1).lib $(or $(strip $($(1)_PC_LIB)),$(1))$(nl)$\
$(1).private $(strip $(filter-out $(patsubst %,-l%,$(KERNLIBS) $(HOSTLIBS)),$($(1)_SOLIBS)))$(nl)
libs_txt = version $(VERSION)$(nl)cc $(CC)$(nl)san $(SAN)$(nl)$\
sanflags $(strip $(SANFLAGS))$(nl)kern_cflags $(strip $(KERN_CFLAGS))$(nl)$\
host_cflags $(strip $(HOST_CFLAGS))$(nl)ldlibs_host $(LDLIBS_HOST)$(nl)$\
objdir $(O)$(nl)libdir $(L)$(nl)headers $(strip $(PUBLIC_HEADERS))$(nl)$\
kernlibs $(strip $(KERNLIBS))$(nl)hostlibs $(strip $(HOSTLIBS))$(nl)$\
pcmodules $(strip $(PCMODULES))$(nl)$\
$(foreach l,$(KERNLIBS),$(call libs_txt_lib,$(l),kern))$\
$(foreach l,$(HOSTLIBS),$(call libs_txt_lib,$(l),host))$\
$(foreach l,$(PCMODULES),$(call libs_txt_lib,$(l),module))

libs: $(B)/libs.txt
$(B)/libs.txt: FORCE
	@$(shell mkdir -p $(@D))$(file >$@,$(subst $(nl) ,$(nl),$(libs_txt))):
FORCE:
.PHONY: FORCE
