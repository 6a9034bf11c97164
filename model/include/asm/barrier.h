/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: memory barriers and acquire/release accesses. Each is a
 * scheduling point (see <linux/compiler.h>); the host access itself uses
 * the matching C11 ordering, so torture mode's real threads see the order
 * the kernel promises.
 */
#ifndef _ASM_BARRIER_H
#define _ASM_BARRIER_H

#include <linux/compiler.h>

#define kmapsim_fence(api)						\
	do {								\
		kmapsim_shared_access((const volatile void *)0,		\
				      KMAPSIM_SHARED_BARRIER, api);	\
		__atomic_thread_fence(__ATOMIC_SEQ_CST);		\
	} while (0)

#define mb() kmapsim_fence("mb")
#define rmb() kmapsim_fence("rmb")
#define wmb() kmapsim_fence("wmb")
#define smp_mb() kmapsim_fence("smp_mb")
#define smp_rmb() kmapsim_fence("smp_rmb")
#define smp_wmb() kmapsim_fence("smp_wmb")
#define smp_mb__before_atomic() kmapsim_fence("smp_mb__before_atomic")
#define smp_mb__after_atomic() kmapsim_fence("smp_mb__after_atomic")

#define smp_load_acquire(p)						\
	({								\
		kmapsim_shared_access((const volatile void *)(p),	\
				      KMAPSIM_SHARED_READ,		\
				      "smp_load_acquire");		\
		__atomic_load_n((p), __ATOMIC_ACQUIRE);			\
	})
#define smp_store_release(p, v)						\
	do {								\
		__typeof__(*(p)) __kmapsim_sr_val = (v);		\
		kmapsim_shared_access((const volatile void *)(p),	\
				      KMAPSIM_SHARED_WRITE,		\
				      "smp_store_release");		\
		__atomic_store_n((p), __kmapsim_sr_val, __ATOMIC_RELEASE); \
		kmapsim_shared_stored((const volatile void *)(p),	\
				      sizeof(*(p)), "smp_store_release"); \
	} while (0)
#define smp_store_mb(var, value)					\
	do {								\
		WRITE_ONCE(var, value);					\
		smp_mb();						\
	} while (0)

#endif /* _ASM_BARRIER_H */
