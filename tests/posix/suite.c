/*
 * suite.c -- the POSIX conformance suite as one translation unit: the
 * runner and every area's test bodies.  A front end's program compiles
 * this file with its own backend (t_posix.c includes it; posix.mk
 * compiles it for the host oracle), so the list of areas lives here and
 * in runner.c's table only.
 */
#include "runner.c"

#include "p_open.c"
#include "p_io.c"
#include "p_stat.c"
#include "p_dir.c"
#include "p_link.c"
#include "p_rename.c"
#include "p_perm.c"
#include "p_fd.c"
#include "p_limits.c"
