/*
 * console.c -- kernel console output.  printf formats into a bounded
 * buffer and hands whole lines to the host with one hypercall, so output
 * from concurrent threads does not interleave mid-line.
 */
#include <rump/rumpuser.h>
#include <sys/systm.h>

int boothowto_verbose;

int vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	rumpuser_putstr(buf);
	if (n >= (int)sizeof(buf))
		rumpuser_putstr("[...]\n");
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void aprint_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!boothowto_verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
