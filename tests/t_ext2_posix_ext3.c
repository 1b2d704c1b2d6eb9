/*
 * t_ext2_posix_ext3.c -- the POSIX conformance suite on ext3 images with
 * 1 KiB and 4 KiB blocks, e2fsck -fn after every test
 * (tests/ext2/posix_ext2.c).
 */
/* hosts: posix */
#define EXT2_POSIX_TYPE "ext3"
#include "ext2/posix_ext2.c"
