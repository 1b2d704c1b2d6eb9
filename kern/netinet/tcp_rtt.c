/*
 * tcp_rtt.c -- the RFC 6298 retransmission timeout estimator and its
 * exponential backoff.  Pure arithmetic on struct tcp_rtt in
 * microseconds, so that tests drive it with chosen samples.
 */
#include <netinet/tcp_timer.h>
#include <sys/systm.h>

static void rtt_set_rto(struct tcp_rtt *r)
{
	uint64_t k = 4 * (uint64_t)r->rttvar_us;
	uint64_t rto = r->srtt_us + MAX(k, TCP_RTO_GRANULARITY_US);

	/* RFC 6298 2.4 and 2.5: clamp to [min, max]. */
	r->rto_us = (uint32_t)MIN(MAX(rto, TCP_RTO_MIN_US), TCP_RTO_MAX_US);
}

void tcp_rtt_init(struct tcp_rtt *r)
{
	r->srtt_us = 0;
	r->rttvar_us = 0;
	r->rto_us = TCP_RTO_INIT_US; /* RFC 6298 2.1 */
	r->have_sample = false;
}

void tcp_rtt_sample(struct tcp_rtt *r, uint32_t rtt_us)
{
	if (rtt_us == 0)
		rtt_us = 1;
	if (!r->have_sample) {
		/* RFC 6298 2.2 */
		r->srtt_us = rtt_us;
		r->rttvar_us = rtt_us / 2;
		r->have_sample = true;
	} else {
		/* RFC 6298 2.3, alpha = 1/8, beta = 1/4, RTTVAR first. */
		uint32_t delta = r->srtt_us > rtt_us ? r->srtt_us - rtt_us
						     : rtt_us - r->srtt_us;
		r->rttvar_us =
			(uint32_t)(((uint64_t)3 * r->rttvar_us + delta) / 4);
		r->srtt_us =
			(uint32_t)(((uint64_t)7 * r->srtt_us + rtt_us) / 8);
	}
	rtt_set_rto(r);
}

uint32_t tcp_rtt_backoff(const struct tcp_rtt *r, int shift)
{
	uint64_t rto = r->rto_us;

	/* RFC 6298 5.5: double per expiration, up to the maximum. */
	if (shift > 30)
		shift = 30;
	rto <<= shift;
	return (uint32_t)MIN(rto, TCP_RTO_MAX_US);
}

uint32_t tcp_persist_interval_ms(const struct tcp_rtt *r, int shift)
{
	uint32_t ms = tcp_rtt_backoff(r, shift) / 1000;

	return MIN(MAX(ms, TCP_PERSMIN_MS), TCP_PERSMAX_MS);
}
