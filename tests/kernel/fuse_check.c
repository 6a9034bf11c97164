/*
 * fs/fuse/dev.c (6.12) unchanged: fuse_check_folio(), the test a folio
 * from user memory must pass before fuse moves it into the page cache
 * instead of copying it, reads the page flags the kernel names (PG_lru,
 * PG_active, ..., PAGE_FLAGS_CHECK_AT_PREP, MGLRU's masks), which kmapsim
 * defines over its own flags word; and set_page_dirty_lock(), fuse's
 * dirtying of a page it copied into.
 *   check_folio  a fresh folio of order 0 or 1, maybe marked accessed
 *                (PG_referenced, which the test lets through) or dirty
 *                (which it does not): fuse_check_folio() answers as the
 *                kernel's would for each, a compound folio being weird for
 *                its head bit; then set_page_dirty_lock() dirties the page
 *                and leaves it unlocked. Clean; a BUG_ON fires on a wrong
 *                answer.
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("fs/fuse/dev.c", fuse_check_folio);

KMAPSIM_SUBJECT(check_folio)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, kmapsim_pick(0, 1));
	int weird = folio_order(folio) > 0;

	switch (kmapsim_pick(0, 2)) {
	case 1:
		folio_mark_accessed(folio);
		break;
	case 2:
		folio_mark_dirty(folio);
		weird = 1;
		break;
	}
	BUG_ON(fuse_check_folio(folio) != weird);
	folio_clear_dirty(folio);
	set_page_dirty_lock(&folio->page);
	BUG_ON(!folio_test_dirty(folio) || folio_test_locked(folio));
	folio_put(folio);
}
