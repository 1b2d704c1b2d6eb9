/*
 * test_tcp_pure.c -- deterministic tests of TCP's pure parts: sequence
 * arithmetic across the wrap, option parsing and building (including
 * malformed and random option bytes), the RFC 6298 estimator and its
 * backoff, NewReno fast retransmit and recovery driven by duplicate and
 * partial ACKs, and the RFC 6675 SACK scoreboard queries.
 */
#include <netinet/tcp_var.h>

#include "tcptest.h"
#include "testkern.h"

static int tcp_seq_body(void)
{
	int start = test_failures;
	tcp_seq a = 0xfffffff0u, b = 0x10;

	TCHECK(SEQ_LT(a, b));
	TCHECK(SEQ_LEQ(a, b));
	TCHECK(SEQ_GT(b, a));
	TCHECK(SEQ_GEQ(b, a));
	TCHECK(!SEQ_LT(b, a));
	TCHECK(SEQ_LEQ(a, a) && SEQ_GEQ(a, a) && !SEQ_LT(a, a));
	TCHECK(SEQ_SUB(b, a) == 0x20);
	TCHECK(SEQ_MAX(a, b) == b && SEQ_MIN(a, b) == a);
	TCHECK(SEQ_INRANGE(0, a, b) && !SEQ_INRANGE(b, a, b));
	/* Half the space away flips the order: 2^31 - 1 is still ahead. */
	TCHECK(SEQ_LT(5u, 5u + 0x7fffffffu));
	TCHECK(SEQ_GT(5u, 5u + 0x80000001u));
	return TRESULT(start);
}

static bool opts_equal(const struct tcp_opt *a, const struct tcp_opt *b)
{
	if (a->to_flags != b->to_flags)
		return false;
	if ((a->to_flags & TOF_MSS) && a->to_mss != b->to_mss)
		return false;
	if ((a->to_flags & TOF_SCALE) && a->to_wscale != b->to_wscale)
		return false;
	if ((a->to_flags & TOF_TS) &&
	    (a->to_tsval != b->to_tsval || a->to_tsecr != b->to_tsecr))
		return false;
	if (a->to_flags & TOF_SACK) {
		if (a->to_nsacks != b->to_nsacks)
			return false;
		for (int i = 0; i < a->to_nsacks; i++)
			if (a->to_sacks[i].start != b->to_sacks[i].start ||
			    a->to_sacks[i].end != b->to_sacks[i].end)
				return false;
	}
	return true;
}

static int tcp_options_body(void)
{
	int start = test_failures;
	uint8_t buf[TCP_MAXOLEN];
	struct tcp_opt in, out;
	int n;

	/* A SYN's options round-trip. */
	memset(&in, 0, sizeof(in));
	in.to_flags = TOF_MSS | TOF_SCALE | TOF_SACKPERM | TOF_TS;
	in.to_mss = 1460;
	in.to_wscale = 7;
	in.to_tsval = 0xdeadbeef;
	in.to_tsecr = 0x01020304;
	n = tcp_options_build(buf, sizeof(buf), &in);
	TCHECK(n == 24 && n % 4 == 0);
	TCHECK(tcp_options_parse(buf, n, 1, &out) == 0);
	TCHECK(opts_equal(&in, &out));
	/* On a non-SYN only the timestamps count. */
	TCHECK(tcp_options_parse(buf, n, 0, &out) == 0);
	TCHECK(out.to_flags == TOF_TS && out.to_tsval == 0xdeadbeef);

	/* SACK blocks with timestamps: only three fit in 40 bytes. */
	memset(&in, 0, sizeof(in));
	in.to_flags = TOF_TS | TOF_SACK;
	in.to_nsacks = 4;
	for (int i = 0; i < 4; i++) {
		in.to_sacks[i].start = 0xfffff000u + (uint32_t)i * 3000;
		in.to_sacks[i].end = in.to_sacks[i].start + 1000;
	}
	n = tcp_options_build(buf, sizeof(buf), &in);
	TCHECK(n == 12 + 4 + 3 * 8);
	TCHECK(tcp_options_parse(buf, n, 0, &out) == 0);
	in.to_nsacks = 3;
	TCHECK(opts_equal(&in, &out));
	/* A SACK option on a SYN is ignored. */
	TCHECK(tcp_options_parse(buf, n, 1, &out) == 0);
	TCHECK(out.to_flags == TOF_TS);

	/* Window scale above 14 is taken as 14 (RFC 7323 2.3). */
	{
		uint8_t ws[] = {TCPOPT_WINDOW, 3, 30, TCPOPT_NOP};
		TCHECK(tcp_options_parse(ws, 4, 1, &out) == 0);
		TCHECK(out.to_flags == TOF_SCALE && out.to_wscale == 14);
	}
	/* A known kind with a wrong length is skipped, not trusted. */
	{
		uint8_t bad[] = {TCPOPT_MAXSEG, 3, 5, TCPOPT_NOP};
		TCHECK(tcp_options_parse(bad, 4, 1, &out) == 0);
		TCHECK(out.to_flags == 0);
	}
	/* An unknown kind is skipped by its length. */
	{
		uint8_t unk[] = {99, 4, 1, 2, TCPOPT_MAXSEG, 4, 0x05, 0xb4};
		TCHECK(tcp_options_parse(unk, 8, 1, &out) == 0);
		TCHECK(out.to_flags == TOF_MSS && out.to_mss == 1460);
	}
	/* Inverted SACK blocks carry nothing. */
	{
		uint8_t sk[] = {TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, 10, 0, 0,
				0,	    9,		0,	     0,	 0, 1};
		TCHECK(tcp_options_parse(sk, 12, 0, &out) == 0);
		TCHECK(out.to_flags == 0 && out.to_nsacks == 0);
	}
	/* Malformed lists are rejected. */
	{
		uint8_t zero[] = {TCPOPT_MAXSEG, 0, 0, 0};
		uint8_t one[] = {TCPOPT_TIMESTAMP, 1, 0, 0};
		uint8_t past[] = {TCPOPT_NOP, TCPOPT_TIMESTAMP, 10, 0};
		uint8_t cut[] = {TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP,
				 TCPOPT_MAXSEG};
		TCHECK(tcp_options_parse(zero, 4, 1, &out) == EINVAL);
		TCHECK(tcp_options_parse(one, 4, 1, &out) == EINVAL);
		TCHECK(tcp_options_parse(past, 4, 1, &out) == EINVAL);
		TCHECK(tcp_options_parse(cut, 4, 1, &out) == EINVAL);
		TCHECK(tcp_options_parse(cut, 41, 1, &out) == EINVAL);
	}
	/* EOL ends the list even if bytes follow. */
	{
		uint8_t eol[] = {TCPOPT_EOL, 0xff, 0xff, 0xff};
		TCHECK(tcp_options_parse(eol, 4, 1, &out) == 0);
		TCHECK(out.to_flags == 0);
	}
	return TRESULT(start);
}

static int tcp_options_fuzz_body(uint32_t seed, int rounds)
{
	int start = test_failures;
	uint32_t state = seed;

	for (int r = 0; r < rounds; r++) {
		uint8_t buf[TCP_MAXOLEN];
		struct tcp_opt out;
		int len = (int)(trand(&state) % (TCP_MAXOLEN + 1));
		int err;

		for (int i = 0; i < len; i++) {
			uint32_t x = trand(&state);
			/* Bias towards real kinds and small lengths. */
			buf[i] = (uint8_t)(x % 4 == 0 ? x >> 8 : (x >> 8) % 12);
		}
		err = tcp_options_parse(buf, len, (int)(r & 1), &out);
		TCHECK(err == 0 || err == EINVAL);
		TCHECK(out.to_nsacks <= TCP_MAX_SACK);
		TCHECK(out.to_wscale <= TCP_MAX_WINSHIFT);
		if (test_failures != start)
			break;
	}
	return TRESULT(start);
}

static int tcp_rtt_body(void)
{
	int start = test_failures;
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	TCHECK(r.rto_us == 1000000 && !r.have_sample);
	/* Initial RTO backs off 1, 2, 4, ... 32, then 60 s (the cap). */
	for (int s = 0; s <= 5; s++)
		TCHECK(tcp_rtt_backoff(&r, s) == 1000000u << s);
	TCHECK(tcp_rtt_backoff(&r, 6) == 60000000u);
	TCHECK(tcp_rtt_backoff(&r, 12) == 60000000u);
	TCHECK(tcp_rtt_backoff(&r, 100) == 60000000u);

	/* First sample: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR. */
	tcp_rtt_sample(&r, 100000);
	TCHECK(r.srtt_us == 100000 && r.rttvar_us == 50000);
	TCHECK(r.rto_us == 300000);
	/* An equal sample: RTTVAR shrinks by 1/4. */
	tcp_rtt_sample(&r, 100000);
	TCHECK(r.srtt_us == 100000 && r.rttvar_us == 37500);
	TCHECK(r.rto_us == 250000);
	/* A slower one: RTTVAR from the old SRTT, then SRTT moves 1/8. */
	tcp_rtt_sample(&r, 300000);
	TCHECK(r.rttvar_us == (3 * 37500 + 200000) / 4);
	TCHECK(r.srtt_us == (7 * 100000 + 300000) / 8);
	TCHECK(r.rto_us == r.srtt_us + 4 * r.rttvar_us);
	TCHECK(tcp_rtt_backoff(&r, 1) == 2 * r.rto_us);

	/* Tiny RTTs clamp to the minimum, huge ones to the maximum. */
	tcp_rtt_init(&r);
	for (int i = 0; i < 50; i++)
		tcp_rtt_sample(&r, 10);
	TCHECK(r.rto_us == TCP_RTO_MIN_US);
	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 100000000);
	TCHECK(r.rto_us == TCP_RTO_MAX_US);
	TCHECK(tcp_rtt_backoff(&r, 3) == TCP_RTO_MAX_US);

	/* The persist interval stays within its bounds. */
	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 1000);
	TCHECK(tcp_persist_interval_ms(&r, 0) == TCP_PERSMIN_MS);
	TCHECK(tcp_persist_interval_ms(&r, 20) == TCP_PERSMAX_MS);
	return TRESULT(start);
}

static struct tcpcb *cc_tcpcb(uint32_t mss, tcp_seq iss, bool sack)
{
	struct tcpcb *tp = kmem_zalloc(sizeof(*tp), &M_TEST);

	if (tp == NULL)
		return NULL;
	tp->t_maxseg = (uint16_t)mss;
	tp->iss = iss;
	tp->snd_una = tp->snd_max = tp->snd_nxt = iss + 1;
	tp->snd_recover = iss;
	tp->t_cc = &tcp_cc_newreno;
	if (sack)
		tp->t_flags |= TF_SACK_PERMIT;
	tp->t_cc->cc_init(tp);
	return tp;
}

/* The peer acknowledges up to ack: what input does before tcp_cc_ack. */
static int cc_newack(struct tcpcb *tp, tcp_seq ack)
{
	uint32_t acked = SEQ_SUB(ack, tp->snd_una);

	tp->snd_una = ack;
	return tcp_cc_ack(tp, ack, acked, false);
}

static int tcp_newreno_body(void)
{
	int start = test_failures;
	struct tcpcb *tp;
	tcp_seq iss = 0xfffffc00u; /* the transfer crosses the wrap */
	uint32_t ssthresh;

	tp = cc_tcpcb(1000, iss, false);
	if (!TCHECK(tp != NULL))
		return ENOMEM;
	TCHECK(tp->snd_cwnd == 4000); /* RFC 5681 IW for 1000-byte MSS */

	/* Slow start: each ACK of a full segment grows cwnd by one. */
	tp->snd_max = tp->snd_una + 10000;
	TCHECK(cc_newack(tp, tp->snd_una + 1000) == TCP_CC_SEND);
	TCHECK(tp->snd_cwnd == 5000);

	/*
	 * Two duplicates leave the window and only allow limited transmit
	 * (RFC 3042); the third retransmits (RFC 5681 3.2).
	 */
	TCHECK(tcp_cc_ack(tp, tp->snd_una, 0, true) == TCP_CC_LIMITED);
	TCHECK(tcp_cc_ack(tp, tp->snd_una, 0, true) == TCP_CC_LIMITED);
	TCHECK(tp->snd_cwnd == 5000 && !(tp->t_flags & TF_FASTRECOVERY));
	TCHECK(tcp_cc_ack(tp, tp->snd_una, 0, true) ==
	       (TCP_CC_RETRANSMIT | TCP_CC_SEND));
	TCHECK(tp->t_flags & TF_FASTRECOVERY);
	ssthresh = 9000 / 2; /* FlightSize / 2 */
	TCHECK(tp->snd_ssthresh == ssthresh);
	TCHECK(tp->snd_cwnd == ssthresh + 3000);
	TCHECK(tp->snd_recover == tp->snd_max);
	/* Each further duplicate inflates the window by one segment. */
	TCHECK(tcp_cc_ack(tp, tp->snd_una, 0, true) == TCP_CC_SEND);
	TCHECK(tp->snd_cwnd == ssthresh + 4000);

	/* A partial ACK retransmits the next hole and deflates (6582). */
	TCHECK(cc_newack(tp, tp->snd_una + 2000) ==
	       (TCP_CC_RETRANSMIT | TCP_CC_SEND));
	TCHECK(tp->snd_cwnd == ssthresh + 4000 - 2000 + 1000);
	TCHECK(tp->t_flags & TF_FASTRECOVERY);

	/* The full ACK ends recovery: cwnd = min(ssthresh, flight + MSS). */
	tp->snd_max += 3000; /* new data went out during recovery */
	TCHECK(cc_newack(tp, tp->snd_recover) == TCP_CC_SEND);
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY) && tp->t_dupacks == 0);
	TCHECK(tp->snd_cwnd == MIN(ssthresh, 3000u + 1000u));

	/* Congestion avoidance: one MSS per cwnd of acknowledged bytes. */
	tp->snd_cwnd = ssthresh;
	tp->snd_max = tp->snd_una + 20000;
	for (int i = 0; i < 4; i++)
		cc_newack(tp, tp->snd_una + 1000);
	TCHECK(tp->snd_cwnd == ssthresh);
	cc_newack(tp, tp->snd_una + 1000);
	TCHECK(tp->snd_cwnd == ssthresh + 1000);

	/* A timeout: cwnd = 1 MSS, ssthresh = FlightSize / 2. */
	tp->t_rxtshift = 1;
	tcp_cc_timeout(tp);
	TCHECK(tp->snd_cwnd == 1000);
	TCHECK(tp->snd_ssthresh == 15000 / 2);
	/* Duplicates for data sent before the timeout start no recovery. */
	for (int i = 0; i < 5; i++)
		TCHECK(tcp_cc_ack(tp, tp->snd_una, 0, true) == 0);
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY));
	/* A second timeout in the series keeps ssthresh. */
	tp->t_rxtshift = 2;
	tcp_cc_timeout(tp);
	TCHECK(tp->snd_ssthresh == 15000 / 2);

	kmem_free(tp, sizeof(*tp), &M_TEST);
	return TRESULT(start);
}

static int tcp_newreno_partial_body(void)
{
	int start = test_failures;
	struct tcpcb *tp = cc_tcpcb(1460, 7, true);

	if (!TCHECK(tp != NULL))
		return ENOMEM;
	TCHECK(tp->snd_cwnd == 3 * 1460);
	/* With SACK (RFC 6675): cwnd = ssthresh, no inflation. */
	tp->snd_cwnd = 20 * 1460;
	tp->snd_max = tp->snd_una + 20 * 1460;
	for (int i = 0; i < 2; i++)
		TCHECK(tcp_cc_ack(tp, tp->snd_una, 0, true) == TCP_CC_LIMITED);
	TCHECK(tcp_cc_ack(tp, tp->snd_una, 0, true) & TCP_CC_RETRANSMIT);
	TCHECK(tp->snd_ssthresh == 10 * 1460 && tp->snd_cwnd == 10 * 1460);
	TCHECK(tcp_cc_ack(tp, tp->snd_una, 0, true) == TCP_CC_SEND);
	TCHECK(tp->snd_cwnd == 10 * 1460);
	/* A partial ACK neither deflates nor asks for a blind retransmit. */
	TCHECK(cc_newack(tp, tp->snd_una + 1460) == TCP_CC_SEND);
	TCHECK(tp->snd_cwnd == 10 * 1460);
	kmem_free(tp, sizeof(*tp), &M_TEST);
	return TRESULT(start);
}

static struct tcp_sackblk blk(tcp_seq s, tcp_seq e)
{
	struct tcp_sackblk b = {s, e};
	return b;
}

static int tcp_sack_body(void)
{
	int start = test_failures;
	struct tcp_sackboard sb;
	struct tcp_sackblk in[4];
	tcp_seq base = 0xffffffffu - 4000; /* crosses the wrap */
	tcp_seq una = base + 1000, max = base + 11000, seq;
	uint32_t len;

	tcp_sack_reset(&sb);
	in[0] = blk(base + 3000, base + 4000);
	TCHECK(tcp_sack_update(&sb, una, max, in, 1) == 1000);
	/* The same block again is no news. */
	TCHECK(tcp_sack_update(&sb, una, max, in, 1) == 0);
	in[0] = blk(base + 5000, base + 6000);
	in[1] = blk(base + 7000, base + 8000);
	in[2] = blk(base + 20000, base + 21000); /* never sent: ignored */
	in[3] = blk(base + 9000, base + 8000);	 /* inverted: ignored */
	TCHECK(tcp_sack_update(&sb, una, max, in, 4) == 2000);
	TCHECK(sb.nblks == 3 && sb.sacked == 3000);
	TCHECK(tcp_sack_is_sacked(&sb, base + 3500));
	TCHECK(!tcp_sack_is_sacked(&sb, base + 4000));

	/* IsLost: three ranges above, or more than 2 MSS of them. */
	TCHECK(tcp_sack_is_lost(&sb, una, 1000));
	TCHECK(!tcp_sack_is_lost(&sb, base + 4000, 1000));
	TCHECK(tcp_sack_is_lost(&sb, base + 4000, 500));
	TCHECK(!tcp_sack_is_lost(&sb, base + 6500, 1000));
	TCHECK(!tcp_sack_is_lost(&sb, base + 3000, 1000)); /* SACKed */

	/* NextSeg rule 1: the first lost hole, in MSS pieces. */
	TCHECK(tcp_sack_next_seg(&sb, una, max, una, 1000, false, &seq, &len));
	TCHECK(seq == una && len == 1000);
	TCHECK(tcp_sack_next_seg(&sb, una, max, base + 2000, 1000, false, &seq,
				 &len));
	TCHECK(seq == base + 2000 && len == 1000);
	/* Past the lost hole only rule 3 finds something. */
	TCHECK(!tcp_sack_next_seg(&sb, una, max, base + 3000, 1000, false, &seq,
				  &len));
	TCHECK(tcp_sack_next_seg(&sb, una, max, base + 3000, 1000, true, &seq,
				 &len));
	TCHECK(seq == base + 4000 && len == 1000);
	TCHECK(!tcp_sack_next_seg(&sb, una, max, base + 8000, 1000, true, &seq,
				  &len));

	/* SetPipe: lost holes count only when retransmitted. */
	TCHECK(tcp_sack_pipe(&sb, una, max, una, 1000) == 5000);
	TCHECK(tcp_sack_pipe(&sb, una, max, base + 2000, 1000) == 6000);

	/* An advancing ACK trims; a filled hole merges neighbours. */
	una = base + 3500;
	in[0] = blk(base + 4000, base + 5000);
	TCHECK(tcp_sack_update(&sb, una, max, in, 1) == 1000);
	TCHECK(sb.nblks == 2);
	TCHECK(sb.blks[0].start == base + 3500 &&
	       sb.blks[0].end == base + 6000);
	una = base + 9000;
	TCHECK(tcp_sack_update(&sb, una, max, NULL, 0) == 0);
	TCHECK(sb.nblks == 0 && sb.sacked == 0);

	/*
	 * Ranges that una passed before the board was trimmed count for
	 * nothing: SetPipe is what lies above una, NextSeg finds no hole.
	 */
	tcp_sack_reset(&sb);
	una = base;
	max = base + 10000;
	in[0] = blk(base + 1000, base + 2000);
	TCHECK(tcp_sack_update(&sb, una, max, in, 1) == 1000);
	una = base + 5000;
	TCHECK(tcp_sack_pipe(&sb, una, max, una, 1000) == 5000);
	TCHECK(!tcp_sack_next_seg(&sb, una, max, una, 1000, true, &seq, &len));

	/* The scoreboard is bounded however many ranges arrive. */
	una = base;
	max = base + 1000000;
	for (int i = 0; i < 100; i++) {
		in[0] = blk(base + 1000 + (tcp_seq)i * 2000,
			    base + 1500 + (tcp_seq)i * 2000);
		tcp_sack_update(&sb, una, max, in, 1);
		TCHECK(sb.nblks <= TCP_SACK_MAXBLKS);
	}
	TCHECK(sb.nblks == TCP_SACK_MAXBLKS);
	for (int i = 1; i < sb.nblks; i++)
		TCHECK(SEQ_LT(sb.blks[i - 1].end, sb.blks[i].start));
	return TRESULT(start);
}

/* The entry points take a virtual CPU around each body. */
#define TCP_PURE_ENTRY(name)                                                   \
	int rump_test_##name(void)                                             \
	{                                                                      \
		int error;                                                     \
		rump_schedule();                                               \
		error = name##_body();                                         \
		rump_unschedule();                                             \
		return error;                                                  \
	}
TCP_PURE_ENTRY(tcp_seq)
TCP_PURE_ENTRY(tcp_options)
TCP_PURE_ENTRY(tcp_rtt)
TCP_PURE_ENTRY(tcp_newreno)
TCP_PURE_ENTRY(tcp_newreno_partial)
TCP_PURE_ENTRY(tcp_sack)

int rump_test_tcp_options_fuzz(uint32_t seed, int rounds)
{
	int error;

	rump_schedule();
	error = tcp_options_fuzz_body(seed, rounds);
	rump_unschedule();
	return error;
}
