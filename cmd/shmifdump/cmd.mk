# shmifdump needs no kernel: it links only the object of librumpnet_shmif
# that holds rump_pub_shmif_dump (host code, built with the library).
shmifdump_LIBS = $(O)/rumpnet_shmif/kern/net/shmif/shmif_dump_host.o
