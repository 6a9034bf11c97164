/* SPDX-License-Identifier: MIT */
/* kmapsim: bit helpers. kmapsim runs on a 64-bit host: a long has 64 bits
 * on every profile (CONFIG_64BIT says what the simulated kernel is). */
#ifndef _LINUX_BITS_H
#define _LINUX_BITS_H
/*
 * linux/const.h, which the kernel's bits.h includes: a constant with its
 * suffix pasted on (_AC(1, UL) is 1UL; the kernel's assembler side drops
 * it, C never does). Its uapi half is the C library's <linux/const.h>
 * where there is one (a second definition beside it would clash when a
 * system header includes it); UL()/ULL() are vdso/const.h's.
 */
#if defined(__has_include)
#if __has_include(<linux/const.h>)
#define KMAPSIM_HAVE_UAPI_CONST 1
#include <linux/const.h>
#endif
#endif
#ifndef KMAPSIM_HAVE_UAPI_CONST
#define __AC(X, Y) (X##Y)
#define _AC(X, Y) __AC(X, Y)
#define _AT(T, X) ((T)(X))
#define _UL(x) (_AC(x, UL))
#define _ULL(x) (_AC(x, ULL))
#define _BITUL(x) (_UL(1) << (x))
#define _BITULL(x) (_ULL(1) << (x))
#endif
#define UL(x) (_UL(x))
#define ULL(x) (_ULL(x))

#define BITS_PER_LONG 64
#define BITS_PER_LONG_LONG 64
#define BITS_PER_BYTE 8
#define BITS_PER_TYPE(type) (sizeof(type) * BITS_PER_BYTE)
#define BITS_TO_LONGS(nr) (((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define BIT(nr) (1UL << (nr))
#define BIT_ULL(nr) (1ULL << (nr))
#define GENMASK(h, l) (((~0UL) - (1UL << (l)) + 1) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#endif /* _LINUX_BITS_H */
