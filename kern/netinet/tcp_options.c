/*
 * tcp_options.c -- parsing and building of TCP options (RFC 9293 3.2,
 * RFC 7323, RFC 2018).  Options come from the network, so the parser
 * trusts no length byte: it never reads past len and reports a malformed
 * list instead of guessing.  Both directions use host byte order in
 * struct tcp_opt and big-endian bytes on the wire.
 */
#include <netinet/tcp.h>
#include <sys/systm.h>

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void parse_one(const uint8_t *cp, int optlen, int syn,
		      struct tcp_opt *to)
{
	switch (cp[0]) {
	case TCPOPT_MAXSEG:
		if (optlen != TCPOLEN_MAXSEG || !syn)
			return;
		to->to_flags |= TOF_MSS;
		to->to_mss = (uint16_t)(cp[2] << 8 | cp[3]);
		break;
	case TCPOPT_WINDOW:
		if (optlen != TCPOLEN_WINDOW || !syn)
			return;
		to->to_flags |= TOF_SCALE;
		/* RFC 7323 2.3: a larger shift is used as 14. */
		to->to_wscale = (uint8_t)MIN(cp[2], TCP_MAX_WINSHIFT);
		break;
	case TCPOPT_SACK_PERMITTED:
		if (optlen != TCPOLEN_SACK_PERMITTED || !syn)
			return;
		to->to_flags |= TOF_SACKPERM;
		break;
	case TCPOPT_TIMESTAMP:
		if (optlen != TCPOLEN_TIMESTAMP)
			return;
		to->to_flags |= TOF_TS;
		to->to_tsval = get32(cp + 2);
		to->to_tsecr = get32(cp + 6);
		break;
	case TCPOPT_SACK:
		if (optlen < 2 + TCPOLEN_SACKBLK ||
		    (optlen - 2) % TCPOLEN_SACKBLK != 0 || syn)
			return;
		to->to_flags |= TOF_SACK;
		to->to_nsacks = 0;
		for (int off = 2; off < optlen && to->to_nsacks < TCP_MAX_SACK;
		     off += TCPOLEN_SACKBLK) {
			struct tcp_sackblk *b = &to->to_sacks[to->to_nsacks];
			b->start = get32(cp + off);
			b->end = get32(cp + off + 4);
			/* An empty or inverted block carries nothing. */
			if (SEQ_LT(b->start, b->end))
				to->to_nsacks++;
		}
		if (to->to_nsacks == 0)
			to->to_flags &= ~TOF_SACK;
		break;
	default:
		break;
	}
}

int tcp_options_parse(const uint8_t *cp, int len, int syn, struct tcp_opt *to)
{
	memset(to, 0, sizeof(*to));
	if (len < 0 || len > TCP_MAXOLEN)
		return EINVAL;
	for (int i = 0; i < len;) {
		int optlen;

		if (cp[i] == TCPOPT_EOL)
			break;
		if (cp[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return EINVAL;
		optlen = cp[i + 1];
		if (optlen < 2 || i + optlen > len)
			return EINVAL;
		parse_one(cp + i, optlen, syn, to);
		i += optlen;
	}
	return 0;
}

int tcp_options_build(uint8_t *buf, int space, const struct tcp_opt *to)
{
	int n = 0;

	if (space > TCP_MAXOLEN)
		space = TCP_MAXOLEN;
	if ((to->to_flags & TOF_MSS) && n + 4 <= space) {
		buf[n++] = TCPOPT_MAXSEG;
		buf[n++] = TCPOLEN_MAXSEG;
		buf[n++] = (uint8_t)(to->to_mss >> 8);
		buf[n++] = (uint8_t)to->to_mss;
	}
	if ((to->to_flags & TOF_SCALE) && n + 4 <= space) {
		buf[n++] = TCPOPT_NOP;
		buf[n++] = TCPOPT_WINDOW;
		buf[n++] = TCPOLEN_WINDOW;
		buf[n++] = (uint8_t)MIN(to->to_wscale, TCP_MAX_WINSHIFT);
	}
	if ((to->to_flags & TOF_SACKPERM) && n + 4 <= space) {
		buf[n++] = TCPOPT_NOP;
		buf[n++] = TCPOPT_NOP;
		buf[n++] = TCPOPT_SACK_PERMITTED;
		buf[n++] = TCPOLEN_SACK_PERMITTED;
	}
	if ((to->to_flags & TOF_TS) && n + 12 <= space) {
		buf[n++] = TCPOPT_NOP;
		buf[n++] = TCPOPT_NOP;
		buf[n++] = TCPOPT_TIMESTAMP;
		buf[n++] = TCPOLEN_TIMESTAMP;
		put32(buf + n, to->to_tsval);
		put32(buf + n + 4, to->to_tsecr);
		n += 8;
	}
	if ((to->to_flags & TOF_SACK) && to->to_nsacks > 0 &&
	    n + 4 + TCPOLEN_SACKBLK <= space) {
		int nb = MIN(to->to_nsacks, (space - n - 4) / TCPOLEN_SACKBLK);

		nb = MIN(nb, TCP_MAX_SACK);
		buf[n++] = TCPOPT_NOP;
		buf[n++] = TCPOPT_NOP;
		buf[n++] = TCPOPT_SACK;
		buf[n++] = (uint8_t)(2 + nb * TCPOLEN_SACKBLK);
		for (int i = 0; i < nb; i++) {
			put32(buf + n, to->to_sacks[i].start);
			put32(buf + n + 4, to->to_sacks[i].end);
			n += TCPOLEN_SACKBLK;
		}
	}
	while (n % 4 != 0)
		buf[n++] = TCPOPT_EOL;
	return n;
}
