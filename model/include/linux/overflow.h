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

/*
 * a OP b stored in *d, and whether the true result did not fit (the
 * compiler's checked arithmetic, as the kernel's macros are).
 */
#define check_add_overflow(a, b, d) __builtin_expect(!!__builtin_add_overflow((a), (b), (d)), 0)
#define check_sub_overflow(a, b, d) __builtin_expect(!!__builtin_sub_overflow((a), (b), (d)), 0)
#define check_mul_overflow(a, b, d) __builtin_expect(!!__builtin_mul_overflow((a), (b), (d)), 0)

#define array_size(a, b) size_mul((a), (b))
#define flex_array_size(p, member, count) size_mul((count), sizeof(*(p)->member))
#define struct_size(p, member, count) size_add(sizeof(*(p)), flex_array_size(p, member, count))
#define struct_size_t(type, member, count) struct_size((type *)NULL, member, count)

/*
 * castable_to_type(n, T): whether n keeps its value as a T. A constant is
 * checked by its value, anything else by its type, which must be T; either
 * way a constant expression, as static_assert() needs (i915's
 * i915_gem_object_get_page() asserts it of its page index).
 */
#define castable_to_type(n, T)							\
	__builtin_choose_expr(__builtin_constant_p(n),				\
			      ((T)(n) == (n) && ((n) > 0) == ((T)(n) > 0)),	\
			      __builtin_types_compatible_p(__typeof__(n), T))

/* overflows_type(n, T): whether n's value does not fit in a T. */
#define overflows_type(n, T)								\
	({										\
		__typeof__(T) __kmapsim_v;						\
		__builtin_add_overflow((n), 0, &__kmapsim_v);				\
	})
#endif /* _KMAPSIM_LINUX_OVERFLOW_H */
