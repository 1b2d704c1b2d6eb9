/*
 * t_hijack_ext4.c -- tar xf of about 4,000 files through librumphijack
 * into an ext4 image served by rump_server, compared with the host's tree,
 * then e2fsck -fn clean (tests/hijack/ext4.sh).
 */
/* hosts: posix */
#include "hijack/hjdriver.h"

int main(int argc, char **argv)
{
	return hj_run_script(argc, argv, "ext4.sh");
}
