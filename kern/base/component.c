/*
 * component.c -- the component registry.  Linked components register from
 * constructors before main(); component_init_all() runs them stage by
 * stage, and within a stage a component after those it depends on.  A
 * missing dependency or a failing init fails the boot with a message that
 * names the component; components that did start are stopped again in
 * reverse order.
 */
#include <sys/component.h>
#include <sys/systm.h>

enum { RC_REGISTERED, RC_VISITING, RC_RUNNING };

static struct rump_component *registered;
static struct rump_component *started[64];
static int nstarted;

void rump_component_register(struct rump_component *rc)
{
	/* Sorted by name so the order is the same however the linker ordered
	 * the constructors. */
	struct rump_component **pp = &registered;

	while (*pp != NULL && strcmp((*pp)->rc_name, rc->rc_name) < 0)
		pp = &(*pp)->rc_next;
	rc->rc_next = *pp;
	*pp = rc;
}

static struct rump_component *component_find(const char *name)
{
	for (struct rump_component *rc = registered; rc; rc = rc->rc_next)
		if (strcmp(rc->rc_name, name) == 0)
			return rc;
	return NULL;
}

static int component_start(struct rump_component *rc)
{
	int error;

	if (rc->rc_state == RC_RUNNING)
		return 0;
	if (rc->rc_state == RC_VISITING) {
		printf("rump kernel: component %s depends on itself\n",
		       rc->rc_name);
		return EINVAL;
	}
	rc->rc_state = RC_VISITING;
	for (const char *const *d = rc->rc_depends; d && *d; d++) {
		struct rump_component *dep = component_find(*d);
		if (dep == NULL) {
			printf("rump kernel: component %s needs %s, which is "
			       "not linked\n",
			       rc->rc_name, *d);
			return ENOENT;
		}
		if (dep->rc_stage > rc->rc_stage) {
			printf("rump kernel: component %s (stage %d) needs %s "
			       "of a later stage\n",
			       rc->rc_name, rc->rc_stage, *d);
			return EINVAL;
		}
		if ((error = component_start(dep)) != 0)
			return error;
	}
	if (nstarted == (int)__arraycount(started)) {
		printf("rump kernel: too many components\n");
		return E2BIG;
	}
	aprint_verbose("rump kernel: starting component %s\n", rc->rc_name);
	if (rc->rc_init != NULL && (error = rc->rc_init()) != 0) {
		printf("rump kernel: component %s failed to start: %s\n",
		       rc->rc_name,
		       error > 0 && error <= ELAST ? errno_names[error]
						   : "unknown error");
		return error;
	}
	rc->rc_state = RC_RUNNING;
	started[nstarted++] = rc;
	return 0;
}

int component_init_all(void)
{
	int error = 0;

	for (int stage = 0; stage < RUMP_STAGE_COUNT && error == 0; stage++)
		for (struct rump_component *rc = registered;
		     rc != NULL && error == 0; rc = rc->rc_next)
			if ((int)rc->rc_stage == stage)
				error = component_start(rc);
	if (error != 0)
		component_fini_all();
	return error;
}

void component_fini_all(void)
{
	while (nstarted > 0) {
		struct rump_component *rc = started[--nstarted];
		if (rc->rc_fini != NULL)
			rc->rc_fini();
		rc->rc_state = RC_REGISTERED;
	}
	for (struct rump_component *rc = registered; rc; rc = rc->rc_next)
		rc->rc_state = RC_REGISTERED;
}
