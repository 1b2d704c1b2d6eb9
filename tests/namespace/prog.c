/*
 * prog.c -- the closed-namespace check (scripts/check-namespace.sh links it
 * statically with the kernel archives and a host).  A program may define
 * functions whose names the host libc or the kernel also use, with
 * signatures of its own: here printf, socket, open, bind and strlcpy (libc
 * names; the kernel has its own printf and strlcpy) and panic, kmem_alloc
 * and mutex_enter (kernel names).  Because every kernel symbol is renamed
 * into rumpns_, the link has no duplicate definition, the program's calls
 * reach its own functions and the kernel's reach the kernel's.  None of
 * these functions allocates or calls libc.  Exits 0 when both sides work.
 */
#include <sys/types.h>
#include <unistd.h>

#include <rump/rump.h>

/*
 * Declared here, not through <rump/rump_syscalls.h>: that header may
 * include host headers that declare the libc socket(), bind() and open()
 * this program replaces.
 */
pid_t rump_sys_getpid(void);

/* The program's own functions: the kernel must not see them, nor they it. */
int printf(int a, int b)
{
	return a * 100 + b;
}

const char *socket(void)
{
	return "program socket";
}

long open(long fd)
{
	return fd + 1000;
}

int bind(int *cell, int value)
{
	*cell = value;
	return 7;
}

unsigned strlcpy(unsigned x)
{
	return x ^ 0x5a5au;
}

int panic(int code)
{
	return -code;
}

int kmem_alloc(void)
{
	return 4096;
}

int mutex_enter(void)
{
	return 11;
}

/* Output without stdio, whose printf this program has replaced. */
static void say(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	if (write(1, s, n) < 0)
		_exit(3);
}

static void say_num(long v)
{
	char buf[24];
	int i = (int)sizeof(buf) - 1;
	int neg = v < 0;
	unsigned long u = neg ? 0ul - (unsigned long)v : (unsigned long)v;

	buf[i] = '\0';
	do
		buf[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (neg)
		buf[--i] = '-';
	say(buf + i);
}

static int failures;

static void check(const char *what, long got, long want)
{
	say("  ");
	say(what);
	say(" = ");
	say_num(got);
	if (got == want) {
		say(" ok\n");
	} else {
		say(" WRONG, want ");
		say_num(want);
		say("\n");
		failures++;
	}
}

static int same(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return *a == *b;
}

int main(void)
{
	int cell = 0;

	say("the program's own functions:\n");
	check("printf(3, 4)", printf(3, 4), 304);
	check("socket() is the program's", same(socket(), "program socket"), 1);
	check("open(5)", open(5), 1005);
	check("bind(&cell, 42)", bind(&cell, 42) * 100 + cell, 742);
	check("strlcpy(0)", (long)strlcpy(0), 0x5a5a);
	check("panic(9)", panic(9), -9);
	check("kmem_alloc()", kmem_alloc(), 4096);
	check("mutex_enter()", mutex_enter(), 11);

	say("the kernel:\n");
	check("rump_init()", rump_init(), 0);
	check("rump_sys_getpid()", (long)rump_sys_getpid(), 1);

	say("and the program's again, after the kernel ran:\n");
	check("printf(1, 2)", printf(1, 2), 102);
	check("strlcpy(0x5a5a)", (long)strlcpy(0x5a5au), 0);

	say(failures == 0 ? "namespace: ok\n" : "namespace: FAILED\n");
	return failures == 0 ? 0 : 1;
}
