/*
 * sys/systm.h -- what every kernel file needs: the kernel's own small libc
 * (string and memory functions, formatted printing), console and panic,
 * assertions, and a few arithmetic helpers.  Nothing here touches the host
 * except through rumpuser_* hypercalls.
 */
#ifndef RUMPKERN_SYS_SYSTM_H_
#define RUMPKERN_SYS_SYSTM_H_
#include <stdarg.h>
#include <sys/errno.h>
#include <sys/types.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define howmany(x, y) (((x) + ((y)-1)) / (y))
#define roundup(x, y) (howmany(x, y) * (y))
#define __arraycount(a) (sizeof(a) / sizeof((a)[0]))
#define __predict_true(x) __builtin_expect(!!(x), 1)
#define __predict_false(x) __builtin_expect(!!(x), 0)
#define __unused __attribute__((__unused__))
#define __noreturn __attribute__((__noreturn__))
#define __printflike(f, a) __attribute__((__format__(__printf__, f, a)))
#define container_of(p, type, member)                                          \
	((type *)((char *)(p)-offsetof(type, member)))

/* string.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);
/* Parse an unsigned decimal (or 0x hex) number; 0 or EINVAL/ERANGE. */
int kstrtou64(const char *s, uint64_t *valp);

/* printf.c: %d %i %u %x %X %o %p %s %c %% with l, ll, z, j, h modifiers. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printflike(3, 4);

/* console.c */
int printf(const char *fmt, ...) __printflike(1, 2);
int vprintf(const char *fmt, va_list ap);
/* Printed only when RUMP_VERBOSE is set. */
void aprint_verbose(const char *fmt, ...) __printflike(1, 2);
extern int boothowto_verbose;

/* panic.c */
void panic(const char *fmt, ...) __printflike(1, 2) __noreturn;

#ifdef DIAGNOSTIC_OFF
#define KASSERT(e) ((void)0)
#else
#define KASSERT(e)                                                             \
	(__predict_true(e) ? (void)0                                           \
			   : panic("kernel assertion \"%s\" failed: %s:%d",    \
				   #e, __FILE__, __LINE__))
#endif
#define KASSERTMSG(e, ...) (__predict_true(e) ? (void)0 : panic(__VA_ARGS__))

/* copy.c: moving data between a process and the kernel (EFAULT). */
int copyin(const void *uaddr, void *kaddr, size_t len);
int copyout(const void *kaddr, void *uaddr, size_t len);
int copyinstr(const void *uaddr, void *kaddr, size_t len, size_t *done);
#endif
