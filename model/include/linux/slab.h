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

/*
 * What the kernel's krealloc(p, 0) returns: not NULL, never to be
 * dereferenced (address 16 faults), and kfree() of it does nothing.
 */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/*
 * krealloc(): a new allocation of new_size holding the old contents (as
 * much as fits, the rest as kmalloc() leaves it: zeroed with __GFP_ZERO),
 * and the old one freed; NULL with the old one untouched when it fails
 * (the run decides, as for kmalloc()). The kernel may resize in place or
 * move; here it always moves, so a caller that keeps using the old
 * pointer is the use-after-free ASan reports.
 */
static inline void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	size_t old = ZERO_OR_NULL_PTR(p) ? 0 : ksize(p);
	void *n;

	if (!new_size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	n = kmalloc(new_size, flags);
	if (!n)
		return NULL;
	if (old)
		__builtin_memcpy(n, p, old < new_size ? old : new_size);
	kfree(p);
	return n;
}

static inline void *krealloc_array(void *p, size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return krealloc(p, bytes, flags);
}

#define kmalloc_array(n, size, flags) kcalloc((n), (size), (flags))
/*
 * One node here: the node forms are the plain allocators. The _track_caller
 * forms charge the allocation to their caller's caller in slab debugging,
 * which kmapsim's report does through its own call traces.
 */
#define kmalloc_node(size, flags, node) kmalloc((size), (flags))
#define kzalloc_node(size, flags, node) kzalloc((size), (flags))
#define kcalloc_node(n, size, flags, node) kcalloc((n), (size), (flags))
#define kmalloc_array_node(n, size, flags, node) kmalloc_array((n), (size), (flags))
#define kmalloc_track_caller(size, flags) kmalloc((size), (flags))
#define kmalloc_node_track_caller(size, flags, node) kmalloc((size), (flags))
#define kmalloc_node_track_caller_noprof(size, flags, node, caller) kmalloc((size), (flags))
#define kvmalloc_node(size, flags, node) kvmalloc((size), (flags))
#define kvzalloc_node(size, flags, node) kvzalloc((size), (flags))

/*
 * The size kmalloc(size) really gives, which a caller asks for to use all
 * of it: here exactly size (ksize() of the allocation, the bytes ASan
 * lets it touch), so the caller's use of "the rest" is checked against
 * what it asked for.
 */
static inline size_t kmalloc_size_roundup(size_t size)
{
	return size;
}

/*
 * What kmalloc() may not serve from its normal caches (reclaimable, DMA
 * and accounted allocations): a caller with none of them may use its own
 * small-object cache (skbuff.c's kmalloc_reserve()).
 */
#define KMALLOC_NOT_NORMAL_BITS (__GFP_RECLAIMABLE | __GFP_DMA | __GFP_ACCOUNT)

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
#define krealloc_noprof(p, size, flags) krealloc((p), (size), (flags))
#define krealloc_array_noprof(p, n, size, flags) krealloc_array((p), (n), (size), (flags))

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

/*
 * Slab caches (mm/slab_common.c's API): a cache is its object size and
 * constructor, and its objects come from kmalloc(), so an allocation may
 * fail, is poisoned (or zeroed with __GFP_ZERO, as kmem_cache_zalloc()
 * asks) and is checked like any other. The constructor runs on every
 * object handed out: the kernel runs it when a slab is made and expects
 * objects back in their constructed state, so a fresh constructed object
 * is what code may rely on. The cache itself is kmalloc()ed and
 * kmem_cache_create() may fail; flags, alignment and usercopy windows
 * change nothing the model checks.
 */
typedef unsigned int slab_flags_t;
#define SLAB_HWCACHE_ALIGN	((slab_flags_t)0x00002000u)
#define SLAB_CACHE_DMA		((slab_flags_t)0x00004000u)
#define SLAB_PANIC		((slab_flags_t)0x00040000u)
#define SLAB_TYPESAFE_BY_RCU	((slab_flags_t)0x00080000u)
#define SLAB_MEM_SPREAD		((slab_flags_t)0x00100000u)
#define SLAB_NOLEAKTRACE	((slab_flags_t)0x00800000u)
#define SLAB_ACCOUNT		((slab_flags_t)0x04000000u)
#define SLAB_RECLAIM_ACCOUNT	((slab_flags_t)0x00020000u)
#define SLAB_NO_MERGE		((slab_flags_t)0x01000000u)
#define SLAB_TEMPORARY		SLAB_RECLAIM_ACCOUNT

struct kmem_cache {
	const char *name;
	unsigned int size;
	void (*ctor)(void *);
};

static inline struct kmem_cache *kmapsim_kmem_cache_create(const char *name, unsigned int size, void (*ctor)(void *))
{
	struct kmem_cache *c = (struct kmem_cache *)kmalloc(sizeof(*c), GFP_KERNEL);

	if (c) {
		c->name = name;
		c->size = size;
		c->ctor = ctor;
	}
	return c;
}
#define kmem_cache_create(name, size, align, flags, ctor) \
	kmapsim_kmem_cache_create((name), (size), (ctor))
#define kmem_cache_create_usercopy(name, size, align, flags, useroffset, usersize, ctor) \
	kmapsim_kmem_cache_create((name), (size), (ctor))
#define KMEM_CACHE(__struct, __flags) \
	kmapsim_kmem_cache_create(#__struct, sizeof(struct __struct), NULL)
#define KMEM_CACHE_USERCOPY(__struct, __flags, __field) KMEM_CACHE(__struct, __flags)

static inline void *kmem_cache_alloc(struct kmem_cache *c, gfp_t flags)
{
	void *p = kmalloc(c->size, flags);

	if (p && c->ctor)
		c->ctor(p);
	return p;
}
static inline void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t flags)
{
	return kmem_cache_alloc(c, flags | __GFP_ZERO);
}
#define kmem_cache_alloc_noprof(c, flags) kmem_cache_alloc((c), (flags))
#define kmem_cache_alloc_lru(c, lru, flags) kmem_cache_alloc((c), (flags))
#define kmem_cache_alloc_node(c, flags, node) kmem_cache_alloc((c), (flags))
static inline void kmem_cache_free(struct kmem_cache *c, void *p)
{
	(void)c;
	kfree(p);
}
/*
 * Bulk allocation: all nr objects or none (0, the ones taken given back),
 * each as kmem_cache_alloc() makes it; the bulk free frees each.
 */
static inline int kmem_cache_alloc_bulk(struct kmem_cache *c, gfp_t flags, size_t nr, void **p)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		p[i] = kmem_cache_alloc(c, flags);
		if (!p[i]) {
			while (i--)
				kmem_cache_free(c, p[i]);
			return 0;
		}
	}
	return (int)nr;
}
static inline void kmem_cache_free_bulk(struct kmem_cache *c, size_t nr, void **p)
{
	size_t i;

	for (i = 0; i < nr; i++)
		kmem_cache_free(c, p[i]);
}
#define kfree_bulk(nr, p) kmem_cache_free_bulk(NULL, (nr), (p))
static inline void kmem_cache_destroy(struct kmem_cache *c)
{
	kfree(c);
}
static inline unsigned int kmem_cache_size(struct kmem_cache *c)
{
	return c->size;
}

#ifndef __cplusplus
#include <stdarg.h>
/*
 * mm/util.c's copies into fresh kmalloc() memory: they fail as kmalloc()
 * does, and the copy is checked like any other.
 */
static inline void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p)
		__builtin_memcpy(p, src, len);
	return p;
}
static inline char *kmemdup_nul(const char *s, size_t len, gfp_t gfp)
{
	char *p = s ? (char *)kmalloc(len + 1, gfp) : NULL;

	if (p) {
		__builtin_memcpy(p, s, len);
		p[len] = 0;
	}
	return p;
}
static inline char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len = 0;

	if (!s)
		return NULL;
	while (len < max && s[len])
		len++;
	return kmemdup_nul(s, len, gfp);
}
static inline char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup_nul(s, __builtin_strlen(s), gfp) : NULL;
}
#define kstrdup_const(s, gfp) kstrdup((s), (gfp))
#define kfree_const(p) kfree(p)
static inline __attribute__((format(printf, 2, 0))) char *kvasprintf(gfp_t gfp, const char *fmt, va_list ap)
{
	va_list aq;
	int len;
	char *p;

	va_copy(aq, ap);
	len = __builtin_vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	p = len < 0 ? NULL : (char *)kmalloc(len + 1, gfp);
	if (p)
		__builtin_vsnprintf(p, len + 1, fmt, ap);
	return p;
}
static inline __attribute__((format(printf, 2, 3))) char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = kvasprintf(gfp, fmt, ap);
	va_end(ap);
	return p;
}
#endif

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
