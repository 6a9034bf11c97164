/* SPDX-License-Identifier: MIT */
/* kmapsim: bit helpers. kmapsim runs on a 64-bit host: a long has 64 bits
 * on every profile (CONFIG_64BIT says what the simulated kernel is). */
#ifndef _LINUX_BITS_H
#define _LINUX_BITS_H
#define BITS_PER_LONG 64
#define BITS_PER_LONG_LONG 64
#define BITS_PER_BYTE 8
#define BITS_PER_TYPE(type) (sizeof(type) * BITS_PER_BYTE)
#define BITS_TO_LONGS(nr) (((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define BIT(nr) (1UL << (nr))
#define BIT_ULL(nr) (1ULL << (nr))
#define GENMASK(h, l) (((~0UL) - (1UL << (l)) + 1) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#endif /* _LINUX_BITS_H */
