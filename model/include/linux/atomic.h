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

KMAPSIM_ATOMIC_OPS(atomic, atomic_t, int)
KMAPSIM_ATOMIC_OPS(atomic_long, atomic_long_t, long)
KMAPSIM_ATOMIC_OPS(atomic64, atomic64_t, s64)

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
