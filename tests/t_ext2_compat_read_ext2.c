/*
 * t_ext2_compat_read_ext2.c -- tests/ext2/compat_read.c on ext2 images with
 * 1 KiB and 4 KiB blocks (one program per type keeps each well inside
 * the runner's time limit).
 */
/* hosts: posix */
#define EXT2_COMPAT_TYPE "ext2"
#include "ext2/compat_read.c"
