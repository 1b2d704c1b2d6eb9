/*
 * if_ioctl.c -- the interface ioctls that do not depend on an address
 * family (flags, MTU, index, creating and destroying clones), on the
 * kernel ABI's struct rump_ifreq.  Protocols' pr_ioctl call ifioctl_common
 * for what they do not handle themselves.  softnet_lock held.
 */
#include <net/if.h>
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

/* The interface an ifreq names; NULL if none (or a bad name). */
struct ifnet *ifreq_ifp(const char *name)
{
	if (strnlen(name, IFNAMSIZ) == IFNAMSIZ)
		return NULL;
	return if_byname(name);
}

int ifioctl_common(unsigned long cmd, void *data)
{
	struct rump_ifreq *ifr = data;
	struct ifnet *ifp;
	char name[IFNAMSIZ];

	KASSERT(mutex_owned(&softnet_lock));
	switch (cmd) {
	case SIOCIFCREATE:
	case SIOCIFDESTROY:
		if (strnlen(ifr->ifr_name, IFNAMSIZ) == IFNAMSIZ)
			return EINVAL;
		strlcpy(name, ifr->ifr_name, sizeof(name));
		return cmd == SIOCIFCREATE ? if_clone_create(name)
					   : if_clone_destroy(name);
	case SIOCSLINKSTR: {
		struct rump_iflinkstr *ifl = data;

		if (strnlen(ifl->ifl_str, sizeof(ifl->ifl_str)) ==
		    sizeof(ifl->ifl_str))
			return EINVAL;
		if ((ifp = ifreq_ifp(ifl->ifl_name)) == NULL)
			return ENXIO;
		return if_setlinkstr(ifp, ifl->ifl_str);
	}
	case SIOCGIFFLAGS:
	case SIOCSIFFLAGS:
	case SIOCGIFMTU:
	case SIOCSIFMTU:
	case SIOCGIFINDEX:
		break;
	default:
		return ENOTTY;
	}
	ifp = ifreq_ifp(ifr->ifr_name);
	if (ifp == NULL)
		return ENXIO;
	switch (cmd) {
	case SIOCGIFFLAGS:
		ifr->ifr_flags = (int16_t)ifp->if_flags;
		return 0;
	case SIOCSIFFLAGS:
		return if_setflags(ifp, (uint16_t)ifr->ifr_flags);
	case SIOCGIFMTU:
		ifr->ifr_mtu = (int32_t)ifp->if_mtu;
		return 0;
	case SIOCSIFMTU:
		if (ifr->ifr_mtu < 0)
			return EINVAL;
		return if_setmtu(ifp, (uint32_t)ifr->ifr_mtu);
	case SIOCGIFINDEX:
		ifr->ifr_index = (int32_t)ifp->if_index;
		return 0;
	}
	return ENOTTY;
}
