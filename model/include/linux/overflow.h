/* SPDX-License-Identifier: MIT */
/* kmapsim: the size helpers of include/linux/overflow.h (saturating at SIZE_MAX). */
#ifndef _KMAPSIM_LINUX_OVERFLOW_H
#define _KMAPSIM_LINUX_OVERFLOW_H
#include <linux/types.h>

static inline size_t size_mul(size_t a, size_t b)
{
	size_t r;

	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

static inline size_t size_add(size_t a, size_t b)
{
	size_t r;

	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

#define array_size(a, b) size_mul((a), (b))
#define flex_array_size(p, member, count) size_mul((count), sizeof(*(p)->member))
#define struct_size(p, member, count) size_add(sizeof(*(p)), flex_array_size(p, member, count))
#define struct_size_t(type, member, count) struct_size((type *)NULL, member, count)
#endif /* _KMAPSIM_LINUX_OVERFLOW_H */
