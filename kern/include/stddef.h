/* stddef.h -- the kernel's own freestanding definitions (built with -nostdinc).
 */
#ifndef RUMPKERN_STDDEF_H_
#define RUMPKERN_STDDEF_H_
typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef __INTPTR_TYPE__ ssize_t;
#ifndef NULL
#define NULL ((void *)0)
#endif
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif
