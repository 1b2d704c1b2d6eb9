/*
 * t_netif_fault.c -- TCP over a faulty lo0 (docs/faultinj.md): in a child
 * kernel per setting, with lo0's MTU at Ethernet's 1500 so that a
 * transfer is thousands of segments, 4 MiB go each way at once and must
 * arrive byte for byte while RUMP_FAULT_SEND fails sends, and while
 * RUMP_NETIF_FAULT loses, duplicates, reorders and delays frames (each
 * alone, then all together); the counters show that each fault happened.
 * A setting for other interfaces leaves lo0 alone, and a malformed one
 * stops the kernel at the first frame.
 */
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "kern/rumptest_inet.h"
#include "tcp_testutil.h"

#define XFER ((size_t)4 << 20)

static void set_lo0_mtu(int mtu)
{
	int s = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo0");
	ifr.ifr_mtu = mtu;
	CHECK_SYS(rump_sys_ioctl(s, SIOCSIFMTU, &ifr));
	CHECK_SYS(rump_sys_close(s));
}

/* Moves len bytes from fd (pattern seed) into *sent, non-blocking. */
static void pump_out(int fd, size_t *sent, size_t len, unsigned seed)
{
	static unsigned char out[32768];
	size_t n = len - *sent < sizeof(out) ? len - *sent : sizeof(out);
	ssize_t w;

	for (size_t i = 0; i < n; i++)
		out[i] = tcpt_pattern(*sent + i, seed);
	w = rump_sys_write(fd, out, n);
	if (w < 0)
		CHECK_EQ(errno, EAGAIN);
	else
		*sent += (size_t)w;
}

static void pump_in(int fd, size_t *got, unsigned seed)
{
	static unsigned char in[32768];
	ssize_t r = rump_sys_read(fd, in, sizeof(in));

	if (r < 0) {
		CHECK_EQ(errno, EAGAIN);
		return;
	}
	CHECK(r > 0);
	for (ssize_t i = 0; i < r; i++)
		if (in[i] != tcpt_pattern(*got + (size_t)i, seed))
			test_fail(__FILE__, __LINE__, "byte %zu differs",
				  *got + (size_t)i);
	*got += (size_t)r;
}

/* XFER bytes each way at once over one connection, then an orderly close. */
static void duplex(void)
{
	uint16_t port;
	int l = tcpt_listen(1, &port), c = tcpt_connect(port), s;
	size_t csent = 0, cgot = 0, ssent = 0, sgot = 0;
	char b;

	s = (int)CHECK_SYS(rump_sys_accept(l, NULL, NULL));
	tcpt_nonblock(c, true);
	tcpt_nonblock(s, true);
	while (cgot < XFER || sgot < XFER) {
		struct pollfd p[2] = {{.fd = c, .events = POLLIN},
				      {.fd = s, .events = POLLIN}};
		if (csent < XFER)
			p[0].events |= POLLOUT;
		if (ssent < XFER)
			p[1].events |= POLLOUT;
		/* Bounded: a lost wakeup or a stuck connection fails. */
		CHECK(CHECK_SYS(rump_sys_poll(p, 2, 60000)) > 0);
		CHECK((p[0].revents | p[1].revents) & (POLLIN | POLLOUT));
		if (p[0].revents & POLLOUT)
			pump_out(c, &csent, XFER, 5);
		if (p[1].revents & POLLOUT)
			pump_out(s, &ssent, XFER, 6);
		if (p[0].revents & POLLIN)
			pump_in(c, &cgot, 6);
		if (p[1].revents & POLLIN)
			pump_in(s, &sgot, 5);
	}
	tcpt_nonblock(c, false);
	tcpt_nonblock(s, false);
	CHECK_SYS(rump_sys_shutdown(c, SHUT_WR));
	CHECK_EQ(rump_sys_read(s, &b, 1), 0);
	CHECK_SYS(rump_sys_close(s));
	CHECK_EQ(rump_sys_read(c, &b, 1), 0);
	CHECK_SYS(rump_sys_close(c));
	CHECK_SYS(rump_sys_close(l));
}

/* The child: argv[2] names the counter that must have grown ("none"). */
static int child(const char *counter)
{
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	set_lo0_mtu(1500);
	duplex();
	if (strcmp(counter, "none") == 0) {
		static const char *const all[] = {
			"iff_sendfail", "iff_dropped", "iff_duplicated",
			"iff_reordered", "iff_delayed"};
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			CHECK_EQ(rump_test_inet_stat(all[i]), 0);
	} else {
		int64_t v = rump_test_inet_stat(counter);
		test_log("%s = %lld", counter, (long long)v);
		CHECK(v > 0);
	}
	rump_pub_lwproc_releaselwp();
	test_halt();
	return 0;
}

static void run(const char *counter, const char *const *env)
{
	char arg[64], out[16384];
	int status;

	snprintf(arg, sizeof(arg), "child:%s", counter);
	status = test_child(arg, env, out, sizeof(out), 100);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		test_fail(__FILE__, __LINE__, "%s (%s): %s\n%s", env[0],
			  counter, test_status_str(status), out);
	test_log("%s: intact", env[0]);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	if (argc > 1 && strncmp(argv[1], "child:", 6) == 0) {
		test_watchdog(100);
		return child(argv[1] + 6);
	}
	test_watchdog(115);
	{
		const char *env[] = {"RUMP_FAULT_SEND=r0.03@7", NULL};
		run("iff_sendfail", env);
	}
	{
		const char *env[] = {"RUMP_NETIF_FAULT=lo0:drop=0.03,seed=3",
				     NULL};
		run("iff_dropped", env);
	}
	{
		const char *env[] = {"RUMP_NETIF_FAULT=lo:dup=0.05,seed=4",
				     NULL};
		run("iff_duplicated", env);
	}
	{
		const char *env[] = {"RUMP_NETIF_FAULT=reorder=0.05,seed=5",
				     NULL};
		run("iff_reordered", env);
	}
	{
		const char *env[] = {"RUMP_NETIF_FAULT=lo0:delay=1000", NULL};
		run("iff_delayed", env);
	}
	{
		const char *env[] = {
			"RUMP_NETIF_FAULT=lo0:drop=0.02,dup=0.01,reorder=0.02,"
			"delay=1000,seed=9",
			"RUMP_FAULT_SEND=r0.01@5", NULL};
		run("iff_reordered", env);
	}
	{
		const char *env[] = {"RUMP_NETIF_FAULT=virt:drop=1", NULL};
		run("none", env);
	}
	{
		const char *env[] = {"RUMP_NETIF_FAULT=lo0:drop=2", NULL};
		char out[16384];
		int status = test_child("child:none", env, out, sizeof(out),
					60);
		CHECK(status >= 0 &&
		      !(WIFEXITED(status) && WEXITSTATUS(status) == 0));
		CHECK(strstr(out, "malformed RUMP_NETIF_FAULT") != NULL);
	}
	test_log("ok");
	return 0;
}
