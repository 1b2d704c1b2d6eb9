/*
 * sp_marshal.h -- the remote client's table of how to pack each system
 * call's argument slots (generated into gen/marshal.c from the master
 * list).  A raw slot travels as it is; a buffer slot's memory is copied
 * with the request (SP_DIR_IN) and back with the reply (SP_DIR_OUT), its
 * size from the other slots; whatever is not packed stays a client
 * address that the server reaches by the copyin/copyout fallback.
 */
#ifndef LIB_RUMPCLIENT_SP_MARSHAL_H_
#define LIB_RUMPCLIENT_SP_MARSHAL_H_
#include <stdint.h>

enum { SP_ARG_RAW, SP_ARG_BUF, SP_ARG_STR };
#define SP_DIR_IN 1
#define SP_DIR_OUT 2
enum {
	SP_COUNT_ONE,	/* one element */
	SP_COUNT_CONST, /* sa_const elements */
	SP_COUNT_SLOT,	/* the value of slot sa_ref */
	SP_COUNT_PTR,	/* the sa_refwidth-byte value slot sa_ref points to */
};
#define SP_RETCOUNT 1 /* out: only retval[0] elements come back */

struct sp_argdesc {
	uint8_t sa_kind;
	uint8_t sa_dir;
	uint8_t sa_count;
	uint8_t sa_flags;
	uint8_t sa_ref;
	uint8_t sa_refwidth;
	uint32_t sa_const;
	uint32_t sa_elsize;
};

struct sp_calldesc {
	uint16_t sc_nargs; /* 0: unknown number, or a call without slots */
	const struct sp_argdesc *sc_args;
};

extern const struct sp_calldesc sp_calls[];
extern const int sp_ncalls;

#endif
