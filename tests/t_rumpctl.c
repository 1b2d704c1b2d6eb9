/*
 * t_rumpctl.c -- a scripted session of the rumpctl tool (build/bin,
 * beside the tests' directory) against two rump_servers: it builds a
 * two-kernel network over a shmif bus with ifconfig (create, linkstr,
 * inet, up), pings across, adds and shows a default route, adds, looks
 * up, changes and deletes one through the routing socket while a route
 * monitor in another client listens, reads the ARP
 * cache, netstat, ifconfig -a with statistics and sysctl (reading and
 * setting forwarding), dumps the bus with shmifdump, mounts an ext4
 * image read-only and reads its size with df (of the path and of every
 * mount), and halts both servers.  t_rumpctl_fs is the file system
 * session with copies and df's numbers.  The test program boots no
 * kernel itself.
 */
/* hosts: posix */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

static char bin[512], dir[64];

/* Runs rumpctl against server a or b; the output goes to dir/out. */
static int ctl(char srv, const char *args)
{
	return test_sh("RUMP_SERVER=unix://%s/%c %s/rumpctl %s >%s/out 2>&1",
		       dir, srv, bin, args, dir);
}

/* Whether dir/out has a line matching the basic regular expression re. */
static bool out_has(const char *re)
{
	return test_sh("grep -q -- '%s' %s/out", re, dir) == 0;
}

/* Runs the shell test made from fmt until it succeeds (a readiness
 * wait: the watchdog bounds it). */
static void wait_for(const char *fmt, const char *arg)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, arg);
	while (test_sh("%s", cmd) != 0)
		usleep(10000);
}

static void show_out(void)
{
	(void)test_sh("cat %s/out", dir);
}

#define CTL(srv, args)                                                         \
	do {                                                                   \
		if (ctl(srv, args) != 0) {                                     \
			show_out();                                            \
			test_fail(__FILE__, __LINE__, "rumpctl %s failed",     \
				  args);                                       \
		}                                                              \
	} while (0)
#define HAS(re)                                                                \
	do {                                                                   \
		if (!out_has(re)) {                                            \
			show_out();                                            \
			test_fail(__FILE__, __LINE__, "no '%s' in the output", \
				  re);                                         \
		}                                                              \
	} while (0)

/*
 * A rump_server in the foreground (-s) as a child that dies with this
 * program, whatever way it ends; returns once the socket exists.
 */
static pid_t server_start(char srv, const char *disk)
{
	char url[128], path[128], prog[600];
	struct stat st;
	pid_t pid;

	snprintf(url, sizeof(url), "unix://%s/%c", dir, srv);
	snprintf(path, sizeof(path), "%s/%c", dir, srv);
	snprintf(prog, sizeof(prog), "%s/rump_server", bin);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (disk != NULL)
			execl(prog, prog, "-s", "-d", disk, url, (char *)NULL);
		else
			execl(prog, prog, "-s", url, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && stat(path, &st) != 0; i++)
		usleep(50000);
	CHECK(stat(path, &st) == 0);
	return pid;
}

static void server_wait(pid_t pid)
{
	int status;

	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv)
{
	bool have_ext4;
	pid_t a, b;
	char cmd[1024];
	ssize_t len;
	char *slash;

	test_init(argc, argv);
	test_watchdog(110);
	len = readlink("/proc/self/exe", bin, sizeof(bin) - 1);
	CHECK(len > 0);
	bin[len] = '\0';
	for (int i = 0; i < 3; i++) { /* build/tests/posix/t_x -> build */
		CHECK((slash = strrchr(bin, '/')) != NULL);
		*slash = '\0';
	}
	strcat(bin, "/bin");
	snprintf(dir, sizeof(dir), "/tmp/t_rumpctl.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);

	/* Server a has an ext4 image as /dev/disk0 (CI has mkfs.ext4). */
	snprintf(cmd, sizeof(cmd), "key=/dev/disk0,hostpath=%s/img", dir);
	have_ext4 = test_sh("truncate -s 8M %s/img && mkfs.ext4 -q -F %s/img "
			    ">/dev/null 2>&1",
			    dir, dir) == 0;
	CHECK(have_ext4 || getenv("CI") == NULL);
	a = server_start('a', have_ext4 ? cmd : NULL);
	b = server_start('b', NULL);

	CHECK_EQ(test_sh("%s/rumpctl --help | grep -q ifconfig", bin), 0);
	CHECK(ctl('a', "frobnicate") != 0);
	CHECK_EQ(ctl('a', "ifconfig shmif0"), 1); /* none yet */
	CTL('a', "ifconfig shmif0 create");
	snprintf(cmd, sizeof(cmd), "ifconfig shmif0 linkstr %s/bus", dir);
	CTL('a', cmd);
	CTL('a', "ifconfig shmif0 inet 10.91.0.1/24 up");
	snprintf(cmd, sizeof(cmd),
		 "ifconfig shmif0 create linkstr %s/bus inet 10.91.0.2 "
		 "netmask 255.255.255.0 up",
		 dir);
	CTL('b', cmd);
	CHECK(ctl('b', "ifconfig shmif0 create") != 0); /* exists */

	CTL('a', "ping -c 3 10.91.0.2");
	HAS("3 packets transmitted, [1-3] received");
	CHECK(ctl('a', "ping -c 1 10.91.0.77") != 0); /* nobody there */

	CTL('b', "route add default 10.91.0.1");
	CTL('b', "route show");
	HAS("^default  *10\\.91\\.0\\.1  *UGS  *shmif0");
	HAS("^10\\.91\\.0\\.0/24  *link  *UC  *shmif0");
	CHECK(ctl('b', "route add default 10.91.0.1") != 0); /* EEXIST */
	HAS("File exists");
	/* Through the routing socket, a monitor (another client) listening. */
	CHECK_EQ(test_sh("RUMP_SERVER=unix://%s/b %s/rumpctl route monitor "
			 "-c 3 >%s/mon 2>&1 &",
			 dir, bin, dir),
		 0);
	wait_for("grep -q '^monitoring$' %s/mon", dir);
	CTL('b', "route add 10.200.0.0/16 10.91.0.1");
	CTL('b', "route get 10.200.1.1");
	HAS("^RTM_GET pid [0-9]* seq 1 flags <UP,GATEWAY,DONE,STATIC> dst "
	    "10\\.200\\.0\\.0 gateway 10\\.91\\.0\\.1 netmask "
	    "255\\.255\\.0\\.0 ifp shmif0 ifa 10\\.91\\.0\\.2$");
	CTL('b', "route change 10.200.0.0/16 -iface shmif0");
	CTL('b', "route get 10.200.0.0/16");
	HAS("flags <UP,DONE,STATIC> dst 10\\.200\\.0\\.0 netmask");
	CTL('b', "route delete 10.200.0.0/16");
	CHECK(ctl('b', "route delete 10.200.0.0/16") != 0);
	HAS("No such process");
	CHECK(ctl('b', "route get 10.200.0.0/16") != 0);
	CHECK(ctl('b', "route add 10.201.0.0/16 10.99.0.1") != 0);
	HAS("Network is unreachable");
	wait_for("test \"$(grep -c '^RTM_' %s/mon)\" = 3", dir);
	(void)test_sh("cp %s/mon %s/out", dir, dir);
	HAS("^RTM_ADD pid [1-9][0-9]* seq 1 flags <UP,GATEWAY,STATIC> dst "
	    "10\\.200\\.0\\.0 gateway 10\\.91\\.0\\.1");
	HAS("^RTM_CHANGE .* flags <UP,STATIC> dst 10\\.200\\.0\\.0 ");
	HAS("^RTM_DELETE .* dst 10\\.200\\.0\\.0 ");
	CTL('b', "route show");
	CHECK(!out_has("10.200.0.0"));

	CTL('a', "arp -a");
	HAS("(10\\.91\\.0\\.2) at [0-9a-f:]* on shmif0");
	CTL('a', "ifconfig -a");
	HAS("^shmif0: flags=.*UP.*RUNNING.* mtu 1500");
	HAS("inet 10\\.91\\.0\\.1/24 broadcast 10\\.91\\.0\\.255");
	HAS("input: [1-9][0-9]* packets");
	CTL('a', "netstat");
	HAS("^Proto");
	CTL('a', "sysctl net.inet.ip.forwarding=1");
	HAS("^net\\.inet\\.ip\\.forwarding = 1$");
	CTL('a', "sysctl -a");
	HAS("^kern\\.ostype = rumpkit$");
	HAS("^net\\.link\\.ifs = (table");
	CHECK(ctl('a', "sysctl no.such.node") != 0);

	snprintf(cmd, sizeof(cmd), "shmifdump %s/bus %s/bus.pcap", dir, dir);
	CTL('a', cmd);
	HAS("^[1-9][0-9]* frames$");

	CTL('a', "df");
	HAS("^rumpfs  *rumpfs  *[1-9][0-9]*  *[0-9]*  *[0-9]*  *[0-9]*% /$");
	if (have_ext4) {
		/* The root has only /dev: mount over it, read-only. */
		CTL('a', "mount -t ext4 -o ro /dev/disk0 /dev");
		CTL('a', "df /dev");
		HAS("^/dev/disk0  *ext4  *8192  *[0-9]* .* /dev$");
		CTL('a', "df"); /* every mount */
		HAS("^rumpfs  *rumpfs .* /$");
		HAS("^/dev/disk0  *ext4  *8192  *[0-9]* .* /dev$");
		CHECK(ctl('a', "mount -t ext4 /dev/disk0 /nonexistent") != 0);
		CTL('a', "umount /dev");
		CHECK(ctl('a', "umount /dev") != 0);
	}

	CTL('a', "halt");
	CTL('b', "halt");
	server_wait(a);
	server_wait(b);
	CHECK(ctl('a', "netstat") != 0); /* nobody serves there now */
	CHECK_EQ(test_sh("rm -rf %s", dir), 0);
	test_log("ok");
	return 0;
}
