/*
 * The program the profile-differential target runs on several profiles: a
 * single task reads a range of a folio in one of several ways and folds
 * every byte it read into diff_digest. Ways 0-2 are correct everywhere; way
 * 3 is the copy_page_to_iter() bug (one mapping, a range that may cross
 * into the next page), which is silent on 64-bit and on lowmem without
 * FORCE_MAP, and reads the same bytes wherever it is silent.
 */
#include <kmapsim/subject.h>

u64 diff_digest;
int diff_buggy_way;

static void fold(const u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		diff_digest = (diff_digest ^ p[i]) * 0x100000001b3ULL;
}

KMAPSIM_SUBJECT(diff_program)
{
	unsigned int order = kmapsim_pick(0, 2);
	struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, order);
	size_t size = folio_size(folio);
	size_t off = kmapsim_pick(0, size - 1);
	size_t len = kmapsim_pick(1, size - off);
	int way = kmapsim_pick(0, 3);
	u8 buf[64];
	size_t i, done;

	diff_digest = 0xcbf29ce484222325ULL;
	diff_buggy_way = way == 3;
	/* Fill every page with a pattern that depends on its index only. */
	for (i = 0; i < (size_t)folio_nr_pages(folio); i++)
		memset_page(folio_page(folio, i), 0, (int)(0x11 * (i + 1)), PAGE_SIZE);

	switch (way) {
	case 0:		/* page by page, kmap_local_page */
		for (done = 0; done < len;) {
			size_t pos = off + done;
			size_t n = min(len - done, PAGE_SIZE - pos % PAGE_SIZE);
			u8 *p = kmap_local_page(folio_page(folio, pos / PAGE_SIZE));

			fold(p + pos % PAGE_SIZE, n);
			kunmap_local(p);
			done += n;
		}
		break;
	case 1:		/* page by page, memcpy_from_page in small chunks */
		for (done = 0; done < len;) {
			size_t pos = off + done;
			size_t n = min_t(size_t, min(len - done, PAGE_SIZE - pos % PAGE_SIZE), sizeof(buf));

			memcpy_from_page((char *)buf, folio_page(folio, pos / PAGE_SIZE), pos % PAGE_SIZE, n);
			fold(buf, n);
			done += n;
		}
		break;
	case 2:		/* page by page, kmap() */
		for (done = 0; done < len;) {
			size_t pos = off + done;
			size_t n = min(len - done, PAGE_SIZE - pos % PAGE_SIZE);
			struct page *page = folio_page(folio, pos / PAGE_SIZE);
			u8 *p = kmap(page);

			fold(p + pos % PAGE_SIZE, n);
			kunmap(page);
			done += n;
		}
		break;
	default: {	/* one mapping for the whole range */
		u8 *p = kmap_local_folio(folio, off);

		fold(p, len);
		kunmap_local(p);
		break;
	}
	}
	folio_put(folio);
}
