/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: memory barriers, minimal, so imported kernel code compiles on
 * this branch; the concurrency work defines the model's version under the
 * same file name and include guard, which replaces this one.
 */
#ifndef _ASM_BARRIER_H
#define _ASM_BARRIER_H

#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_mb() mb()
#define smp_rmb() rmb()
#define smp_wmb() wmb()
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_mb__before_atomic() mb()
#define smp_mb__after_atomic() mb()

#endif /* _ASM_BARRIER_H */
