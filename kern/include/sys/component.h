/*
 * sys/component.h -- the component registry.  A component (a faction or a
 * driver library) declares its name, init stage, dependencies and init /
 * fini functions with RUMP_COMPONENT; linking the library registers it (a
 * constructor), and rump_init() runs every registered component stage by
 * stage, dependencies first.  Init returns 0 or an errno; a failure fails
 * the boot with a message naming the component.
 */
#ifndef RUMPKERN_SYS_COMPONENT_H_
#define RUMPKERN_SYS_COMPONENT_H_
#include <sys/types.h>

enum rump_component_stage {
	RUMP_STAGE_BASE,
	RUMP_STAGE_VFS,
	RUMP_STAGE_NET,
	RUMP_STAGE_DEV,
	RUMP_STAGE_DRIVER, /* file systems, protocols, interfaces */
	RUMP_STAGE_POSTINIT,
	RUMP_STAGE_SYSCALL,
	RUMP_STAGE_COUNT
};

struct rump_component {
	const char *rc_name;
	enum rump_component_stage rc_stage;
	const char *const *rc_depends; /* NULL-terminated names, or NULL */
	int (*rc_init)(void);
	void (*rc_fini)(void);
	struct rump_component *rc_next;
	int rc_state;
};

void rump_component_register(struct rump_component *rc);
/*
 * 0 while the kernel runs; ENOSYS before rump_init(), ESHUTDOWN after
 * shutdown.  Every entry point from the host checks it first.
 */
int kern_entry_error(void);
/* Shutdown, in two halves (init.c): inside the reboot call, and after. */
int kern_shutdown_begin(int howto);
bool kern_shutdown_is_pending(void);
void kern_shutdown_finish(void);
/* The rump_sys_reboot() flags while components stop (RB_NOSYNC etc.). */
int kern_shutdown_howto(void);
int component_init_all(void);
void component_fini_all(void);

/*
 * RUMP_COMPONENT(tmpfs, RUMP_STAGE_DRIVER, deps, init, fini) also defines
 * rump_component_link_tmpfs, which pkg-config names with -Wl,-u so that a
 * static link pulls the component in.
 */
#define RUMP_COMPONENT(name, stage, deps, init, fini)                          \
	int rump_component_link_##name = 1;                                    \
	static struct rump_component rump_component_##name##_desc = {          \
		#name, stage, deps, init, fini, NULL, 0};                      \
	__attribute__((__constructor__)) static void                           \
		rump_component_##name##_ctor(void)                             \
	{                                                                      \
		rump_component_register(&rump_component_##name##_desc);        \
	}
#endif
