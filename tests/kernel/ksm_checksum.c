/*
 * mm/ksm.c's calc_checksum(), imported unchanged: it maps the page
 * (6.1: kmap_atomic(), 6.12: kmap_local_page()) and hashes its 4096 bytes
 * with xxhash(), whose xxh64() the unit takes from the tree's own
 * lib/xxhash.c (a library function of the tree, not a trap), so the hash
 * reads the mapping in instrumented code.
 *   page_checksum   a page that may be highmem, filled with a pattern, and
 *                   a zeroed one: each checksum is the low 32 bits of the
 *                   page's XXH64 (seed 0), and xxh64()/xxh32() of "abc"
 *                   give the reference values; two tasks may checksum the
 *                   same page at once (KSM's scanner and a second one)
 * The expected values are Debian's libxxhash (XXH64, XXH32) of the same
 * bytes: 0x796398cd432797cc for the pattern (byte i is 7 i + 3), 0xac869b6f32d8bbdb
 * for zeros, 0x44bc2cf5ad770999 and 0x32d153ff for "abc".
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("mm/ksm.c", calc_checksum);

struct scan {
	struct page *page;
	u32 sum;
	struct completion done;
};

static int scan_thread(void *data)
{
	struct scan *s = data;

	s->sum = calc_checksum(s->page);
	complete(&s->done);
	return 0;
}

KMAPSIM_SUBJECT(page_checksum)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	struct page *zero = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOFAIL);
	bool concurrent = kmapsim_pick(0, 1);
	struct scan s = { .page = page };
	unsigned char *p = kmap_local_page(page);
	int i;

	for (i = 0; i < PAGE_SIZE; i++)
		p[i] = i * 7 + 3;
	kunmap_local(p);

	if (concurrent) {
		init_completion(&s.done);
		kthread_run(scan_thread, &s, "ksmd");
	}
	BUG_ON(calc_checksum(page) != 0x432797cc);
	BUG_ON(calc_checksum(zero) != 0x32d8bbdb);
	if (concurrent) {
		wait_for_completion(&s.done);
		BUG_ON(s.sum != 0x432797cc);
	}
	BUG_ON(xxh64("abc", 3, 0) != 0x44bc2cf5ad770999ULL);
	BUG_ON(xxh32("abc", 3, 0) != 0x32d153ff);
	__free_page(zero);
	__free_page(page);
}
