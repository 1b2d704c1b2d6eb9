/*
 * switch.c -- the part of the fiber host that a port rewrites: contexts on
 * their own stacks and the switch between them (here ucontext on mmap), and
 * sleeping the host thread when no fiber can run.  Each switch is announced
 * to AddressSanitizer, which would otherwise report false stack errors.
 */
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "fiber.h"

#ifndef __has_feature
#define __has_feature(x) 0 /* gcc before 14 */
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#define FIBER_STACK_SIZE (256 * 1024)

/* A made context lives at the top of its own stack, above stack+size. */
struct fiber_ctx {
	ucontext_t uc;
	void *stack; /* lowest byte; on the main stack, learnt from ASan */
	size_t size;
	void *fake; /* ASan's fake stack while this context is switched out */
};

struct fiber_ctx fiber_main_ctx;
static struct fiber_ctx *switch_from, *switch_to;

/* Apart, so that no variable of the caller lives across a second return. */
static void ctx_get(ucontext_t *uc)
{
	getcontext(uc);
}

/* The stack comes from mmap, with a guard page below it. */
struct fiber_ctx *fiber_ctx_make(void (*entry)(void))
{
	size_t guard = (size_t)sysconf(_SC_PAGESIZE);
	char *stack =
		mmap(NULL, guard + FIBER_STACK_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	struct fiber_ctx *ctx;

	if (stack == MAP_FAILED)
		return NULL;
	mprotect(stack, guard, PROT_NONE); /* a failure costs only the guard */
	stack += guard;
	ctx = (struct fiber_ctx *)(stack + FIBER_STACK_SIZE) - 1;
	ctx->stack = stack;
	ctx->size = (size_t)((char *)ctx - stack);
	ctx->fake = NULL;
	ctx_get(&ctx->uc);
	ctx->uc.uc_stack.ss_sp = stack;
	ctx->uc.uc_stack.ss_size = ctx->size;
	ctx->uc.uc_link = NULL;
	makecontext(&ctx->uc, entry, 0);
	return ctx;
}

/* Never the main context. */
void fiber_ctx_free(struct fiber_ctx *ctx)
{
	size_t guard = (size_t)sysconf(_SC_PAGESIZE);

#ifdef FIBER_ASAN
	/* Frames that never returned leave poison a later mapping inherits. */
	__asan_unpoison_memory_region(ctx->stack, FIBER_STACK_SIZE);
#endif
	munmap((char *)ctx->stack - guard, guard + FIBER_STACK_SIZE);
}

/* Completes a switch, in the context switched to. */
void fiber_ctx_started(void)
{
#ifdef FIBER_ASAN
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(switch_to->fake, &bottom, &size);
	if (switch_from == &fiber_main_ctx) {
		fiber_main_ctx.stack = (void *)bottom;
		fiber_main_ctx.size = size;
	}
#endif
}

void fiber_ctx_switch(struct fiber_ctx *from, struct fiber_ctx *to, int dying)
{
	volatile int resumed = 0; /* getcontext() returns twice */

	switch_from = from;
	switch_to = to;
#ifdef FIBER_ASAN
	__sanitizer_start_switch_fiber(dying ? NULL : &from->fake, to->stack,
				       to->size);
#endif
	/* Not swapcontext(), which ASan intercepts with a warning. */
	if (!dying) {
		getcontext(&from->uc);
		if (resumed) {
			fiber_ctx_started();
			return;
		}
		resumed = 1;
	}
	setcontext(&to->uc);
}

const int rumpuser__vclock_capable = 1;
void fiber_idle(int64_t deadline)
{
	struct timespec ts = {deadline / 1000000000, deadline % 1000000000};

	if (rumpuser__vclock_advance(deadline)) /* hosts/shim/vclock.c */
		return;
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}
