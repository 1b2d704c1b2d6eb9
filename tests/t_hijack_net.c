/*
 * t_hijack_net.c -- netcat-openbsd, unmodified, through librumphijack:
 * a listener inside the kernel and a client in another process over the
 * kernel's lo0 (TCP and UDP), curl, iperf3 (its TCP_INFO retransmission
 * count), and socket=none keeping sockets on the host (tests/hijack/net.sh).
 */
/* hosts: posix */
#include "hijack/hjdriver.h"

int main(int argc, char **argv)
{
	return hj_run_script(argc, argv, "net.sh");
}
