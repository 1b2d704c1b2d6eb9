/*
 * t_rumpctl_fs.c -- the tools' file system session (tests/hijack/
 * rumpctl_fs.sh): rumpctl mounts a tmpfs and an ext4 image on a
 * rump_server, unmodified cp copies files in through librumphijack,
 * rumpctl df lists every mount with the numbers statvfs gives, then the
 * image is e2fsck clean and its counts agree with df.
 */
/* hosts: posix */
#include "hijack/hjdriver.h"

int main(int argc, char **argv)
{
	return hj_run_script(argc, argv, "rumpctl_fs.sh");
}
