/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/types.h>
#include <linux/gfp.h>

KMAPSIM_EXTERN_C_BEGIN
/* Host heap memory (lowmem in the kernel); may fail without __GFP_NOFAIL. */
void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void *kcalloc(size_t n, size_t size, gfp_t flags);
void kfree(const void *ptr);
KMAPSIM_EXTERN_C_END

#define kmalloc_array(n, size, flags) kcalloc((n), (size), (flags))

/* slab's free-pointer type (6.12 struct file holds one) */
typedef struct {
	unsigned long v;
} freeptr_t;

/*
 * The alignment kmalloc() guarantees, which crypto's CRYPTO_MINALIGN and
 * structures with a trailing context array build on: the host heap's.
 */
#define ARCH_KMALLOC_MINALIGN __alignof__(unsigned long long)
#define ARCH_DMA_MINALIGN ARCH_KMALLOC_MINALIGN
#define ARCH_SLAB_MINALIGN ARCH_KMALLOC_MINALIGN

#endif /* _LINUX_SLAB_H */
