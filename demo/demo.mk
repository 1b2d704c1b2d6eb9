# demo/demo.mk -- the demonstration program, $(B)/demo/rumpdemo (pthread
# host) and $(B)/demo/rumpdemo-fiber (cooperative host), linked statically
# like the tests.  `make demo` builds and runs it; `make` (which depends on
# `demo`) only builds it; `make demo-fiber` runs the fiber-host build.

DEMO_SRC := demo/rumpdemo.c
DEMO_BIN := $(B)/demo/rumpdemo
DEMO_FIBER_BIN := $(B)/demo/rumpdemo-fiber
DEMO_DEPS := $(DEMO_SRC) $(KERN_ARCHIVES) $(L)/librumphost.a

$(DEMO_BIN): $(DEMO_DEPS) $(L)/librumpuser.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -DDEMO_HOST='"pthreads"' -o $@ $(DEMO_SRC) \
		$(call static_link,rumpuser)

$(DEMO_FIBER_BIN): $(DEMO_DEPS) $(L)/librumpuser_fiber.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -DDEMO_HOST='"fibers"' -o $@ $(DEMO_SRC) \
		$(call static_link,rumpuser_fiber)

# Run only when asked for by name, so that `make` and `make check` do not.
demo: $(DEMO_BIN) $(DEMO_FIBER_BIN) $(if $(filter demo,$(MAKECMDGOALS)),demo-run)

demo-run: $(DEMO_BIN)
	$(DEMO_BIN)

demo-fiber: $(DEMO_FIBER_BIN)
	$(DEMO_FIBER_BIN)

.PHONY: demo demo-run demo-fiber
