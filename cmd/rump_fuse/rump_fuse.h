/*
 * rump_fuse.h -- the FUSE bridge (docs/rump_fuse.md): the operations
 * table that serves the image mounted in the embedded rump kernel to the
 * host through libfuse3's path-based API, and what main.c tells it.
 */
#ifndef RUMPKIT_CMD_RUMP_FUSE_H_
#define RUMPKIT_CMD_RUMP_FUSE_H_
#define FUSE_USE_VERSION 312
#include <fuse.h>
#include <fuse_lowlevel.h>

/* The operations (ops.c). */
extern const struct fuse_operations rfuse_ops;

/* Close every descriptor the bridge still holds in the kernel (files
 * the host left open at unmount), so the image can be unmounted. */
void rfuse_close_all(void);

#endif
