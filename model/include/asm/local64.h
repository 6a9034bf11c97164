/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: a 64-bit counter updated atomically with respect to the CPU it
 * belongs to (asm/local64.h; u64_stats_sync.h's counters, perf). kmapsim
 * makes each one a real atomic64_t, which is at least as strong, and each
 * operation a scheduling point as atomic64_t's are.
 */
#ifndef _KMAPSIM_ASM_LOCAL64_H
#define _KMAPSIM_ASM_LOCAL64_H

#include <linux/atomic.h>

typedef struct {
	atomic64_t a;
} local64_t;

#define LOCAL64_INIT(i) { ATOMIC64_INIT(i) }
#define local64_read(l) atomic64_read(&(l)->a)
#define local64_set(l, i) atomic64_set(&(l)->a, (i))
#define local64_inc(l) atomic64_inc(&(l)->a)
#define local64_dec(l) atomic64_dec(&(l)->a)
#define local64_add(i, l) atomic64_add((i), &(l)->a)
#define local64_sub(i, l) atomic64_sub((i), &(l)->a)
#define local64_add_return(i, l) atomic64_add_return((i), &(l)->a)
#define local64_inc_return(l) atomic64_inc_return(&(l)->a)
#define local64_xchg(l, n) atomic64_xchg(&(l)->a, (n))
#define local64_cmpxchg(l, o, n) atomic64_cmpxchg(&(l)->a, (o), (n))
#define local64_try_cmpxchg(l, po, n) atomic64_try_cmpxchg(&(l)->a, (s64 *)(po), (n))

#endif /* _KMAPSIM_ASM_LOCAL64_H */
