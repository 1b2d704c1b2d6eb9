/*
 * netinet/in_proto.h -- the Internet domain: its protocol switch (inetsw,
 * in_proto.c; TCP adds its entry there) and the functions its entries and
 * the netinet component share.  softnet_lock held unless said otherwise.
 */
#ifndef RUMPKERN_NETINET_IN_PROTO_H_
#define RUMPKERN_NETINET_IN_PROTO_H_
#include <sys/domain.h>
#include <sys/protosw.h>

struct mbuf;
struct ifnet;
struct inpcbtable;

extern struct domain inetdomain;

/* User requests of the protocols in inetsw. */
extern const struct pr_usrreqs udp_usrreqs;
extern const struct pr_usrreqs rip_usrreqs;
extern const struct pr_usrreqs icmp_sock_usrreqs;

/* Input and error hooks. */
void rip_input(struct mbuf *m, int off, int proto);
void udp_ctlinput(int cmd, const struct sockaddr *sa, void *ctl);
/* Echo replies for ping sockets (ip_icmp_sock.c). */
void icmp_echoreply_input(struct mbuf *m, int hlen, int icmplen);

/* Shared user requests: the PCB's addresses. */
int inet_sockaddr(struct socket *so, struct sockaddr *nam);
int inet_peeraddr(struct socket *so, struct sockaddr *nam);
/*
 * Interface ioctls on any Internet socket (pr_ioctl): SIOCAIFADDR,
 * SIOCDIFADDR, SIOC[GS]IFADDR, SIOCGIFNETMASK, SIOCGIFBRDADDR,
 * SIOC[GS]IFFLAGS, SIOC[GS]IFMTU, SIOCIFCREATE, SIOCIFDESTROY,
 * SIOCGIFINDEX, SIOCGIFCONF.  ENXIO for an unknown interface, ENOTTY for
 * an unknown request.
 */
int in_control(struct socket *so, unsigned long cmd, void *data,
	       struct ifnet *ifp);

/* PCB tables of the protocols here (TCP has its own). */
extern struct inpcbtable udbtable, ripcbtable, icmpsocktable;
int udp_init(void);
void udp_fini(void);
int rip_init(void);
void rip_fini(void);
int icmp_sock_init(void);
void icmp_sock_fini(void);
#endif
