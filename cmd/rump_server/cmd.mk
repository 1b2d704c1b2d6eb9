# rump_server links the kernel base and host; components are loaded with
# dlopen (every built one by default: the KERNLIBS of mk/libs.mk).
rump_server_LIBS := -lrump -lrumphost -lrumpuser -ldl
rump_server_CFLAGS = -DRUMP_SERVER_COMPONENTS='"$(filter-out rump,$(KERNLIBS))"'
