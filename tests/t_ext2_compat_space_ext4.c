/*
 * t_ext2_compat_space_ext4.c -- tests/ext2/compat_space.c on ext4 images with
 * 1 KiB and 4 KiB blocks (one program per type keeps each well inside
 * the runner's time limit).
 */
/* hosts: posix */
#define EXT2_COMPAT_TYPE "ext4"
#include "ext2/compat_space.c"
