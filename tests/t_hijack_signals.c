/*
 * t_hijack_signals.c -- host signals interrupt an unmodified program's
 * blocked calls on kernel sockets through librumphijack: python3 in
 * accept, recv and poll gets EINTR (its handler's exception), and with
 * a handler that returns its recv goes on (tests/hijack/signals.sh).
 */
/* hosts: posix */
#include "hijack/hjdriver.h"

int main(int argc, char **argv)
{
	return hj_run_script(argc, argv, "signals.sh");
}
