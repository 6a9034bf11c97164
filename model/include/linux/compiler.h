/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#include <linux/types.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define absolute_pointer(val) ((void *)(unsigned long)(val))
#define __maybe_unused __attribute__((unused))
#ifndef __packed
#define __packed __attribute__((__packed__))
#endif
#ifndef __aligned
#define __aligned(x) __attribute__((__aligned__(x)))
#endif
#define __percpu
#define __must_be_array(a) 0
#define __is_constexpr(x) __builtin_constant_p(x)
#define barrier() __asm__ __volatile__("" ::: "memory")
/*
 * barrier() that also makes the compiler assume ptr's memory is read:
 * memzero_explicit() uses it so the clearing stores are not dropped as
 * dead. Not a scheduling point, as barrier() is not.
 */
#define barrier_data(ptr) __asm__ __volatile__("" : : "r"(ptr) : "memory")

/*
 * Shared memory. Every marked access (READ_ONCE, WRITE_ONCE, the acquire/
 * release forms, atomic_t, the barriers, cpu_relax) tells kmapsim first:
 * it is a point where the scheduler may run another task, so a preemption
 * can fall between two accesses as on a real SMP kernel, and a loop that
 * re-reads a location nobody changes is seen as spinning (it lets the
 * others run: exploration stays fair, a spin another task ends is never a
 * report).
 */
#define KMAPSIM_SHARED_READ 0
#define KMAPSIM_SHARED_WRITE 1
#define KMAPSIM_SHARED_BARRIER 2
#define KMAPSIM_SHARED_RELAX 3
#define KMAPSIM_SHARED_PROGRESS 4
KMAPSIM_EXTERN_C_BEGIN
void kmapsim_shared_access(const volatile void *addr, int kind, const char *api);
/*
 * After a marked store: a pointer-sized value stored where other contexts
 * look is a hand-over when it points into a live local mapping (a
 * kmap-escape's report names the store). Not a scheduling point.
 */
void kmapsim_shared_stored(const volatile void *addr, unsigned long size, const char *api);
KMAPSIM_EXTERN_C_END

#define READ_ONCE(x)							\
	({								\
		kmapsim_shared_access((const volatile void *)&(x),	\
				      KMAPSIM_SHARED_READ, "READ_ONCE"); \
		*(const volatile __typeof__(x) *)&(x);			\
	})
/* The value is computed first: a preemption may fall between it and the store. */
#define WRITE_ONCE(x, val)						\
	do {								\
		__typeof__(x) __kmapsim_wo_val = (val);			\
		kmapsim_shared_access((const volatile void *)&(x),	\
				      KMAPSIM_SHARED_WRITE, "WRITE_ONCE"); \
		*(volatile __typeof__(x) *)&(x) = __kmapsim_wo_val;	\
		kmapsim_shared_stored((const volatile void *)&(x),	\
				      sizeof(x), "WRITE_ONCE");		\
	} while (0)

#include <asm/barrier.h>

#endif /* _LINUX_COMPILER_H */
