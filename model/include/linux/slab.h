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
#ifndef __cplusplus
size_t malloc_usable_size(void *ptr);	/* the C library's */
#endif
KMAPSIM_EXTERN_C_END
#ifdef __cplusplus
#include <malloc.h>
#endif

/*
 * The usable size of a kmalloc() allocation (the host heap's: the size
 * asked for under ASan, which reports a use past it), and kfree_sensitive(),
 * which zeroes all of it before freeing, as for keys.
 */
static inline size_t ksize(const void *ptr)
{
	return ptr ? malloc_usable_size((void *)ptr) : 0;
}
static inline void kfree_sensitive(const void *ptr)
{
	if (ptr)
		__builtin_memset((void *)ptr, 0, ksize(ptr));
	kfree(ptr);
}

#define kmalloc_array(n, size, flags) kcalloc((n), (size), (flags))

/*
 * 6.12 names each allocator's body NAME_noprof() and NAME() wraps it in
 * alloc_hooks(), which charges the allocation to its call site when
 * CONFIG_MEM_ALLOC_PROFILING is on (linux/alloc_tag.h). It is off here:
 * the tree's inline helpers that call the _noprof forms directly
 * (crypto/skcipher.h's skcipher_request_alloc_noprof()) reach kmapsim's
 * allocators, and alloc_hooks() is the allocation itself.
 */
#define alloc_hooks(_do_alloc) (_do_alloc)
#define kmalloc_noprof(size, flags) kmalloc((size), (flags))
#define kzalloc_noprof(size, flags) kzalloc((size), (flags))
#define kcalloc_noprof(n, size, flags) kcalloc((n), (size), (flags))
#define kmalloc_array_noprof(n, size, flags) kmalloc_array((n), (size), (flags))

/*
 * kvmalloc() tries kmalloc() first and falls back to vmalloc() for what
 * the slab cannot give; kmapsim models no vmalloc space, so every kv
 * allocation is a kmalloc() one (which may fail as the run decides, as
 * the fallback may in the kernel), and kvfree() is kfree().
 */
#define kvmalloc(size, flags) kmalloc((size), (flags))
#define kvzalloc(size, flags) kzalloc((size), (flags))
#define kvcalloc(n, size, flags) kcalloc((n), (size), (flags))
#define kvmalloc_array(n, size, flags) kmalloc_array((n), (size), (flags))
#define kvmalloc_noprof(size, flags) kmalloc((size), (flags))
static inline void kvfree(const void *ptr)
{
	kfree(ptr);
}

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
