/* SPDX-License-Identifier: MIT */
/*
 * kmapsim's slab caches (linux/slab.h): kmem_cache_create() and
 * KMEM_CACHE() with a constructor, objects from kmem_cache_alloc() and
 * kmem_cache_zalloc() checked like kmalloc()'s, with BUG_ON() (a wrong
 * answer is a subject-bug report):
 *   cache_api      the constructor has run on each object handed out, a
 *                  zeroed one is zero, a failed allocation (or a failed
 *                  cache creation) is NULL and handled; clean
 *   cache_overrun  a write one byte past the object: memory-error
 */
#include <kmapsim/subject.h>

struct item {
	u32 magic;
	u32 len;
	u8 data[20];
};

static void item_ctor(void *p)
{
	struct item *it = p;

	it->magic = 0x17e3;
	it->len = 0;
}

KMAPSIM_SUBJECT(cache_api)
{
	struct kmem_cache *c = kmem_cache_create("item", sizeof(struct item), 0, SLAB_HWCACHE_ALIGN, item_ctor);
	struct kmem_cache *z = KMEM_CACHE(item, SLAB_ACCOUNT);
	struct item *a, *b;

	if (!c || !z)
		goto out;
	BUG_ON(kmem_cache_size(c) != sizeof(struct item));
	a = kmem_cache_alloc(c, GFP_KERNEL);
	if (a) {
		BUG_ON(a->magic != 0x17e3 || a->len);
		kmem_cache_free(c, a);
	}
	b = kmem_cache_zalloc(z, GFP_KERNEL);
	if (b) {
		BUG_ON(b->magic || b->len || memchr_inv(b->data, 0, sizeof(b->data)));
		kmem_cache_free(z, b);
	}
out:
	kmem_cache_destroy(c);
	kmem_cache_destroy(z);
}

KMAPSIM_SUBJECT(cache_overrun)
{
	struct kmem_cache *c = KMEM_CACHE(item, 0);
	u8 *p;

	if (!c)
		return;
	p = kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOFAIL);
	p[sizeof(struct item) + kmapsim_pick(0, 1) - 1] = 1;
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}
