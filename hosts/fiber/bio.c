/*
 * bio.c -- block I/O is synchronous on this host: rumpuser_bio() does the
 * transfer at once in the calling fiber, through the common host's file
 * calls, and calls biodone, without the virtual CPU, before it returns.
 * Host I/O blocks the one host thread, so every fiber waits for the disk.
 */
#include "fiber.h"

void rumpuser_bio(int fd, int op, void *data, size_t len, int64_t offset,
		  rump_biodone_fn biodone, void *donearg)
{
	struct rumpuser_iovec iov = {data, len};
	size_t done = 0;
	int error = 0;

	if (rumpuser_fault_check(RUMPUSER_FAULT_BIO))
		error = RUMP_EIO;
	else if (op & RUMPUSER_BIO_READ)
		error = rumpuser_iovread(fd, &iov, 1, offset, &done);
	else if (op & RUMPUSER_BIO_WRITE)
		error = rumpuser__bio_write(fd, data, len, offset, &done);
	else if (len > 0)
		error = RUMP_EINVAL;
	if (error == 0 && (op & RUMPUSER_BIO_SYNC))
		error = rumpuser__bio_sync(fd); /* hosts/shim/powercut.c */
	RUMPUSER_BLOCKING(biodone(donearg, done, error));
}
