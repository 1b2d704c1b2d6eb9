/*
 * in_proto.c -- the Internet domain (AF_INET) and its protocol switch.
 * socket(AF_INET, type, 0) takes the first entry of the type, so UDP
 * comes before ICMP datagram sockets; TCP's entry goes first.  At attach
 * the domain builds ip_protox, which ip_input delivers through; protocol
 * numbers without an entry of their own go to raw IP.
 */
#include <netinet/icmp_var.h>
#include <netinet/in_proto.h>
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <netinet/udp_var.h>
#include <sys/abi.h>
#include <sys/domain.h>
#include <sys/errno.h>
#include <sys/protosw.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

static int inet_dom_init(void);
static void inet_dom_fini(void);

static const struct protosw inetsw[] = {
	{
		.pr_type = SOCK_STREAM,
		.pr_domain = &inetdomain,
		.pr_protocol = IPPROTO_TCP,
		.pr_flags = PR_CONNREQUIRED | PR_WANTRCVD | PR_LISTEN,
		.pr_input = tcp_input,
		.pr_ctlinput = tcp_ctlinput,
		.pr_usrreqs = &tcp_usrreqs,
	},
	{
		.pr_type = SOCK_DGRAM,
		.pr_domain = &inetdomain,
		.pr_protocol = IPPROTO_UDP,
		.pr_flags = PR_ATOMIC | PR_ADDR,
		.pr_input = udp_input,
		.pr_ctlinput = udp_ctlinput,
		.pr_usrreqs = &udp_usrreqs,
	},
	{
		.pr_type = SOCK_RAW,
		.pr_domain = &inetdomain,
		.pr_protocol = IPPROTO_ICMP,
		.pr_flags = PR_ATOMIC | PR_ADDR,
		.pr_input = icmp_input,
		.pr_usrreqs = &rip_usrreqs,
	},
	{
		.pr_type = SOCK_DGRAM,
		.pr_domain = &inetdomain,
		.pr_protocol = IPPROTO_ICMP,
		.pr_flags = PR_ATOMIC | PR_ADDR,
		.pr_usrreqs = &icmp_sock_usrreqs,
	},
	{
		.pr_type = SOCK_RAW,
		.pr_domain = &inetdomain,
		.pr_protocol = IPPROTO_RAW,
		.pr_flags = PR_ATOMIC | PR_ADDR,
		.pr_input = rip_input,
		.pr_usrreqs = &rip_usrreqs,
	},
};

struct domain inetdomain = {
	.dom_family = AF_INET,
	.dom_name = "internet",
	.dom_init = inet_dom_init,
	.dom_fini = inet_dom_fini,
	.dom_protosw = inetsw,
	.dom_nprotosw = __arraycount(inetsw),
};

static int inet_dom_init(void)
{
	const struct protosw *raw = NULL;
	int error;

	for (size_t i = 0; i < __arraycount(inetsw); i++)
		if (inetsw[i].pr_type == SOCK_RAW &&
		    inetsw[i].pr_protocol == IPPROTO_RAW)
			raw = &inetsw[i];
	for (int p = 0; p < IPPROTO_MAX; p++)
		ip_protox[p] = raw;
	for (size_t i = 0; i < __arraycount(inetsw); i++) {
		const struct protosw *pr = &inetsw[i];
		if (pr->pr_input != NULL && pr->pr_protocol > 0 &&
		    pr->pr_protocol < IPPROTO_RAW)
			ip_protox[pr->pr_protocol] = pr;
	}
	if ((error = udp_init()) != 0)
		return error;
	if ((error = rip_init()) != 0) {
		udp_fini();
		return error;
	}
	if ((error = icmp_sock_init()) != 0) {
		rip_fini();
		udp_fini();
		return error;
	}
	return 0;
}

static void inet_dom_fini(void)
{
	icmp_sock_fini();
	rip_fini();
	udp_fini();
	for (int p = 0; p < IPPROTO_MAX; p++)
		ip_protox[p] = NULL;
}
