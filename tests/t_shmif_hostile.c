/*
 * t_shmif_hostile.c -- a shmif bus survives its participants.  The bus is
 * left as a kernel that died mid-write leaves it (the lock held by a
 * process that no longer exists, half a frame written past the published
 * end), then a flooding kernel is killed with SIGKILL while it writes;
 * the kernels still on the bus take the lock over, ping each other and
 * move data.  Malformed frames published on the bus (a runt, a length no
 * frame can have, a length beyond the published end) are dropped and
 * counted as input errors; a burst of well-formed frames, some longer
 * than the receiver's MTU, published at once, is received: every
 * frame counted once.  Each kernel is a forked process.
 */
/* hosts: posix */
#include "net/shmif_util.h"

static char dir[64], bus[96];

/* A process id that no longer exists: a child that has been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	CHECK_EQ(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* The state a writer that died in the middle of a frame leaves. */
static void crash_mid_write(void)
{
	struct rawbus rb;
	uint8_t junk[300];

	rawbus_open(&rb, bus);
	rawbus_lock(&rb);
	memset(junk, 0xa5, sizeof(junk));
	rawbus_put(&rb, rb.hdr->sb_next, junk, sizeof(junk));
	/* Dies holding the lock: the word names a process that is gone. */
	__atomic_store_n(&rb.hdr->sb_lock, (uint32_t)dead_pid(),
			 __ATOMIC_RELEASE);
	rawbus_close(&rb);
}

static int64_t ierrors(void)
{
	return rump_test_if_stat("shmif0", "ierrors");
}

/* Waits until shmif0 has counted at least want input errors. */
static void wait_ierrors(int64_t want)
{
	for (int i = 0; i < 500 && ierrors() < want; i++)
		usleep(10000);
	CHECK_EQ(ierrors(), want);
}

/*
 * Publishes n broadcast frames of an unknown Ethernet type at once, every
 * other one longer than shmif0's MTU (the receiver's bounce path) and
 * more than the receiver takes per read: each must arrive whole and be
 * counted as noproto, none as an error.
 */
#define BURST_FRAMES 81
static void burst(struct rawbus *rb)
{
	static uint8_t frame[3000];
	uint64_t next;

	memset(frame, 0x5a, sizeof(frame));
	memset(frame, 0xff, 6);		    /* broadcast */
	frame[12] = 0x88, frame[13] = 0xb5; /* IEEE local experimental */
	rawbus_lock(rb);
	next = rb->hdr->sb_next;
	/* Room: a writer drops the oldest frames; here all of them. */
	__atomic_store_n(&rb->hdr->sb_first, next, __ATOMIC_RELAXED);
	for (int i = 0; i < BURST_FRAMES; i++) {
		uint32_t len = i % 2 ? sizeof(frame) : 60;
		struct shmif_frame_header fh = {.sf_len = len, .sf_sender = 1};

		rawbus_put(rb, next, &fh, sizeof(fh));
		rawbus_put(rb, next + sizeof(fh), frame, len);
		next += SHMIF_FRAME_SPACE(len);
	}
	CHECK(next - rb->hdr->sb_first <= rb->hdr->sb_ringsize);
	__atomic_store_n(&rb->hdr->sb_next, next, __ATOMIC_SEQ_CST);
	rawbus_unlock(rb);
	__atomic_add_fetch(&rb->hdr->sb_seq, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &rb->hdr->sb_seq, 1 /* FUTEX_WAKE */, 1 << 30, NULL,
		NULL, 0);
}

static void client(void *arg)
{
	uint8_t frame[64];
	struct rawbus rb;
	int64_t e0, n0;

	kern_boot();
	role_attach(bus, "10.94.0.1");
	ping_until("10.94.0.2", 30);
	rawbus_open(&rb, bus);
	CHECK(rb.hdr->sb_steals >= 1);
	test_log("ping answered; bus lock taken over %llu times",
		 (unsigned long long)rb.hdr->sb_steals);

	e0 = ierrors();
	memset(frame, 0xff, sizeof(frame)); /* broadcast: not filtered */
	rawbus_inject(&rb, 5, frame, 8);    /* a runt */
	wait_ierrors(e0 + 1);
	rawbus_inject(&rb, 0x7fffffffu, frame, 16); /* impossible length */
	wait_ierrors(e0 + 2);
	rawbus_inject(&rb, 1000, frame, 16); /* beyond the published end */
	wait_ierrors(e0 + 3);
	test_log("3 malformed frames dropped and counted");

	n0 = rump_test_if_stat("shmif0", "noproto");
	burst(&rb);
	for (int i = 0; i < 500 && rump_test_if_stat("shmif0", "noproto") <
					   n0 + BURST_FRAMES;
	     i++)
		usleep(10000);
	CHECK_EQ(rump_test_if_stat("shmif0", "noproto"), n0 + BURST_FRAMES);
	CHECK_EQ(ierrors(), e0 + 3);
	rawbus_close(&rb);
	test_log("a burst of %d frames, half above the MTU, each received once",
		 BURST_FRAMES);

	ping_until("10.94.0.2", 10);
	bulk_to_sink("10.94.0.2", (uint64_t)16 << 20, 7);
	test_log("16 MiB over TCP intact after all that");
	sink_quit("10.94.0.2");
	kern_halt();
}

int main(int argc, char **argv)
{
	struct shmif_role sink = {.bus = bus, .addr = "10.94.0.2"};
	struct shmif_role flood = {
		.bus = bus, .addr = "10.94.0.3", .flood_to = "10.94.0.255"};
	struct stat st;
	pid_t a, b;

	test_init(argc, argv);
	test_watchdog(110);
	snprintf(dir, sizeof(dir), "/tmp/t_shmif_hostile.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(bus, sizeof(bus), "%s/bus", dir);

	b = kern_fork(role_sink, &sink);
	for (int i = 0; i < 500 && (stat(bus, &st) != 0 || st.st_size == 0);
	     i++)
		usleep(10000);
	crash_mid_write();

	/* Flooders killed while they write, three times. */
	for (int i = 0; i < 3; i++) {
		int fds[2], status;
		char c;
		pid_t f;

		CHECK_EQ(pipe(fds), 0);
		flood.quitfd = fds[1];
		f = kern_fork(role_flooder, &flood);
		close(fds[1]);
		CHECK_EQ(read(fds[0], &c, 1), 1);
		close(fds[0]);
		usleep(200000);
		CHECK_EQ(kill(f, SIGKILL), 0);
		CHECK_EQ(waitpid(f, &status, 0), f);
		CHECK(WIFSIGNALED(status));
	}
	test_log("3 flooding kernels killed mid-flood");

	a = kern_fork(client, NULL);
	kern_wait(a, "kernel A");
	kern_wait(b, "kernel B (sink)");
	CHECK_EQ(test_sh("rm -rf %s", dir), 0);
	test_log("ok");
	return 0;
}
