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
 * A busy-wait's turn (cpu_relax(), udelay() and the delays on it): a
 * shared access of kind RELAX, and where the run may stall the task
 * (linux/delay.h).
 */
void kmapsim_busy_wait(const char *api);
/*
 * After a marked store: a pointer-sized value stored where other contexts
 * look is a hand-over when it points into a live local mapping (a
 * kmap-escape's report names the store). Not a scheduling point.
 */
void kmapsim_shared_stored(const volatile void *addr, unsigned long size, const char *api);
KMAPSIM_EXTERN_C_END

/*
 * The host access itself is atomic, as the kernel's is single-copy atomic
 * for the sizes it allows (1, 2, 4, 8 bytes; any other is a build error,
 * as there). Torture mode runs subjects on real threads under
 * ThreadSanitizer, which counts a volatile access as plain: a flag handed
 * over with WRITE_ONCE()/READ_ONCE() would be a data race to it, where
 * the kernel's own race detector (KCSAN) counts marked accesses as none.
 * A pointer's READ_ONCE() is an acquire load: the kernel orders what is
 * read through the pointer after the load (an address dependency, what
 * rcu_dereference() and lockless lists rely on), and TSan knows no
 * weaker order that does that. A scalar's is relaxed, so a flag read
 * without smp_rmb() before the data stays a race TSan can report.
 * WRITE_ONCE() is relaxed; after an smp_wmb() or smp_mb() the model
 * marks it as the release the fence makes it (sched_api.cc).
 * The value goes through a union with an unsigned word of its size, so
 * small structs (pte_t) and const objects work as in the kernel; the
 * address goes through an integer, so the access assumes the natural
 * alignment of its size, as the kernel's single-copy atomicity does.
 */
#ifdef __cplusplus
template <unsigned long N> struct __kmapsim_once_word;
template <> struct __kmapsim_once_word<1> { typedef unsigned char type; };
template <> struct __kmapsim_once_word<2> { typedef unsigned short type; };
template <> struct __kmapsim_once_word<4> { typedef unsigned int type; };
template <> struct __kmapsim_once_word<8> { typedef unsigned long long type; };
#define __kmapsim_once_word_t(x) __kmapsim_once_word<sizeof(x)>::type
#define __kmapsim_once_assert static_assert
#else
#define __kmapsim_once_assert _Static_assert
#define __kmapsim_once_word_t(x)					\
	__typeof__(__builtin_choose_expr(sizeof(x) == 1, (unsigned char)0, \
	__builtin_choose_expr(sizeof(x) == 2, (unsigned short)0,	\
	__builtin_choose_expr(sizeof(x) == 4, (unsigned int)0,		\
			      (unsigned long long)0))))
#endif
#define __kmapsim_once_size_ok(x)					\
	__kmapsim_once_assert(sizeof(x) == 1 || sizeof(x) == 2 ||\
		       sizeof(x) == 4 || sizeof(x) == 8,		\
		       "Unsupported access size for {READ,WRITE}_ONCE().")
/* __builtin_classify_type(): 5 is a pointer. */
#define __kmapsim_once_load_order(x)					\
	(__builtin_classify_type(x) == 5 ? __ATOMIC_ACQUIRE : __ATOMIC_RELAXED)

/*
 * An access the author knows races (KCSAN leaves it alone): a plain one,
 * which kmapsim's plain-access points already treat as such.
 */
#define data_race(expr) (expr)

#define READ_ONCE(x)							\
	({								\
		__kmapsim_once_size_ok(x);				\
		kmapsim_shared_access((const volatile void *)&(x),	\
				      KMAPSIM_SHARED_READ, "READ_ONCE"); \
		union {							\
			__kmapsim_once_word_t(x) __w;			\
			__typeof__(x) __v;				\
		} __kmapsim_ro = { .__w = __atomic_load_n(		\
			(const volatile __kmapsim_once_word_t(x) *)	\
			(unsigned long)&(x),				\
			__kmapsim_once_load_order(x)) };		\
		__kmapsim_ro.__v;					\
	})
/* The value is computed first: a preemption may fall between it and the store. */
#define WRITE_ONCE(x, val)						\
	do {								\
		__kmapsim_once_size_ok(x);				\
		union {							\
			__typeof__(x) __v;				\
			__kmapsim_once_word_t(x) __w;			\
		} __kmapsim_wo = { .__v = (val) };			\
		kmapsim_shared_access((const volatile void *)&(x),	\
				      KMAPSIM_SHARED_WRITE, "WRITE_ONCE"); \
		__atomic_store_n((volatile __kmapsim_once_word_t(x) *)	\
				 (unsigned long)&(x),			\
				 __kmapsim_wo.__w, __ATOMIC_RELAXED);	\
		kmapsim_shared_stored((const volatile void *)&(x),	\
				      sizeof(x), "WRITE_ONCE");		\
	} while (0)

#include <asm/barrier.h>

#endif /* _LINUX_COMPILER_H */
