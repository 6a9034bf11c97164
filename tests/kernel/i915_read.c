/*
 * drivers/gpu/drm/i915/gem/i915_gem_object.c's
 * i915_gem_object_read_from_page() unchanged: a driver file in a
 * subdirectory whose headers come from the Makefile above it (i915's
 * `subdir-ccflags-y += -I$(src)` for "i915_drv.h"), with include/drm/ and
 * include/uapi/drm/'s headers, and the page index's castable_to_type()
 * static assertion.
 *
 * The object is backed by pinned struct pages, so the function takes its
 * kmap path: it maps the page holding the offset with kmap_local_page(),
 * flushes the range when the object is not coherent for reads, and copies
 * it out (its iomem path, for objects without struct pages, is not taken). The
 * harness gives the object's page lookup a body of its own (the cache
 * flush, which touches every cache line of the range as clflush does, is
 * kmapsim's, model/tree_c/drm_cache.c), and asks for what the function's
 * comment allows: an offset anywhere in a 3-page object and a size that
 * ends within its page.
 *   read_ok  clean, and the bytes read are the page's; a copy patched to
 *            one byte more is a kmap-overrun at the page's end
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("drivers/gpu/drm/i915/gem/i915_gem_object.c", i915_gem_object_read_from_page);

#define OBJ_PAGES 3

static struct page *obj_pages[OBJ_PAGES];

struct page *__i915_gem_object_get_page(struct drm_i915_gem_object *obj, pgoff_t n)
{
	BUG_ON(n >= OBJ_PAGES);
	return obj_pages[n];
}

static unsigned char pattern(unsigned long pos)
{
	return (pos * 13 + 5) & 0xff;
}

KMAPSIM_SUBJECT(read_ok)
{
	struct drm_i915_gem_object *obj = kzalloc(sizeof(*obj), GFP_KERNEL | __GFP_NOFAIL);
	char *dst = kmalloc(PAGE_SIZE + 1, GFP_KERNEL | __GFP_NOFAIL);	/* room for a patched copy */
	u64 offset = kmapsim_pick_named("offset", 0, OBJ_PAGES * PAGE_SIZE - 1);
	int size = kmapsim_pick_named("size", 1, PAGE_SIZE - offset_in_page(offset));
	int i, j;

	for (i = 0; i < OBJ_PAGES; i++) {
		char *k;

		obj_pages[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
		k = kmap_local_page(obj_pages[i]);
		for (j = 0; j < PAGE_SIZE; j++)
			k[j] = pattern(i * PAGE_SIZE + j);
		kunmap_local(k);
	}
	obj->base.size = OBJ_PAGES * PAGE_SIZE;
	obj->mem_flags = I915_BO_FLAG_STRUCT_PAGE;	/* pinned struct pages */
	atomic_set(&obj->mm.pages_pin_count, 1);
	obj->cache_coherent = kmapsim_pick(0, 1) ? I915_BO_CACHE_COHERENT_FOR_READ : 0;

	BUG_ON(i915_gem_object_read_from_page(obj, offset, dst, size) != 0);
	for (j = 0; j < size; j++)
		BUG_ON((unsigned char)dst[j] != pattern(offset + j));

	for (i = 0; i < OBJ_PAGES; i++)
		__free_page(obj_pages[i]);
	kfree(dst);
	kfree(obj);
}
