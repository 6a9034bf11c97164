/* SPDX-License-Identifier: MIT */
/* kmapsim: the everyday helpers of include/linux/kernel.h and friends. */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <errno.h>
#include <string.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bug.h>

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define min(x, y) ({ __typeof__(x) _mn_x = (x); __typeof__(y) _mn_y = (y); \
	_mn_x < _mn_y ? _mn_x : _mn_y; })
#define max(x, y) ({ __typeof__(x) _mx_x = (x); __typeof__(y) _mx_y = (y); \
	_mx_x > _mx_y ? _mx_x : _mx_y; })
#define min_t(type, x, y) ({ type _mnt_x = (x); type _mnt_y = (y); \
	_mnt_x < _mnt_y ? _mnt_x : _mnt_y; })
#define max_t(type, x, y) ({ type _mxt_x = (x); type _mxt_y = (y); \
	_mxt_x > _mxt_y ? _mxt_x : _mxt_y; })
#define clamp(val, lo, hi) min(max(val, lo), hi)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
/* linux/math.h: to a multiple of y, any y (round_up/round_down need a power of 2) */
#define roundup(x, y) ({ __typeof__(y) __ru_y = (y); (((x) + (__ru_y - 1)) / __ru_y) * __ru_y; })
#define rounddown(x, y) ({ __typeof__(x) __rd_x = (x); __rd_x - (__rd_x % (y)); })
#define DIV_ROUND_DOWN_ULL(ll, d) ({ unsigned long long _tmp = (ll); _tmp / (d); })
#define DIV_ROUND_UP_ULL(ll, d) DIV_ROUND_DOWN_ULL((unsigned long long)(ll) + (d) - 1, (d))
/* A user pointer an ioctl passes as a u64, which it must be (warns otherwise). */
#define u64_to_user_ptr(x)						\
	({								\
		u64 __kmapsim_u64;					\
		__typeof__(x) __kmapsim_arg;				\
		(void)(&__kmapsim_u64 == &__kmapsim_arg);		\
		(void __user *)(uintptr_t)(x);				\
	})
#define ALIGN(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

/*
 * lib/string.c's memchr_inv(): the first byte of [start, start + bytes)
 * that is not c, or NULL. It reads byte by byte in the subject's own code,
 * so a scan through a kmap window is checked as every other access.
 */
static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = (const unsigned char *)start;
	size_t i;

	for (i = 0; i < bytes; i++)
		if (p[i] != (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

#endif /* _LINUX_KERNEL_H */
