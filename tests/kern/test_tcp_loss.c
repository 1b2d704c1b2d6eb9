/*
 * test_tcp_loss.c -- a lossy path for TCP over lo0: while enabled, every
 * segment TCP sends passes through a filter (tcp_capture_hook) that drops,
 * duplicates or delays it behind the next one, from a seeded generator,
 * before handing it to ip_output.  Host tests run transfers through it
 * and read TCP's counters to see that recovery really ran.
 */
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>

#include "tcptest.h"
#include "testkern.h"

static struct {
	uint32_t state;
	int drop_pm, dup_pm, reorder_pm;
	struct mbuf *held;
	uint64_t dropped, duplicated, reordered;
} loss;

static void loss_hook(struct mbuf *m)
{
	if ((int)(trand(&loss.state) % 1000) < loss.drop_pm) {
		loss.dropped++;
		m_freem(m);
		return;
	}
	if ((int)(trand(&loss.state) % 1000) < loss.dup_pm) {
		struct mbuf *c = m_dup(m, 0, M_COPYALL, M_NOWAIT);
		if (c != NULL) {
			loss.duplicated++;
			(void)ip_output(c, NULL, 0, NULL);
		}
	}
	if (loss.held == NULL &&
	    (int)(trand(&loss.state) % 1000) < loss.reorder_pm) {
		loss.reordered++;
		loss.held = m;
		return;
	}
	(void)ip_output(m, NULL, 0, NULL);
	if (loss.held != NULL) {
		m = loss.held;
		loss.held = NULL;
		(void)ip_output(m, NULL, 0, NULL);
	}
}

int rump_test_tcp_loss(int drop_pm, int dup_pm, int reorder_pm, uint32_t seed)
{
	rump_schedule();
	mutex_enter(&softnet_lock);
	if (drop_pm < 0) {
		tcp_capture_hook = NULL;
		if (loss.held != NULL)
			(void)ip_output(loss.held, NULL, 0, NULL);
		loss.held = NULL;
	} else {
		memset(&loss, 0, sizeof(loss));
		loss.state = seed;
		loss.drop_pm = drop_pm;
		loss.dup_pm = dup_pm;
		loss.reorder_pm = reorder_pm;
		tcp_capture_hook = loss_hook;
	}
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return 0;
}

int rump_test_tcp_counters(struct rump_tcp_counters *c)
{
	rump_schedule();
	mutex_enter(&softnet_lock);
	c->dropped = loss.dropped;
	c->duplicated = loss.duplicated;
	c->reordered = loss.reordered;
	c->sndrexmitbyte = tcpstat.tcps_sndrexmitbyte;
	c->rexmttimeo = tcpstat.tcps_rexmttimeo;
	c->fastrexmit = tcpstat.tcps_fastrexmit;
	c->sack_rexmits = tcpstat.tcps_sack_rexmits;
	c->rcvoopack = tcpstat.tcps_rcvoopack;
	c->rcvduppack = tcpstat.tcps_rcvduppack;
	c->tcpcbs = (uint64_t)tcp_live_tcpcbs();
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return 0;
}
