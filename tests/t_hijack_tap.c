/*
 * t_hijack_tap.c -- the README's network session: virt0 on a Linux tap
 * configured with rumpctl, unmodified curl through librumphijack fetching
 * a file from python3's http.server on the tap's Linux side, nc listening
 * inside the kernel for Linux's nc, all in network namespaces of its own
 * (tests/hijack/tap.sh; root).
 */
/* hosts: posix */
#include "hijack/hjdriver.h"

int main(int argc, char **argv)
{
	return hj_run_script(argc, argv, "tap.sh");
}
