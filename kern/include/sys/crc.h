/*
 * sys/crc.h -- checksums of the kernel libc (kern/libc/crc.c) used by
 * on-disk formats: crc32c (Castagnoli) as ext4 and jbd2 use it, and the
 * ANSI crc16 of ext4's uninit_bg group descriptors.  Both are raw register
 * updates: the caller chooses the initial value and any final inversion.
 */
#ifndef RUMPKERN_SYS_CRC_H_
#define RUMPKERN_SYS_CRC_H_
#include <sys/types.h>

/* crc32c, reflected polynomial 0x82F63B78; the standard CRC-32C of a
 * buffer is ~crc32c(~0u, buf, len). */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);
/* The table-driven version crc32c uses where the CPU has no crc32c
 * instruction (tests compare the two). */
uint32_t crc32c_sw(uint32_t crc, const void *buf, size_t len);
/* crc16, reflected polynomial 0xA001 (ANSI 0x8005). */
uint16_t crc16(uint16_t crc, const void *buf, size_t len);
#endif
