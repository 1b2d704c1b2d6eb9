/*
 * test_inet_tif.h -- a capturing Ethernet test interface for the kernel
 * tests: frames the stack sends are kept on a list (instead of a wire),
 * frames a test builds are fed to the stack as received.
 */
#ifndef TEST_INET_TIF_H_
#define TEST_INET_TIF_H_
#include <net/if.h>
#include <net/if_ether.h>
#include <sys/mbuf.h>

struct tif {
	struct ifnet tif_if;
	struct mbuf *tif_sent, **tif_senttail; /* through m_nextpkt */
	int tif_nsent;
};

/* A new tifN with link address 02:00:00:00:00:N+1, attached, down. */
struct tif *tif_create(int unit);
void tif_destroy(struct tif *t);
/* The oldest frame sent, taken off the list, or NULL. */
struct mbuf *tif_take(struct tif *t);
void tif_flush(struct tif *t);
/* A received frame of len bytes at buf from src (a link address). */
void tif_receive(struct tif *t, const void *buf, int len);
/* Waits until the network soft interrupt has processed what is queued. */
void tif_settle(void);
#endif
