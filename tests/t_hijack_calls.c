/*
 * t_hijack_calls.c -- the glibc functions that make their system calls
 * inside libc (realpath, scandir, glob, nftw, posix_spawn, system, popen,
 * isatty), and programs that use them (coreutils' realpath and readlink
 * -f, python3's os.walk and subprocess), through librumphijack against a
 * rump_server with a tmpfs, compared with the host on identical trees
 * (tests/hijack/calls.sh).
 */
/* hosts: posix */
#include "hijack/hjdriver.h"

int main(int argc, char **argv)
{
	return hj_run_script(argc, argv, "calls.sh");
}
