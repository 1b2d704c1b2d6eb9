/*
 * tcp_component.c -- TCP as a component of its own (net_tcp) in
 * librumpnet_netinet, started after the Internet domain and stopped
 * before it, without softnet_lock held: its shutdown must halt timers
 * and drain the reaper, which waits for handlers that take that lock.
 * The AF_INET protocol switch (in_proto.c) holds TCP's entry.
 */
#include <netinet/in_var.h>
#include <netinet/tcp_var.h>
#include <sys/component.h>

/* TCP and its sysctl node (net.inet.tcp.pcbs, in_sysctl.c). */
static int tcp_component_init(void)
{
	int error = tcp_init();

	if (error == 0 && (error = tcp_sysctl_init()) != 0)
		tcp_fini();
	return error;
}

static void tcp_component_fini(void)
{
	tcp_sysctl_fini();
	tcp_fini();
}

static const char *const tcp_depends[] = {"net_netinet", NULL};
RUMP_COMPONENT(net_tcp, RUMP_STAGE_DRIVER, tcp_depends, tcp_component_init,
	       tcp_component_fini)
