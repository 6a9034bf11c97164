/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: what a subject file includes. See shared SUBJECT-API.md: a
 * subject is kernel-style C run as the main task of a fresh simulated
 * machine, once per run, while the explorer chooses schedules, zones,
 * faults and every kmapsim_pick() value.
 */
#ifndef _KMAPSIM_SUBJECT_H
#define _KMAPSIM_SUBJECT_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/cacheflush.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/xarray.h>
#include <linux/bitops.h>
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <asm/barrier.h>
#include <asm/processor.h>

/*
 * Every run starts from a freshly booted machine: the subject's globals and
 * statics are placed where kmapsim restores their initial values before
 * each run. Its code has a section of its own too, so that the watchdog
 * can tell a loop stopped in subject code from one stopped inside an
 * instrumentation callback it calls.
 */
#if defined(__clang__) && !defined(KMAPSIM_NO_SUBJECT_SECTIONS)
#pragma clang section bss = "kmapsim_bss" data = "kmapsim_data" text = "kmapsim_text"
#endif

KMAPSIM_EXTERN_C_BEGIN
typedef void (*kmapsim_subject_fn)(void);

/* Called by KMAPSIM_SUBJECT's constructor; names must be unique per binary. */
void kmapsim_register_subject(const char *name, kmapsim_subject_fn fn,
			      const char *file, int line);

/* The profile this file runs on when the command line names none. */
void kmapsim_set_default_profile(const char *profile);

/* A value in [lo, hi] chosen by whatever drives the run. */
unsigned long kmapsim_pick(unsigned long lo, unsigned long hi);
/*
 * The same choice, named in reports: the pick event reads "label = value"
 * at its call site. label must be a string literal.
 */
unsigned long kmapsim_pick_named(const char *label, unsigned long lo,
				 unsigned long hi);

/*
 * BITS_PER_LONG of the simulated kernel: 32 on the 32-bit profiles, 64 on
 * x86-64. A subject is compiled once, as 64-bit host code, where unsigned
 * long has 64 bits whatever the profile; kmapsim_ulong(x) is x as the
 * profile's unsigned long holds it. Wrap the one expression whose width
 * matters (an unsigned long that can go below 0), and it wraps at 32 bits
 * on a 32-bit profile exactly where the kernel's does.
 */
unsigned int kmapsim_bits_per_long(void);
#define kmapsim_ulong(x)						\
	((unsigned long)(x) &						\
	 (kmapsim_bits_per_long() == 32 ? 0xffffffffUL : ~0UL))

/* A user-space buffer of len bytes whose pages the run may make fault. */
void __user *kmapsim_user_buffer(size_t len);

/* Marks page as mapped into user space (a second alias, for flush checks). */
void kmapsim_user_map(struct page *page);
/* Reads what user space sees of page at off: checks flush_dcache_page use. */
void kmapsim_user_read(struct page *page, size_t off, void *buf, size_t len);

/*
 * Around a call of a function whose entry checks are its caller's contract
 * (an imported kernel function): a BUG_ON/WARN_ON reached before the
 * function's first action (kmap, allocation, lock, user copy...) discards
 * the run instead of reporting it; the verdict counts discarded runs.
 */
void kmapsim_entry_begin(const char *fn);
void kmapsim_entry_end(void);

/*
 * The caller's unmap of an address a function returned inside a mapping it
 * made and left live for its caller (a helper returning kmap_local_page(page)
 * + offset): released with the variant that made it (kunmap_local,
 * kunmap_atomic, kunmap). Any other address (lowmem's direct map, a buffer,
 * NULL) is left alone. The harnesses kmapsim writes call it on a returned
 * pointer.
 */
void kmapsim_unmap_returned(const void *addr);
KMAPSIM_EXTERN_C_END

#define KMAPSIM_SUBJECT(name)						\
	static void kmapsim_subject_##name(void);			\
	__attribute__((constructor)) static void kmapsim_reg_##name(void) \
	{								\
		kmapsim_register_subject(#name, kmapsim_subject_##name,	\
					 __FILE__, __LINE__);		\
	}								\
	static void kmapsim_subject_##name(void)

/*
 * KMAPSIM_IMPORT("fs/aio.c", ioctx_add_table, aio_complete); takes those
 * functions verbatim from the kernel tree named by `check --kernel DIR`
 * (docs/kernel-import.md); check replaces the line with the imported code.
 * Compiled without --kernel, it says so.
 */
#ifndef LINUX_VERSION_CODE	/* with --kernel: the tree's version */
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#define LINUX_VERSION_CODE 0
#endif
#define KMAPSIM_IMPORT(file, ...) \
	_Static_assert(0, "KMAPSIM_IMPORT(" file ", ...) needs a kernel tree: scripts/kmapsim check --kernel DIR this-file.c")

/* KMAPSIM_DEFAULT_PROFILE("x86-32-tiny"): for files that need a machine
 * other than the default (strict), e.g. a tiny PKMAP pool. */
#define KMAPSIM_DEFAULT_PROFILE(name)					\
	__attribute__((constructor)) static void kmapsim_default_profile(void) \
	{								\
		kmapsim_set_default_profile(name);			\
	}

#endif /* _KMAPSIM_SUBJECT_H */
