# tests/hijack/hijack.mk -- the hijack tests' helpers, included by
# tests/tests.mk: hj_mount (a librumpclient program that mounts, unmounts
# and halts the server's kernel), hj_probe and hj_calls (ordinary programs,
# built without sanitizers, that the tests run under librumphijack.so).  The
# t_hijack_* programs themselves are ordinary test programs that run the
# scripts of this folder.
HJ_DIR := $(B)/tests/hijack
$(HJ_DIR)/hj_mount: tests/hijack/hj_mount.c $(L)/librumpclient.so \
		$(L)/librumphost.so
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $< -L$(L) \
		-Wl,--disable-new-dtags,-rpath,'$$ORIGIN/../../lib' \
		-lrumpclient -lrumphost $(LDLIBS_HOST)
$(HJ_DIR)/hj_probe: tests/hijack/hj_probe.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(OPT) -g $(WARN) -o $@ $< -lpthread
$(HJ_DIR)/hj_calls: tests/hijack/hj_calls.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(OPT) -g $(WARN) -o $@ $<
tests: $(HJ_DIR)/hj_mount $(HJ_DIR)/hj_probe $(HJ_DIR)/hj_calls $(L)/librumphijack.so
