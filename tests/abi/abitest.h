/*
 * abitest.h -- checks for the host-only tests of the translation layer
 * (librumphost and the generated entry points), which run without a
 * kernel and so without tests/testlib.c.  A failed check prints file,
 * line and expression and exits 1.
 */
#ifndef RUMPTEST_ABITEST_H_
#define RUMPTEST_ABITEST_H_
#include <stdio.h>
#include <stdlib.h>

#define CHECK(e)                                                               \
	do {                                                                   \
		if (!(e)) {                                                    \
			fprintf(stderr, "%s:%d: CHECK %s failed\n", __FILE__,  \
				__LINE__, #e);                                 \
			exit(1);                                               \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long check_a_ = (long long)(a);                           \
		long long check_b_ = (long long)(b);                           \
		if (check_a_ != check_b_) {                                    \
			fprintf(stderr,                                        \
				"%s:%d: CHECK %s == %s failed (%#llx != "      \
				"%#llx)\n",                                    \
				__FILE__, __LINE__, #a, #b, check_a_,          \
				check_b_);                                     \
			exit(1);                                               \
		}                                                              \
	} while (0)
#endif
