/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: a minimal atomic_t so imported kernel code compiles on this
 * branch. The scheduler-aware atomics (every operation a scheduling point)
 * are defined by the concurrency work under the same file name and include
 * guard; that version replaces this one.
 */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/types.h>

typedef struct {
	int counter;
} atomic_t;
typedef struct {
	long counter;
} atomic_long_t;

#define ATOMIC_INIT(i) { (i) }
#define atomic_read(v) __atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)
#define atomic_set(v, i) __atomic_store_n(&(v)->counter, (i), __ATOMIC_RELAXED)
#define atomic_add(i, v) ((void)__atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST))
#define atomic_sub(i, v) ((void)__atomic_sub_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST))
#define atomic_inc(v) atomic_add(1, v)
#define atomic_dec(v) atomic_sub(1, v)
#define atomic_add_return(i, v) __atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define atomic_sub_return(i, v) __atomic_sub_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define atomic_inc_return(v) atomic_add_return(1, v)
#define atomic_dec_return(v) atomic_sub_return(1, v)
#define atomic_dec_and_test(v) (atomic_dec_return(v) == 0)
#define atomic_cmpxchg(v, old, new) ({ __typeof__((v)->counter) __o = (old); \
	__atomic_compare_exchange_n(&(v)->counter, &__o, (new), 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); __o; })
#define atomic_long_read atomic_read
#define atomic_long_set atomic_set
#define atomic_long_add atomic_add
#define atomic_long_sub atomic_sub
#define atomic_long_inc atomic_inc
#define atomic_long_dec atomic_dec

#endif /* _LINUX_ATOMIC_H */
