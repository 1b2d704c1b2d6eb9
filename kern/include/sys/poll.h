/*
 * sys/poll.h -- poll and select inside the kernel, on kernel copies of
 * their arguments (the system call handlers copy in and out).  A timeout
 * is in nanoseconds: negative waits for ever, 0 only looks.  Waiting
 * releases the virtual CPU; there are no signals, so no EINTR.
 */
#ifndef RUMPKERN_SYS_POLL_H_
#define RUMPKERN_SYS_POLL_H_
#include <rump/rumpabi.h>
#include <sys/types.h>

/*
 * Sets revents of each of the nfds entries: POLLNVAL for a descriptor
 * that is not open, 0 for a negative one; POLLHUP and POLLERR whether
 * asked for or not.  *nreadyp: entries with revents.  EINVAL if nfds is
 * over the descriptor limit.
 */
int poll_kernel(struct rump_pollfd *fds, unsigned int nfds, int64_t timeout_ns,
		int *nreadyp);
/*
 * select on bit sets of howmany(nfds, 64) words each (NULL: none),
 * replaced by the descriptors that are ready; EBADF if a set names a
 * descriptor that is not open, EINVAL if nfds is negative or over
 * RUMP_FD_SETSIZE.  *nreadyp: the bits set; *leftp (if not NULL): the
 * time left of a positive timeout.
 */
int select_kernel(int nfds, uint64_t *in, uint64_t *ou, uint64_t *ex,
		  int64_t timeout_ns, int64_t *leftp, int *nreadyp);

int sel_init(void);
void sel_fini(void);
#endif
