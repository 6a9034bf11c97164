/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: atomic_t, atomic_long_t and atomic64_t (the types live in
 * <linux/types.h>, as in the kernel). Every operation is a scheduling
 * point before it takes effect (see <linux/compiler.h>); the operation
 * itself is one host atomic instruction, so it is atomic for simulated
 * tasks and torture threads alike. The _return, _and_test, cmpxchg and
 * xchg forms are fully ordered as in the kernel; the others are relaxed.
 */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/types.h>
#include <linux/compiler.h>

#define ATOMIC_INIT(i) { (i) }
#define ATOMIC_LONG_INIT(i) { (i) }
#define ATOMIC64_INIT(i) { (i) }

#define KMAPSIM_ATOMIC_OPS(pfx, atype, ctype)				\
static inline ctype pfx##_read(const atype *v)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_READ,		\
			      #pfx "_read");				\
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_set(atype *v, ctype i)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_set");				\
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline ctype pfx##_add_return(ctype i, atype *v)			\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_add_return");			\
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_sub_return(ctype i, atype *v)			\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_sub_return");			\
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline void pfx##_add(ctype i, atype *v)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_add");				\
	__atomic_add_fetch(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_sub(ctype i, atype *v)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_sub");				\
	__atomic_sub_fetch(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_inc(atype *v)					\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_inc");				\
	__atomic_add_fetch(&v->counter, 1, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_dec(atype *v)					\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_dec");				\
	__atomic_sub_fetch(&v->counter, 1, __ATOMIC_RELAXED);		\
}									\
static inline ctype pfx##_inc_return(atype *v)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_inc_return");			\
	return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_dec_return(atype *v)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_dec_return");			\
	return __atomic_sub_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);	\
}									\
static inline bool pfx##_dec_and_test(atype *v)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_dec_and_test");			\
	return __atomic_sub_fetch(&v->counter, 1, __ATOMIC_SEQ_CST) == 0; \
}									\
static inline bool pfx##_inc_and_test(atype *v)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_inc_and_test");			\
	return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST) == 0; \
}									\
static inline bool pfx##_sub_and_test(ctype i, atype *v)		\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_sub_and_test");			\
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST) == 0; \
}									\
static inline ctype pfx##_xchg(atype *v, ctype n)			\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_xchg");				\
	return __atomic_exchange_n(&v->counter, n, __ATOMIC_SEQ_CST);	\
}									\
/* A failed compare-and-exchange only read: a loop of them spins. */	\
static inline ctype pfx##_cmpxchg(atype *v, ctype old, ctype n)		\
{									\
	ctype cur = old;						\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_READ,		\
			      #pfx "_cmpxchg");				\
	if (__atomic_compare_exchange_n(&v->counter, &cur, n, false,	\
					__ATOMIC_SEQ_CST,		\
					__ATOMIC_SEQ_CST))		\
		kmapsim_shared_access(&v->counter,			\
				      KMAPSIM_SHARED_PROGRESS,		\
				      #pfx "_cmpxchg");			\
	return cur;							\
}									\
/* cmpxchg that says whether it stored; on failure *old is the value */	\
static inline bool pfx##_try_cmpxchg(atype *v, ctype *old, ctype n)	\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_READ,		\
			      #pfx "_try_cmpxchg");			\
	if (!__atomic_compare_exchange_n(&v->counter, old, n, false,	\
					 __ATOMIC_SEQ_CST,		\
					 __ATOMIC_SEQ_CST))		\
		return false;						\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_PROGRESS,	\
			      #pfx "_try_cmpxchg");			\
	return true;							\
}

/*
 * The fetch_ forms give the value before; the bitwise ones are relaxed,
 * their fetch_ forms fully ordered, as in the kernel.
 */
#define KMAPSIM_ATOMIC_FETCH_OPS(pfx, atype, ctype)			\
static inline ctype pfx##_fetch_add(ctype i, atype *v)			\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_fetch_add");			\
	return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_fetch_sub(ctype i, atype *v)			\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_fetch_sub");			\
	return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_fetch_inc(atype *v)				\
{									\
	return pfx##_fetch_add(1, v);					\
}									\
static inline ctype pfx##_fetch_dec(atype *v)				\
{									\
	return pfx##_fetch_sub(1, v);					\
}									\
static inline void pfx##_and(ctype i, atype *v)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_and");				\
	__atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_or(ctype i, atype *v)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_or");				\
	__atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_andnot(ctype i, atype *v)			\
{									\
	pfx##_and(~i, v);						\
}									\
static inline ctype pfx##_fetch_and(ctype i, atype *v)			\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_fetch_and");			\
	return __atomic_fetch_and(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_fetch_or(ctype i, atype *v)			\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_fetch_or");			\
	return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_fetch_andnot(ctype i, atype *v)		\
{									\
	return pfx##_fetch_and(~i, v);					\
}									\
static inline void pfx##_xor(ctype i, atype *v)				\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_xor");				\
	__atomic_fetch_xor(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline ctype pfx##_fetch_xor(ctype i, atype *v)			\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_fetch_xor");			\
	return __atomic_fetch_xor(&v->counter, i, __ATOMIC_SEQ_CST);	\
}

/*
 * The conditional forms: a read, then a try_cmpxchg() loop that stores
 * only while the condition holds for the value it finds (a failed attempt
 * only read, so a task retrying against another's updates spins fairly).
 */
#define KMAPSIM_ATOMIC_COND_OPS(pfx, atype, ctype)			\
/* adds a unless the value is u; gives the value found */		\
static inline ctype pfx##_fetch_add_unless(atype *v, ctype a, ctype u)	\
{									\
	ctype c = pfx##_read(v);					\
									\
	while (c != u && !pfx##_try_cmpxchg(v, &c, c + a))		\
		;							\
	return c;							\
}									\
static inline bool pfx##_add_unless(atype *v, ctype a, ctype u)	\
{									\
	return pfx##_fetch_add_unless(v, a, u) != u;			\
}									\
static inline bool pfx##_inc_not_zero(atype *v)				\
{									\
	return pfx##_add_unless(v, 1, 0);				\
}									\
static inline bool pfx##_inc_unless_negative(atype *v)			\
{									\
	ctype c = pfx##_read(v);					\
									\
	while (c >= 0)							\
		if (pfx##_try_cmpxchg(v, &c, c + 1))			\
			return true;					\
	return false;							\
}									\
static inline bool pfx##_dec_unless_positive(atype *v)			\
{									\
	ctype c = pfx##_read(v);					\
									\
	while (c <= 0)							\
		if (pfx##_try_cmpxchg(v, &c, c - 1))			\
			return true;					\
	return false;							\
}									\
/* decrements unless that goes below 0; gives the value less one */	\
static inline ctype pfx##_dec_if_positive(atype *v)			\
{									\
	ctype c = pfx##_read(v);					\
									\
	while (c - 1 >= 0 && !pfx##_try_cmpxchg(v, &c, c - 1))		\
		;							\
	return c - 1;							\
}

/*
 * The _relaxed, _acquire and _release forms of the value-returning
 * operations are the fully ordered ones: a stronger order is a correct
 * implementation of each, and the model's tasks see one order anyway.
 * atomic_read_acquire() and atomic_set_release() order as named.
 */
#define KMAPSIM_ATOMIC_ORDERED(pfx, atype, ctype, sfx)			\
static inline ctype pfx##_add_return##sfx(ctype i, atype *v)		\
{ return pfx##_add_return(i, v); }					\
static inline ctype pfx##_sub_return##sfx(ctype i, atype *v)		\
{ return pfx##_sub_return(i, v); }					\
static inline ctype pfx##_inc_return##sfx(atype *v)			\
{ return pfx##_inc_return(v); }						\
static inline ctype pfx##_dec_return##sfx(atype *v)			\
{ return pfx##_dec_return(v); }						\
static inline ctype pfx##_fetch_add##sfx(ctype i, atype *v)		\
{ return pfx##_fetch_add(i, v); }					\
static inline ctype pfx##_fetch_sub##sfx(ctype i, atype *v)		\
{ return pfx##_fetch_sub(i, v); }					\
static inline ctype pfx##_fetch_inc##sfx(atype *v)			\
{ return pfx##_fetch_inc(v); }						\
static inline ctype pfx##_fetch_dec##sfx(atype *v)			\
{ return pfx##_fetch_dec(v); }						\
static inline ctype pfx##_fetch_and##sfx(ctype i, atype *v)		\
{ return pfx##_fetch_and(i, v); }					\
static inline ctype pfx##_fetch_andnot##sfx(ctype i, atype *v)		\
{ return pfx##_fetch_andnot(i, v); }					\
static inline ctype pfx##_fetch_or##sfx(ctype i, atype *v)		\
{ return pfx##_fetch_or(i, v); }					\
static inline ctype pfx##_fetch_xor##sfx(ctype i, atype *v)		\
{ return pfx##_fetch_xor(i, v); }					\
static inline ctype pfx##_xchg##sfx(atype *v, ctype n)			\
{ return pfx##_xchg(v, n); }						\
static inline ctype pfx##_cmpxchg##sfx(atype *v, ctype old, ctype n)	\
{ return pfx##_cmpxchg(v, old, n); }					\
static inline bool pfx##_try_cmpxchg##sfx(atype *v, ctype *old, ctype n) \
{ return pfx##_try_cmpxchg(v, old, n); }

#define KMAPSIM_ATOMIC_ACQ_REL(pfx, atype, ctype)			\
static inline ctype pfx##_read_acquire(const atype *v)			\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_READ,		\
			      #pfx "_read_acquire");			\
	return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE);		\
}									\
static inline void pfx##_set_release(atype *v, ctype i)		\
{									\
	kmapsim_shared_access(&v->counter, KMAPSIM_SHARED_WRITE,	\
			      #pfx "_set_release");			\
	__atomic_store_n(&v->counter, i, __ATOMIC_RELEASE);		\
}

#define KMAPSIM_ATOMIC_ALL_OPS(pfx, atype, ctype)			\
	KMAPSIM_ATOMIC_OPS(pfx, atype, ctype)				\
	KMAPSIM_ATOMIC_FETCH_OPS(pfx, atype, ctype)			\
	KMAPSIM_ATOMIC_COND_OPS(pfx, atype, ctype)			\
	KMAPSIM_ATOMIC_ORDERED(pfx, atype, ctype, _relaxed)		\
	KMAPSIM_ATOMIC_ORDERED(pfx, atype, ctype, _acquire)		\
	KMAPSIM_ATOMIC_ORDERED(pfx, atype, ctype, _release)		\
	KMAPSIM_ATOMIC_ACQ_REL(pfx, atype, ctype)

KMAPSIM_ATOMIC_ALL_OPS(atomic, atomic_t, int)
KMAPSIM_ATOMIC_ALL_OPS(atomic_long, atomic_long_t, long)
KMAPSIM_ATOMIC_ALL_OPS(atomic64, atomic64_t, s64)

#undef KMAPSIM_ATOMIC_ALL_OPS
#undef KMAPSIM_ATOMIC_ACQ_REL
#undef KMAPSIM_ATOMIC_ORDERED
#undef KMAPSIM_ATOMIC_COND_OPS
#undef KMAPSIM_ATOMIC_FETCH_OPS
#undef KMAPSIM_ATOMIC_OPS

/*
 * xchg(), cmpxchg() and try_cmpxchg() on any naturally aligned scalar (a
 * pointer, a u32, a u64), fully ordered as the kernel's: a scheduling
 * point before they act, as for atomic_t; a value they store is handed
 * over like WRITE_ONCE()'s (a pointer into a live local mapping escapes).
 * The _relaxed/_acquire/_release forms are the fully ordered ones.
 */
#define xchg(ptr, v)								\
	({									\
		__typeof__(ptr) __kmapsim_xp = (ptr);				\
		__typeof__(*__kmapsim_xp) __kmapsim_xv = (v);			\
		kmapsim_shared_access(__kmapsim_xp, KMAPSIM_SHARED_WRITE, "xchg"); \
		__kmapsim_xv = __atomic_exchange_n(__kmapsim_xp, __kmapsim_xv, __ATOMIC_SEQ_CST); \
		kmapsim_shared_stored(__kmapsim_xp, sizeof(*__kmapsim_xp), "xchg"); \
		__kmapsim_xv;							\
	})
/* A failed compare-and-exchange only read: a loop of them spins. */
#define __kmapsim_try_cmpxchg(ptr, oldp, n, api)				\
	({									\
		__typeof__(ptr) __kmapsim_cp = (ptr);				\
		__typeof__(*__kmapsim_cp) __kmapsim_cn = (n);			\
		bool __kmapsim_ok;						\
		kmapsim_shared_access(__kmapsim_cp, KMAPSIM_SHARED_READ, api);	\
		__kmapsim_ok = __atomic_compare_exchange_n(__kmapsim_cp, (oldp), __kmapsim_cn, false, \
							   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
		if (__kmapsim_ok) {						\
			kmapsim_shared_access(__kmapsim_cp, KMAPSIM_SHARED_PROGRESS, api); \
			kmapsim_shared_stored(__kmapsim_cp, sizeof(*__kmapsim_cp), api); \
		}								\
		__kmapsim_ok;							\
	})
#define try_cmpxchg(ptr, oldp, n) __kmapsim_try_cmpxchg(ptr, oldp, n, "try_cmpxchg")
/* the value found: old when it stored */
#define cmpxchg(ptr, old, n)							\
	({									\
		__typeof__(*(ptr)) __kmapsim_old = (old);			\
		(void)__kmapsim_try_cmpxchg(ptr, &__kmapsim_old, n, "cmpxchg"); \
		__kmapsim_old;							\
	})
#define xchg_relaxed xchg
#define xchg_acquire xchg
#define xchg_release xchg
#define cmpxchg_relaxed cmpxchg
#define cmpxchg_acquire cmpxchg
#define cmpxchg_release cmpxchg
#define cmpxchg64 cmpxchg
#define try_cmpxchg_relaxed try_cmpxchg
#define try_cmpxchg_acquire try_cmpxchg
#define try_cmpxchg_release try_cmpxchg
#define try_cmpxchg64 try_cmpxchg

#endif /* _LINUX_ATOMIC_H */
