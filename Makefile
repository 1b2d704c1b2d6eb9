# Makefile -- builds every rumpkit library under build/ (or $(BUILD)), the
# tests and the demonstration.  `make` needs only a C compiler and binutils.
# Libraries are listed in mk/libs.mk; the rules that turn a list of sources
# into a namespace-closed kernel archive are in mk/rules.mk.
#
#   make                 build libraries, demo and tests
#   make check           run the invariant scripts and every test on both hosts
#   make SAN=asan check  the same with AddressSanitizer+UBSan (SAN=tsan: TSan)
#   make install PREFIX=dir
#   make bench           write docs/BENCHMARKS.md
#   make gen             regenerate generated sources from sys/*.list|master

CC ?= cc
BUILD ?= build
PREFIX ?= /usr/local
SAN ?=
WERROR ?=
PYTHON ?= python3
OBJCOPY ?= objcopy
NM ?= nm

B := $(BUILD)
OPT ?= -O2
WARN := -Wall -Wextra -Wno-unused-parameter $(if $(WERROR),-Werror)
SANFLAGS_asan := -fsanitize=address,undefined -fno-sanitize-recover=undefined
SANFLAGS_tsan := -fsanitize=thread
SANFLAGS := $(SANFLAGS_$(SAN))
# Under sanitizers the kernel allocators hand each allocation to the host.
SANDEFS := $(if $(SAN),-DKMEM_PASSTHROUGH=1)

COMMON_CFLAGS := -std=gnu11 $(OPT) -g -fPIC -fno-omit-frame-pointer $(WARN) $(SANFLAGS)
KERN_CFLAGS := $(COMMON_CFLAGS) -ffreestanding -nostdinc -fno-stack-protector \
	-fno-common -Ikern/include -Iinclude $(SANDEFS) $(CFLAGS)
HOST_CFLAGS := $(COMMON_CFLAGS) -D_GNU_SOURCE -Iinclude -Ilib/rumphost/gen $(CFLAGS)
LDLIBS_HOST := -lpthread

all: libs tests demo cmds

include mk/libs.mk
include mk/rules.mk
-include tests/tests.mk
-include bench/bench.mk
-include demo/demo.mk
-include cmd/cmd.mk
-include fuzz/fuzz.mk
-include bench/ext2/bench-ext2.mk

libs: $(ALL_LIBS)

gen:
	$(PYTHON) tools/gendefs.py .
	$(PYTHON) tools/gensyscalls.py .

check: all
	sh scripts/check-all.sh $(B)

install: libs cmds
	sh scripts/install.sh $(B) $(DESTDIR)$(PREFIX)

clean:
	rm -rf $(B)

.PHONY: all libs gen check install clean tests demo bench
