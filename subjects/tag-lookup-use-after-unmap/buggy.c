/*
 * tag-lookup-use-after-unmap, buggy variant.
 *
 * Shows: a lookup walks pages with kmap_local_page(), unmaps each page at
 * the bottom of the loop body and then jumps to the exit label with a
 * pointer into the page it just unmapped; the exit path reads through that
 * stale pointer.
 *
 * Re-expresses: the "stale kaddr after kunmap_local in loops with goto
 * exits" pattern of BUG-CLASSES.md.
 *
 * Expected: kmap-use-after-unmap on strict, x86-32 (highmem page),
 * x86-32-forcemap and arm-vivt (highmem page); x86-64 clean.
 */
#include <kmapsim/subject.h>

#define NR_PAGES 2
#define TAG_MAGIC 0x6b6d6170

struct tag_rec {
	u32 magic;
	u32 value;
};

static struct tag_rec *find_tag(void *kaddr)
{
	struct tag_rec *rec = kaddr;
	size_t i;

	for (i = 0; i < PAGE_SIZE / sizeof(*rec); i++)
		if (rec[i].magic == TAG_MAGIC)
			return &rec[i];
	return NULL;
}

static int lookup_tag(struct page **pages, u32 *value)
{
	struct tag_rec *rec;
	void *kaddr;
	int i;

	for (i = 0; i < NR_PAGES; i++) {
		kaddr = kmap_local_page(pages[i]); /* kmapsim: map */
		rec = find_tag(kaddr);
		kunmap_local(kaddr);
		if (rec)
			goto found;
	}
	return -EINVAL;
found:
	*value = rec->value;            /* the page was unmapped above */ /* kmapsim: here */
	return 0;
}

KMAPSIM_SUBJECT(tag_lookup_use_after_unmap)
{
	struct page *pages[NR_PAGES] = { };
	size_t where = kmapsim_pick(0, NR_PAGES);       /* NR_PAGES: no tag */
	struct tag_rec tag = { TAG_MAGIC, kmapsim_pick(0, 1000) };
	u32 value;
	int i;

	for (i = 0; i < NR_PAGES; i++) {
		pages[i] = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
		if (!pages[i])
			goto out_free;
	}
	if (where < NR_PAGES) {
		size_t at = kmapsim_pick(0, PAGE_SIZE / sizeof(tag) - 1);

		memcpy_to_page(pages[where], at * sizeof(tag), (char *)&tag,
			       sizeof(tag));
	}
	if (!lookup_tag(pages, &value))
		WARN_ON(value != tag.value);
out_free:
	for (i = 0; i < NR_PAGES; i++)
		if (pages[i])
			__free_page(pages[i]);
}
