/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H

#include <errno.h>
#include <string.h>
#include <linux/types.h>
#include <linux/preempt.h>

KMAPSIM_EXTERN_C_BEGIN
/*
 * Return the number of bytes NOT copied, as in the kernel. A user page the
 * run decided is not present faults: serviced (a scheduling point) when page
 * faults are enabled; a fault-in-atomic report when they are disabled.
 */
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
/* Zeroes n bytes of user memory; returns the bytes not cleared. */
unsigned long clear_user(void __user *to, unsigned long n);
/* The _inatomic variants never sleep: a missing page makes them come back short. */
unsigned long __copy_to_user_inatomic(void __user *to, const void *from,
				      unsigned long n);
unsigned long __copy_from_user_inatomic(void *to, const void __user *from,
					unsigned long n);
/*
 * The primitives under copy_to_user() that lib/iov_iter.c and friends call
 * themselves. access_ok() is true for a range inside a kmapsim user buffer.
 * raw_copy_*() fault like the kernel's: a missing page is faulted in when
 * page faults are enabled (may sleep), and makes the copy come back short,
 * silently, when they are disabled (the caller's job to handle).
 */
bool access_ok(const void __user *addr, unsigned long size);
unsigned long raw_copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long raw_copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long __clear_user(void __user *to, unsigned long n);
size_t fault_in_readable(const char __user *uaddr, size_t size);
size_t fault_in_writeable(char __user *uaddr, size_t size);
void might_fault(void);  /* linux/sched.h's, for the copies below */
/*
 * get_user()/put_user() of n bytes: the copy copy_from_user() and
 * copy_to_user() make (a fault the run decides, might_fault(), a report
 * inside kmap_atomic()), named api; 0 or -EFAULT.
 */
int kmapsim_get_user(void *to, const void __user *from, unsigned long n, const char *api);
int kmapsim_put_user(const void *from, void __user *to, unsigned long n, const char *api);
KMAPSIM_EXTERN_C_END

/*
 * A single value from or to user space: 0, or -EFAULT when the address
 * faults (the run decides, as for copy_from_user()), and then get_user()
 * sets x to 0, as the kernel does. The __ forms skip access_ok() in the
 * kernel; kmapsim's user memory checks its own ranges, so they are the
 * same calls.
 */
#define __kmapsim_get_user(x, ptr, api) ({					\
	unsigned char __gu_buf[sizeof(*(ptr))] __attribute__((aligned(8)));	\
	int __gu_err = kmapsim_get_user(__gu_buf, (ptr), sizeof(*(ptr)), api); \
										\
	(x) = __gu_err ? (__typeof__(*(ptr)))0 :				\
			 *(__typeof__(*(ptr)) *)(void *)__gu_buf;		\
	__gu_err;								\
})
#define __kmapsim_put_user(x, ptr, api) ({					\
	__typeof__(*(ptr)) __pu_val = (x);					\
										\
	kmapsim_put_user(&__pu_val, (ptr), sizeof(*(ptr)), api);		\
})
#define get_user(x, ptr) __kmapsim_get_user(x, ptr, "get_user")
#define __get_user(x, ptr) __kmapsim_get_user(x, ptr, "__get_user")
#define put_user(x, ptr) __kmapsim_put_user(x, ptr, "put_user")
#define __put_user(x, ptr) __kmapsim_put_user(x, ptr, "__put_user")

/*
 * The unchecked copies of linux/uaccess.h: no access_ok() and no zeroing of
 * what a short copy_from leaves, but like copy_to_user() they may fault in
 * a page, so they may sleep (might_fault(): a sleep-in-atomic report under
 * kmap_atomic or a spinlock, as the kernel's might_fault() warns).
 */
static inline unsigned long __copy_from_user(void *to, const void __user *from, unsigned long n)
{
	might_fault();
	return raw_copy_from_user(to, from, n);
}

static inline unsigned long __copy_to_user(void __user *to, const void *from, unsigned long n)
{
	might_fault();
	return raw_copy_to_user(to, from, n);
}

/*
 * The copy that survives a machine check on the source (pmem reads, core
 * dumps): linux/uaccess.h's fallback for architectures without
 * ARCH_HAS_COPY_MC, which 32-bit x86 and ARM are. It is a plain copy that
 * always completes, so it returns 0 bytes left.
 */
static inline unsigned long copy_mc_to_kernel(void *dst, const void *src, size_t cnt)
{
	memcpy(dst, src, cnt);
	return 0;
}

/*
 * mm/maccess.c's copies that never sleep and never take a fault: page
 * faults disabled around the inatomic copy, so a page the run made
 * absent ends the copy, and any short copy is -EFAULT (0 when all of it
 * went). Callable from any context, as in the kernel.
 */
static inline long copy_to_user_nofault(void __user *dst, const void *src, size_t size)
{
	unsigned long left = size;

	if (access_ok(dst, size)) {
		pagefault_disable();
		left = __copy_to_user_inatomic(dst, src, size);
		pagefault_enable();
	}
	return left ? -EFAULT : 0;
}

static inline long copy_from_user_nofault(void *dst, const void __user *src, size_t size)
{
	unsigned long left = size;

	if (access_ok(src, size)) {
		pagefault_disable();
		left = __copy_from_user_inatomic(dst, src, size);
		pagefault_enable();
	}
	return left ? -EFAULT : 0;
}

#endif /* _LINUX_UACCESS_H */
