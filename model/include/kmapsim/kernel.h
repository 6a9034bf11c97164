/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: what a translation unit of imported kernel code includes, after
 * its profile's kmapsim/config/<profile>.h. The kernel surface is in three
 * layers, as in tools/testing/vma:
 *   - what only has to compile: linux/export.h, linux/printk.h (pr_*),
 *     linux/kconfig.h, annotations in linux/compiler.h and linux/types.h;
 *   - what mirrors a kernel type: written for kmapsim with the kernel's
 *     names and fields (linux/err.h, linux/list.h, linux/refcount.h, ...);
 *     types whose layout changes between versions (struct iov_iter,
 *     bio_vec, ...) come from the tree being checked instead;
 *   - what the model implements: every kmap variant, pages and folios,
 *     contexts, scheduling, user access (access_ok, raw_copy_*), locks.
 * A kernel function the tree declares and nobody implements reaches
 * kmapsim_unmodelled(), which stops the run with its name.
 */
#ifndef _KMAPSIM_KERNEL_H
#define _KMAPSIM_KERNEL_H

#ifndef KMAPSIM_KERNEL_IMPORT
#define KMAPSIM_KERNEL_IMPORT 1
#endif

#include <linux/kconfig.h>
#include <kmapsim/subject.h>
#include <linux/export.h>
#include <linux/printk.h>
#include <linux/err.h>
#include <linux/bits.h>
#include <stdlib.h>	/* abs() */
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/wait.h>
#include <linux/timer.h>
#include <linux/semaphore.h>
#include <linux/srcu.h>
#include <linux/wait_bit.h>
#include <linux/percpu-refcount.h>
#include <linux/atomic.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>
#include <asm/device.h>
#include <asm/unaligned.h>
#include <asm/ioctl.h>
#include <asm/local64.h>
#include <asm/special_insns.h>
#include <asm/checksum.h>
#include <asm/fcntl.h>
#include <asm/io.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/refcount.h>
#include <linux/overflow.h>
#include <linux/cache.h>
#include <linux/ratelimit.h>
#include <linux/math64.h>
#include <linux/seqlock.h>
#include <linux/lockdep.h>

KMAPSIM_EXTERN_C_BEGIN
/* A kernel function kmapsim does not model was reached: stops the run. */
void kmapsim_unmodelled(const char *name) __attribute__((noreturn));
KMAPSIM_EXTERN_C_END

/* include/linux/fs.h: the direction of an I/O, and of an iov_iter */
#ifndef READ
#define READ 0
#define WRITE 1
#endif

#define sched_annotate_sleep() do { } while (0)

/*
 * kmapsim models no vmalloc space (is_vmalloc_addr() is false for every
 * address, linux/mm.h): the page behind a vmalloc address is not there to
 * find, and a call stops the run (6.12's swapfile, cifs's page vectors).
 */
#define vmalloc_to_page(addr) ((void)(addr), kmapsim_unmodelled("vmalloc_to_page"), (struct page *)0)
#define vmalloc_to_pfn(addr) ((void)(addr), kmapsim_unmodelled("vmalloc_to_pfn"), 0UL)

#define might_alloc(gfp) might_sleep_if(gfpflags_allow_blocking(gfp))
#define might_sleep_if(cond) do { if (cond) might_sleep(); } while (0)

/*
 * The host's <errno.h> (which kmapsim's headers include for the E* codes)
 * makes errno a macro; the kernel has no errno, and its code uses the name
 * for parameters and fields (reiserfs_abort(sb, int errno, fmt, ...)).
 */
#undef errno

#endif /* _KMAPSIM_KERNEL_H */
