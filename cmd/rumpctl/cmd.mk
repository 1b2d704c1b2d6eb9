# rumpctl talks to a rump_server through librumpclient; its shmifdump
# subcommand links the dump's object of librumpnet_shmif (no kernel).
rumpctl_LIBS = -lrumpclient -lrumphost \
	$(O)/rumpnet_shmif/kern/net/shmif/shmif_dump_host.o
