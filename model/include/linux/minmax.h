/* SPDX-License-Identifier: MIT */
/* kmapsim: the three-way and unsigned min/max of include/linux/minmax.h. */
#ifndef _KMAPSIM_LINUX_MINMAX_H
#define _KMAPSIM_LINUX_MINMAX_H
#include <linux/kernel.h>
#define min3(x, y, z) min((__typeof__(x))min(x, y), z)
#define max3(x, y, z) max((__typeof__(x))max(x, y), z)
#define umin(x, y) min_t(unsigned long long, (x), (y))
#define umax(x, y) max_t(unsigned long long, (x), (y))
#define min_not_zero(x, y) ({ __typeof__(x) __x = (x); __typeof__(y) __y = (y); \
	__x == 0 ? __y : ((__y == 0) ? __x : min(__x, __y)); })
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)
#define clamp_val(val, lo, hi) clamp_t(__typeof__(val), val, lo, hi)
#define swap(a, b) do { __typeof__(a) __tmp = (a); (a) = (b); (b) = __tmp; } while (0)
/* constant-expression forms, each argument evaluated twice (spelt as
 * <sys/param.h> spells them, so either header may come first) */
#define MIN(a,b) (((a)<(b))?(a):(b))
#define MAX(a,b) (((a)>(b))?(a):(b))
#define __KERNEL_DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define round_up(x, y) ((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y) - 1)))
/*
 * val lies in [start, start + len): one unsigned comparison, so a range
 * ending past the type's top still holds the values below it (6.12's
 * minmax.h; 6.1's kernel.h had the two-sided test).
 */
#define in_range(val, start, len) \
	((unsigned long long)(val) - (unsigned long long)(start) < (unsigned long long)(len))
#endif /* _KMAPSIM_LINUX_MINMAX_H */
