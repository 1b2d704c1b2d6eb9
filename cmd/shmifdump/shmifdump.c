/*
 * shmifdump -- writes the frames on a shmif bus file (docs/shmif.md) to a
 * pcap file that tcpdump, tshark or wireshark read.  It takes a snapshot
 * under the bus lock, so it may run while kernels use the bus; it needs
 * no kernel and no privileges beyond reading and writing the bus file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rump/shmif.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: shmifdump [-q] BUS FILE.pcap\n"
		   "Writes the frames still on the shmif bus file BUS to the "
		   "pcap file FILE.pcap\n"
		   "(Ethernet, nanosecond timestamps), oldest first.\n"
		   "  -q  do not print the number of frames\n");
}

int main(int argc, char **argv)
{
	uint64_t n = 0;
	int quiet = 0, i = 1, error;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (i < argc && strcmp(argv[i], "-q") == 0) {
		quiet = 1;
		i++;
	}
	if (argc - i != 2) {
		usage(stderr);
		return 2;
	}
	error = rump_pub_shmif_dump(argv[i], argv[i + 1], &n);
	if (error != 0) {
		fprintf(stderr, "shmifdump: %s: %s%s\n", argv[i],
			strerror(error),
			error == EINVAL ? " (not a shmif bus)" : "");
		if (error == EIO)
			fprintf(stderr,
				"shmifdump: %" PRIu64 " frames written before "
				"a malformed one\n",
				n);
		return 1;
	}
	if (!quiet)
		printf("%" PRIu64 " frames\n", n);
	return 0;
}
