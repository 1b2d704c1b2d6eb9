/*
 * sys_socket.c -- sockets as files of the kernel base's descriptor layer:
 * read and write are receive and send without addresses, ioctl answers
 * FIONREAD, FIONBIO and SIOCATMARK and passes the rest to the protocol,
 * poll is sopoll, stat describes an S_IFSOCK, close is soclose.  The
 * descriptor's O_NONBLOCK is read at each call.
 */
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/file.h>
#include <sys/proc.h>
#include <sys/systm.h>

#include "net_private.h"

static int soo_flags(struct file *fp)
{
	return (atomic_load_relaxed(&fp->f_flag) & O_NONBLOCK) ? MSG_NBIO : 0;
}

static int soo_read(struct file *fp, off_t *offp, struct uio *uio)
{
	int flags = soo_flags(fp);

	return soreceive(fp->f_data, NULL, uio, NULL, &flags, curlwp);
}

static int soo_write(struct file *fp, off_t *offp, struct uio *uio)
{
	return sosend(fp->f_data, NULL, uio, NULL, NULL, soo_flags(fp), curlwp);
}

static int soo_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	struct socket *so = fp->f_data;
	const struct pr_usrreqs *pru = so->so_proto->pr_usrreqs;
	int error = 0;

	mutex_enter(&softnet_lock);
	switch (cmd) {
	case FIONBIO:
		break; /* the caller updated f_flag */
	case FIONREAD:
		if (so->so_options & SO_ACCEPTCONN)
			error = EINVAL; /* Linux */
		else if (so->so_proto->pr_flags & PR_ATOMIC) {
			/* Datagrams: the size of the next one (Linux). */
			struct mbuf *m = so->so_rcv.sb_mb;
			int n = 0;

			for (; m != NULL; m = m->m_next)
				if (m->m_type == MT_DATA ||
				    m->m_type == MT_HEADER)
					n += m->m_len;
			*(int *)data = n;
		} else
			*(int *)data = (int)so->so_rcv.sb_cc;
		break;
	case SIOCATMARK:
		*(int *)data = (so->so_state & SS_RCVATMARK) != 0;
		break;
	default:
		error = pru->pr_ioctl != NULL
				? pru->pr_ioctl(so, cmd, data, NULL)
				: ENOTTY;
		break;
	}
	mutex_exit(&softnet_lock);
	return error;
}

static int soo_poll(struct file *fp, int events, struct lwp *l)
{
	return sopoll(fp->f_data, events, l);
}

static int soo_stat(struct file *fp, struct rump_stat *sb)
{
	struct socket *so = fp->f_data;

	memset(sb, 0, sizeof(*sb));
	mutex_enter(&softnet_lock);
	sb->st_mode = S_IFSOCK | 0777;
	sb->st_nlink = 1;
	sb->st_ino = so->so_gen;
	sb->st_blksize = 4096;
	sb->st_size = 0;
	sb->st_atim.tv_sec = sb->st_mtim.tv_sec = sb->st_ctim.tv_sec =
		sb->st_birthtim.tv_sec = so->so_ctime.tv_sec;
	sb->st_atim.tv_nsec = sb->st_mtim.tv_nsec = sb->st_ctim.tv_nsec =
		sb->st_birthtim.tv_nsec = so->so_ctime.tv_nsec;
	mutex_exit(&softnet_lock);
	sb->st_uid = fp->f_cred->cr_euid;
	sb->st_gid = fp->f_cred->cr_egid;
	return 0;
}

static int soo_close(struct file *fp)
{
	struct socket *so = fp->f_data;

	fp->f_data = NULL;
	return so != NULL ? soclose(so) : 0;
}

const struct fileops socketops = {
	.fo_name = "socket",
	.fo_read = soo_read,
	.fo_write = soo_write,
	.fo_ioctl = soo_ioctl,
	.fo_poll = soo_poll,
	.fo_stat = soo_stat,
	.fo_close = soo_close,
};

int fd_getsock(int fd, struct file **fpp, struct socket **sop)
{
	struct file *fp;
	int error;

	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	if (fp->f_type != FTYPE_SOCKET) {
		(void)file_rele(fp);
		return ENOTSOCK;
	}
	*fpp = fp;
	*sop = fp->f_data;
	return 0;
}
