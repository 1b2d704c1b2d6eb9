/*
 * in_cksum.c -- the Internet checksum over buffers and mbuf chains.  Sums
 * 16-bit big-endian words into a 64-bit accumulator a 32-bit word at a
 * time and folds at the end; an odd byte that ends one mbuf pairs with
 * the first byte of the next, as if the chain were one buffer.
 */
#include <netinet/in_cksum.h>
#include <netinet/ip.h>
#include <sys/mbuf.h>
#include <sys/systm.h>

/*
 * Adds len bytes at p to sum as big-endian 16-bit words; odd says whether
 * an odd number of bytes came before (so p's first byte is a low half).
 */
static uint64_t cksum_add(uint64_t sum, const uint8_t *p, size_t len, bool *odd)
{
	if (len == 0)
		return sum;
	if (*odd) {
		sum += p[0];
		p++;
		len--;
		*odd = false;
	}
	while (len >= 4) {
		uint32_t w;
		__builtin_memcpy(&w, p, 4); /* inline: no call per word */
		sum += ntohl(w);
		p += 4;
		len -= 4;
	}
	while (len >= 2) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		sum += (uint32_t)p[0] << 8;
		*odd = true;
	}
	return sum;
}

static uint16_t cksum_fold64(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint32_t in_cksum_partial(uint32_t sum, const void *buf, size_t len)
{
	bool odd = false;

	return cksum_fold64(cksum_add(sum, buf, len, &odd));
}

uint16_t in_cksum_fold(uint32_t sum)
{
	return htons((uint16_t)~cksum_fold64(sum));
}

uint16_t in_cksum_buf(const void *buf, size_t len)
{
	return in_cksum_fold(in_cksum_partial(0, buf, len));
}

/* The sum of len bytes of the chain from off; the caller checked bounds. */
static uint64_t cksum_chain(uint64_t sum, const struct mbuf *m, int off,
			    int len)
{
	bool odd = false;

	while (m != NULL && off >= m->m_len) {
		off -= m->m_len;
		m = m->m_next;
	}
	while (m != NULL && len > 0) {
		int n = MIN(m->m_len - off, len);

		sum = cksum_add(sum, mtod(m, const uint8_t *) + off, (size_t)n,
				&odd);
		len -= n;
		off = 0;
		m = m->m_next;
	}
	KASSERT(len == 0);
	return sum;
}

uint16_t in_cksum(struct mbuf *m, int len)
{
	return htons((uint16_t)~cksum_fold64(cksum_chain(0, m, 0, len)));
}

uint16_t in_cksum_skip(struct mbuf *m, int off, int len)
{
	return htons((uint16_t)~cksum_fold64(cksum_chain(0, m, off, len)));
}

uint16_t in4_pseudo_sum(struct in_addr src, struct in_addr dst, uint8_t nxt,
			int len)
{
	uint64_t sum = (uint64_t)ntohl(src.s_addr) + ntohl(dst.s_addr) + nxt +
		       (uint32_t)len;

	return htons((uint16_t)cksum_fold64(sum));
}

uint16_t in4_cksum(struct mbuf *m, uint8_t nxt, int off, int len)
{
	struct ip ip;
	uint64_t sum;

	m_copydata(m, 0, sizeof(ip), &ip);
	sum = (uint64_t)ntohl(ip.ip_src.s_addr) + ntohl(ip.ip_dst.s_addr) +
	      nxt + (uint32_t)len;
	return htons((uint16_t)~cksum_fold64(cksum_chain(sum, m, off, len)));
}
