# bench/bench.mk -- builds the benchmark programs and runs them (`make
# bench`), rewriting docs/BENCHMARKS.md.  Each program bench/<name>.c is
# built once per host library as $(B)/bench/<name>-<host>; bench/run.sh runs
# "<name>-pthread report pthread=... fiber=..." for each name in BENCH_PROGS,
# which prints that program's markdown section.  To add a section: add
# the name to BENCH_PROGS and, if it needs components, bench_<name>_LIBS.
# Not part of `make check`: no timing here can fail a build.

BENCH_PROGS := base vfs net_tcp
BENCH_HOSTS := pthread fiber
bench_hostlib_pthread := rumpuser
bench_hostlib_fiber := rumpuser_fiber
BENCH_OUT := docs/BENCHMARKS.md
BENCH_HARNESS := bench/harness.c
# Number of fresh processes for the boot figures (default 100, in base.c).
BENCH_BOOTS ?=
# Divides the sizes of the file system workloads (vfs.c) for trial runs.
BENCH_SCALE ?=

# vfs links the VFS faction and tmpfs, each forced in by the
# rump_component_link_* symbols its archive defines (read at link time, so
# the names live only in the components).  Until mk/libs.mk lists them,
# vfs builds without them and its section says the VFS is not linked.
BENCH_VFS_ARCHIVES := $(patsubst %,$(L)/lib%.a,\
	$(filter rumpvfs rumpfs_tmpfs,$(KERNLIBS)))
bench_vfs_LIBS = $(if $(BENCH_VFS_ARCHIVES),$$(nm -g --defined-only \
	$(BENCH_VFS_ARCHIVES) | awk '$$3 ~ /^rump_component_link_/ \
	{ printf " -Wl,-u,%s", $$3 }') $(BENCH_VFS_ARCHIVES))

# net_tcp (TCP over lo0) forces in every component the net archives
# define: the socket layer, the Internet protocols and TCP.
BENCH_NET_ARCHIVES := $(patsubst %,$(L)/lib%.a,\
	$(filter rumpnet rumpnet_netinet,$(KERNLIBS)))
bench_net_tcp_LIBS = $(if $(BENCH_NET_ARCHIVES),$$(nm -g --defined-only \
	$(BENCH_NET_ARCHIVES) | awk '$$3 ~ /^rump_component_link_/ \
	{ printf " -Wl,-u,%s", $$3 }') $(BENCH_NET_ARCHIVES))

BD := $(B)/bench

define bench_prog
$(BD)/$(1)-$(2): bench/$(1).c $(BENCH_HARNESS) bench/harness.h \
		$$(KERN_ARCHIVES) $(L)/librumphost.a \
		$(L)/lib$(bench_hostlib_$(2)).a
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) -Ibench -DBENCH_HOST='"$(2)"' -o $$@ \
		bench/$(1).c $(BENCH_HARNESS) $$(bench_$(1)_LIBS) \
		$$(call static_link,$(bench_hostlib_$(2)))
BENCH_BINS += $(BD)/$(1)-$(2)
endef

$(foreach p,$(BENCH_PROGS),$(foreach h,$(BENCH_HOSTS),\
	$(eval $(call bench_prog,$(p),$(h)))))
$(foreach h,$(BENCH_HOSTS),$(BD)/vfs-$(h)): $(BENCH_VFS_ARCHIVES)

# The command recorded in docs/BENCHMARKS.md: `make bench` plus whatever
# was set differently from the defaults.
BENCH_CMD := make bench$(if $(filter-out cc,$(CC)), CC=$(CC))$(if \
	$(filter-out -O2,$(OPT)), OPT='$(OPT)')$(if $(SAN), SAN=$(SAN))$(if \
	$(CFLAGS), CFLAGS='$(CFLAGS)')$(if $(BENCH_BOOTS), BENCH_BOOTS=$(BENCH_BOOTS))$(if \
	$(BENCH_SCALE), BENCH_SCALE=$(BENCH_SCALE))

bench-progs: $(BENCH_BINS)

bench: $(BENCH_BINS)
	BENCH_BOOTS="$(BENCH_BOOTS)" BENCH_SCALE="$(BENCH_SCALE)" CC="$(CC)" \
		sh bench/run.sh $(BD) $(BENCH_OUT) "$(BENCH_CMD)" \
		"$(BENCH_HOSTS)" $(BENCH_PROGS)

# The remote null call against a plain socket round trip (bench/remote.sh;
# writes bench/remote.results.md, which bench/run.sh keeps).
bench-remote: libs cmds
	BUILD=$(B) sh bench/remote.sh

.PHONY: bench bench-progs bench-remote
