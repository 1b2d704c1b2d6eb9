/*
 * shmif_host.h -- what the shmif interface's kernel half (if_shmem.c,
 * shmif_bus.c) asks of its host glue (shmif_user_host.c): map a bus file
 * (creating and initializing it under a file lock if it is new), wait on
 * and wake a futex word inside the mapping across processes, and tell
 * whether the process holding the bus lock still lives.  The bus protocol
 * itself is kernel code.  Fixed-width types only; calls return 0 or a
 * kernel errno.
 */
#ifndef RUMPKERN_NET_SHMIF_HOST_H_
#define RUMPKERN_NET_SHMIF_HOST_H_
#include <stdint.h>

#if __STDC_HOSTED__
#define shmif_host_open rumpns_shmif_host_open
#define shmif_host_close rumpns_shmif_host_close
#define shmif_host_wait rumpns_shmif_host_wait
#define shmif_host_wake rumpns_shmif_host_wake
#define shmif_host_pid rumpns_shmif_host_pid
#define shmif_host_alive rumpns_shmif_host_alive
#define shmif_host_yield rumpns_shmif_host_yield
#define shmif_host_spin rumpns_shmif_host_spin
#define shmif_host_offload rumpns_shmif_host_offload
#endif

/* The longest bus file name the glue takes. */
#define SHMIF_HOST_PATHMAX 1023

struct shmif_host; /* the glue's, opaque to the kernel */

/*
 * Opens (creating if needed) the bus file path and maps it shared.  A new
 * or empty file gets a header with a ring of ringsize bytes; an existing
 * one must carry a valid header (EINVAL otherwise: wrong magic, version
 * or sizes, or a file shorter than its header says).  *busp is the
 * mapping's start (the struct shmif_bus_header).
 */
int shmif_host_open(const char *path, uint32_t ringsize,
		    struct shmif_host **shp, void **busp);
void shmif_host_close(struct shmif_host *sh);
/*
 * Sleeps while *word == val, at most timeout_ms, with the virtual CPU
 * released; any process's shmif_host_wake(word) ends it.  May return
 * early for no reason.
 */
void shmif_host_wait(uint32_t *word, uint32_t val, uint32_t timeout_ms);
void shmif_host_wake(uint32_t *word);
/* This process's id (nonzero), as the bus lock records it. */
uint32_t shmif_host_pid(void);
/* 0 if the process pid no longer exists, 1 if it does (or may). */
int shmif_host_alive(uint32_t pid);
/* Lets other host threads run (a waiter for the bus lock spins). */
void shmif_host_yield(void);
/*
 * Polls *word for at most ns nanoseconds, with the virtual CPU released,
 * until it differs from val or *stopp becomes nonzero: 1 if it did, 0
 * if the time ran out.
 */
int shmif_host_spin(const uint64_t *word, uint64_t val, const int *stopp,
		    uint32_t ns);
/*
 * Whether the interface does TCP segmentation and receive coalescing in
 * software: 1 unless the host environment has RUMP_SHMIF_OFFLOAD=0.
 */
int shmif_host_offload(void);
#endif
