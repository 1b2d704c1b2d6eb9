/*
 * tcp_component.c -- TCP as a component of its own (net_tcp) in
 * librumpnet_netinet, started after the Internet domain and stopped
 * before it, without softnet_lock held: its shutdown must halt timers
 * and drain the reaper, which waits for handlers that take that lock.
 * The AF_INET protocol switch (in_proto.c) holds TCP's entry.
 */
#include <netinet/tcp_var.h>
#include <sys/component.h>

static const char *const tcp_depends[] = {"net_netinet", NULL};
RUMP_COMPONENT(net_tcp, RUMP_STAGE_DRIVER, tcp_depends, tcp_init, tcp_fini)
