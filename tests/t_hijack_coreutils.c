/*
 * t_hijack_coreutils.c -- ls, cat, cp -a, mv, rm -rf, mkdir -p, ln -s,
 * touch, stat, find, du, df, dd, tar, sha256sum and diff -r of Debian,
 * unmodified, through librumphijack against a rump_server with a tmpfs,
 * each compared with the same command on the host (tests/hijack/
 * coreutils.sh), then hj_probe's descriptor, poll and fork/exec checks.
 */
/* hosts: posix */
#include "hijack/hjdriver.h"

int main(int argc, char **argv)
{
	return hj_run_script(argc, argv, "coreutils.sh");
}
