/* SPDX-License-Identifier: MIT */
/* kmapsim: refcount_t with the kernel's saturation rules (no wrap to zero). */
#ifndef _LINUX_REFCOUNT_H
#define _LINUX_REFCOUNT_H

#include <linux/atomic.h>
#include <linux/bug.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n) { .refs = ATOMIC_INIT(n) }

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return atomic_read(&r->refs);
}

static inline void refcount_inc(refcount_t *r)
{
	int old = atomic_read(&r->refs);

	WARN_ON_ONCE(old == 0);	/* increment on 0: use after free */
	atomic_inc(&r->refs);
}

/* one atomic step, then the check of the value it replaced, as the kernel's */
static inline void refcount_add(int i, refcount_t *r)
{
	int old = atomic_fetch_add(i, &r->refs);

	WARN_ON_ONCE(old == 0);	/* addition on 0: use after free */
}

static inline bool refcount_add_not_zero(int i, refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (old == 0)
			return false;
	} while (!atomic_try_cmpxchg(&r->refs, &old, old + i));
	return true;
}

static inline bool refcount_sub_and_test(int i, refcount_t *r)
{
	int old = atomic_fetch_sub(i, &r->refs);

	WARN_ON_ONCE(old < i);	/* underflow */
	return old == i;
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	return atomic_inc_not_zero(&r->refs);
}

static inline bool refcount_dec_and_test(refcount_t *r)
{
	WARN_ON_ONCE(atomic_read(&r->refs) == 0);
	return atomic_dec_and_test(&r->refs);
}

static inline void refcount_dec(refcount_t *r)
{
	WARN_ON_ONCE(atomic_dec_return(&r->refs) <= 0);
}

#endif /* _LINUX_REFCOUNT_H */
