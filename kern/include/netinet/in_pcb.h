/*
 * netinet/in_pcb.h -- Internet protocol control blocks, shared by UDP,
 * raw IP and TCP.  A PCB holds a socket's local and foreign address and
 * port, its cached route and IP options; a table per protocol keeps them
 * on a list and in two hashes (by local port; by the connection's four
 * tuple) so that input finds the PCB of a packet quickly.  Everything runs
 * under softnet_lock.
 *
 * Binding follows Linux, which programs on the host expect: two sockets
 * may not share a local port with overlapping addresses (equal, or either
 * the wildcard) unless both set SO_REUSEPORT, or both set SO_REUSEADDR
 * and the one already there is not listening; a PCB in TIME_WAIT gives
 * way to a socket with SO_REUSEADDR.
 */
#ifndef RUMPKERN_NETINET_IN_PCB_H_
#define RUMPKERN_NETINET_IN_PCB_H_
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/queue.h>

struct socket;
struct lwp;
struct mbuf;
struct ip_moptions;
struct inpcbtable;
struct ifnet;

struct inpcb {
	struct list_node inp_list;  /* every PCB of the table */
	struct list_node inp_lhash; /* by local port */
	struct list_node inp_chash; /* by four tuple, when connected */
	struct inpcbtable *inp_table;
	struct socket *inp_socket; /* NULL for a TCP PCB in TIME_WAIT */
	void *inp_ppcb;		   /* the protocol's block (tcpcb) */
	struct in_addr inp_laddr;  /* network byte order; 0: wildcard */
	struct in_addr inp_faddr;  /* 0: not connected */
	in_port_t inp_lport;	   /* network byte order; 0: unbound */
	in_port_t inp_fport;
	int inp_flags;
	int inp_state;		/* INP_* state below */
	struct route inp_route; /* cached route to the foreign address */
	struct ip inp_ip;	/* header template: ip_ttl, ip_tos, ip_p */
	struct ip_moptions *inp_moptions;
	int inp_errormtu; /* last PMTU reported by ICMP */
};

/* inp_flags */
#define INP_RECVDSTADDR 0x0001 /* IP_RECVDSTADDR */
#define INP_HDRINCL 0x0002     /* raw: the user supplies the header */
#define INP_TIMEWAIT 0x0004    /* TCP: in TIME_WAIT (see the bind rules) */
#define INP_RECVTTL 0x0008
#define INP_ANONPORT 0x0010  /* the port was picked by the kernel */
#define INP_BOUNDADDR 0x0020 /* bind gave a specific local address */

/* inp_state */
#define INP_ATTACHED 0
#define INP_BOUND 1
#define INP_CONNECTED 2

struct inpcbtable {
	struct list_head inpt_queue;  /* every PCB */
	struct list_head *inpt_lhash; /* by local port */
	struct list_head *inpt_chash; /* by four tuple */
	uint32_t inpt_lmask, inpt_cmask;
	in_port_t inpt_lastport; /* host order: the last ephemeral port */
	int inpt_count;
	uint32_t inpt_secret;	    /* keys the hashes */
	struct list_node inpt_node; /* on the list of every table */
};

/* A table of PCBs for one protocol; ENOMEM. */
int in_pcbinit(struct inpcbtable *table, int hashsize);
void in_pcbfini(struct inpcbtable *table); /* must be empty */
/* A new PCB for so (so->so_pcb points at it); ENOBUFS. */
int in_pcballoc(struct socket *so, struct inpcbtable *table);
/*
 * Binds to sin's address and port; sin NULL or port 0 picks an ephemeral
 * port.  EINVAL if already bound or the family is wrong, EADDRNOTAVAIL
 * for an address not ours (multicast and broadcast allowed), EADDRINUSE by
 * the rules above, EAGAIN when no ephemeral port is free.
 */
int in_pcbbind(struct inpcb *inp, const struct sockaddr_in *sin, struct lwp *l);
/*
 * Connects to sin: picks a source address from the route (or the
 * multicast interface) if the PCB has none, binds an ephemeral port if
 * unbound.  EAFNOSUPPORT, EADDRNOTAVAIL for port 0, ENETUNREACH without a
 * route, EADDRINUSE if the four tuple exists, EISCONN.  INADDR_ANY as
 * destination means our primary address (BSD; Linux: loopback).
 */
int in_pcbconnect(struct inpcb *inp, const struct sockaddr_in *sin,
		  struct lwp *l);
/*
 * Checks the bind rules again for inp's bound address and port: TCP's
 * listen calls it, since a listener may not share a port that a bind
 * with SO_REUSEADDR shared.  0 or EADDRINUSE.
 */
int in_pcbcheckbind(struct inpcb *inp);
/* The source address in_pcbconnect would pick for dst; 0 or an errno. */
int in_pcbsrcaddr(struct inpcb *inp, struct in_addr dst, struct in_addr *srcp);
/* Back to unconnected (the local port stays; the address too if bound). */
void in_pcbdisconnect(struct inpcb *inp);
/* Unhashes and frees the PCB; so->so_pcb becomes NULL. */
void in_pcbdetach(struct inpcb *inp);
/*
 * User requests the datagram protocols share (in_dgram.c): shutdown does
 * nothing more; sendmbuf frees control and makes an empty datagram of a
 * NULL *mp (0 or ENOBUFS); disconnect dissolves an inp_state-connected
 * socket's association (0 or ENOTCONN).
 */
int in_dgram_shutdown(struct socket *so, int how);
int in_dgram_sendmbuf(struct mbuf **mp, struct mbuf *control);
int in_dgram_disconnect(struct socket *so);
/* The PCB connected with exactly this four tuple, or NULL. */
struct inpcb *in_pcblookup_connect(struct inpcbtable *table,
				   struct in_addr faddr, in_port_t fport,
				   struct in_addr laddr, in_port_t lport);
/*
 * The bound, unconnected PCB best matching laddr:lport (an exact address
 * before the wildcard); NULL if none.
 */
struct inpcb *in_pcblookup_bind(struct inpcbtable *table, struct in_addr laddr,
				in_port_t lport);
/* Both in turn: what an incoming segment or datagram belongs to. */
struct inpcb *in_pcblookup(struct inpcbtable *table, struct in_addr faddr,
			   in_port_t fport, struct in_addr laddr,
			   in_port_t lport);
/*
 * Calls fn(inp, arg) for every PCB connected to faddr (and to fport and
 * from lport when non-zero): ICMP errors reach their sockets this way.
 */
void in_pcbnotify(struct inpcbtable *table, struct in_addr faddr,
		  in_port_t fport, struct in_addr laddr, in_port_t lport,
		  void (*fn)(struct inpcb *inp, void *arg), void *arg);
/* Drops every cached route (the table changed under a forwarding host). */
void in_pcbrtchange(struct inpcbtable *table);
/* The PCB's local and foreign socket addresses. */
void in_setsockaddr(const struct inpcb *inp, struct sockaddr_in *sin);
void in_setpeeraddr(const struct inpcb *inp, struct sockaddr_in *sin);
/* The route for the foreign address, through the PCB's cache. */
struct rtentry *in_pcbrtentry(struct inpcb *inp);
/*
 * ifp is going away: every PCB of every table forgets its cached route
 * and its multicast interface if they point at ifp.
 */
void in_pcbpurgeif(struct ifnet *ifp);
/* Calls fn for every PCB of the table (the sysctl dump); stops on != 0. */
int in_pcbwalk(struct inpcbtable *table,
	       int (*fn)(struct inpcb *inp, void *arg), void *arg);

#define sotoinpcb(so) ((struct inpcb *)(so)->so_pcb)
#endif
