/*
 * route_sock.h -- what the files of the routing socket share: delivery
 * of messages to the open routing sockets (route_sock.c), building
 * messages (route_msg.c) and carrying out what a process writes
 * (route_req.c).  Messages are <rump/rtsock.h>'s; docs/routesock.md is
 * the contract.  Everything runs with softnet_lock held.
 */
#ifndef RUMPKERN_NET_ROUTE_SOCK_H_
#define RUMPKERN_NET_ROUTE_SOCK_H_
#include <net/if.h>
#include <net/route.h>
#include <rump/rtsock.h>
#include <sys/socketvar.h>

/* The largest message the kernel builds (a route with every address). */
#define RTSOCK_MSGMAX 256

/*
 * The request being carried out, while a process's write runs: table
 * changes it causes reach the other sockets with its pid and sequence
 * number, and its own socket gets the answer instead of the change.
 */
struct rtsock_origin {
	struct socket *ro_so; /* NULL: the change is not a request's */
	int32_t ro_pid;
	int32_t ro_seq;
};
extern struct rtsock_origin rtsock_origin;

/* Is any routing socket open?  (Nothing to build when none is.) */
bool rtsock_any(void);
/*
 * Queues a copy of msg on so's receive buffer; when it does not fit (or
 * memory is short) the message is dropped, counted, and the socket's
 * next receive or send fails once with ENOBUFS.
 */
void rtsock_deliver(struct socket *so, const void *msg, size_t len);
/* To every routing socket but skip (NULL: every one). */
void rtsock_broadcast(const void *msg, size_t len, struct socket *skip);
/* A change notification: to everyone but the origin's socket. */
void rtsock_notify(void *msg, size_t len);

/* Builds the message of type about rt into buf; its length. */
size_t rt_msg_build_route(void *buf, int type, const struct rtentry *rt);
/* Fills sdl with ifp's index, type, name and link address; its length. */
size_t rt_msg_sdl(struct rump_sockaddr_dl *sdl, const struct ifnet *ifp);

/*
 * Carries out the request msg (len bytes, 8-byte aligned, written over
 * for the answer) written on so and answers on so; 0 or the errno the
 * write returns.
 */
int rtsock_request(struct socket *so, void *msg, size_t len);
#endif
