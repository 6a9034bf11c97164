/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the page flags filesystem and page-cache code keeps for itself
 * (locked, uptodate, dirty, checked, error, referenced, mappedtodisk,
 * private, writeback),
 * with the kernel's accessors. They live on the folio's head page, as in
 * the kernel; a page's accessors look at its head. The allocator clears
 * them; the model itself never reads them.
 */
#ifndef _LINUX_PAGE_FLAGS_H
#define _LINUX_PAGE_FLAGS_H

#include <linux/mm_types.h>

#define KMAPSIM_PG_UPTODATE	(1UL << PG_uptodate)
#define KMAPSIM_PG_DIRTY	(1UL << PG_dirty)
#define KMAPSIM_PG_CHECKED	(1UL << PG_checked)
#define KMAPSIM_PG_ERROR	(1UL << PG_error)
#define KMAPSIM_PG_REFERENCED	(1UL << PG_referenced)
#define KMAPSIM_PG_MAPPEDTODISK	(1UL << PG_mappedtodisk)
#define KMAPSIM_PG_PRIVATE	(1UL << PG_private)

/*
 * The bit numbers, as in the kernel: code tests `page->flags & 1 <<
 * PG_uptodate` (6.1's fuse_check_page()), and PG_locked is taken with the
 * bit-lock operations on folio_flags() by pagemap.h's folio_trylock() and
 * the page cache (model/tree_c/filemap.c). Sleeping on it is the page
 * cache's.
 */
enum pageflags {
	PG_uptodate = 8,
	PG_dirty = 9,
	PG_owner_priv_1 = 10,
	PG_checked = PG_owner_priv_1,	/* a filesystem's own */
	PG_error = 11,
	PG_referenced = 12,
	PG_mappedtodisk = 13,
	PG_private = 14,
	PG_locked = 15,
	PG_writeback = 16,
	/*
	 * Bits a flags test names that kmapsim's pages never have set: it
	 * keeps no LRU lists, and its folio lock keeps its waiters elsewhere.
	 */
	PG_lru = 17,
	PG_active = 18,
	PG_workingset = 19,
	PG_reclaim = 20,
	PG_waiters = 21,
};
/* nor MGLRU's generation and reference counts */
#define LRU_GEN_MASK	0UL
#define LRU_REFS_MASK	0UL
/*
 * Every flag a page handed out may not have (fuse_check_folio() steals only
 * a page without them): all but kmapsim's own marks of a page's zone, of
 * its allocation and of a user mapping (the kernel counts that in
 * _mapcount, which folio_mapped() tests). A compound folio's head bit is
 * among them, as PG_head is among the kernel's.
 */
#define PAGE_FLAGS_CHECK_AT_PREP \
	(((1UL << (PG_waiters + 1)) - 1) & ~(KMAPSIM_PG_HIGHMEM | KMAPSIM_PG_ALLOCATED | KMAPSIM_PG_USER_MAPPED))

static inline unsigned long *folio_flags(struct folio *folio, unsigned int n)
{
	return &(&folio->page + n)->flags;
}

static inline unsigned long *__kmapsim_head_flags(const struct page *page)
{
	unsigned long head = page->compound_head;

	return &((struct page *)((head & 1) ? head - 1 : (unsigned long)page))->flags;
}

/*
 * The kernel's accessors: folio_set_X(), folio_clear_X(), the test-and-
 * forms and SetPageX()/ClearPageX() are atomic bit operations on the flags
 * word (set_bit() and friends), the __ forms plain ones for a folio nobody
 * else can see yet. Atomic matters: another task's folio_unlock() clears
 * PG_locked in the same word, and a plain read-modify-write around it
 * (a lookup's folio_mark_accessed()) would set the lock again.
 */
#define KMAPSIM_PAGEFLAG(lname, uname, bit)					\
static inline bool folio_test_##lname(const struct folio *folio)		\
{ return (__atomic_load_n(&folio->flags, __ATOMIC_RELAXED) & (bit)) != 0; }	\
static inline void folio_set_##lname(struct folio *folio)			\
{ __atomic_fetch_or(&folio->flags, (bit), __ATOMIC_RELAXED); }			\
static inline void folio_clear_##lname(struct folio *folio)			\
{ __atomic_fetch_and(&folio->flags, ~(bit), __ATOMIC_RELAXED); }		\
static inline void __folio_set_##lname(struct folio *folio)			\
{ folio->flags |= (bit); }							\
static inline void __folio_clear_##lname(struct folio *folio)			\
{ folio->flags &= ~(bit); }							\
static inline bool folio_test_set_##lname(struct folio *folio)			\
{ return (__atomic_fetch_or(&folio->flags, (bit), __ATOMIC_SEQ_CST) & (bit)) != 0; } \
static inline bool folio_test_clear_##lname(struct folio *folio)		\
{ return (__atomic_fetch_and(&folio->flags, ~(bit), __ATOMIC_SEQ_CST) & (bit)) != 0; } \
static inline int Page##uname(const struct page *page)				\
{ return (__atomic_load_n(__kmapsim_head_flags(page), __ATOMIC_RELAXED) & (bit)) != 0; } \
static inline void SetPage##uname(struct page *page)				\
{ __atomic_fetch_or(__kmapsim_head_flags(page), (bit), __ATOMIC_RELAXED); }	\
static inline void ClearPage##uname(struct page *page)				\
{ __atomic_fetch_and(__kmapsim_head_flags(page), ~(bit), __ATOMIC_RELAXED); }

KMAPSIM_PAGEFLAG(uptodate, Uptodate, KMAPSIM_PG_UPTODATE)
KMAPSIM_PAGEFLAG(dirty, Dirty, KMAPSIM_PG_DIRTY)
KMAPSIM_PAGEFLAG(checked, Checked, KMAPSIM_PG_CHECKED)
KMAPSIM_PAGEFLAG(error, Error, KMAPSIM_PG_ERROR)
KMAPSIM_PAGEFLAG(referenced, Referenced, KMAPSIM_PG_REFERENCED)
KMAPSIM_PAGEFLAG(mappedtodisk, MappedToDisk, KMAPSIM_PG_MAPPEDTODISK)
KMAPSIM_PAGEFLAG(private, Private, KMAPSIM_PG_PRIVATE)
KMAPSIM_PAGEFLAG(locked, Locked, 1UL << PG_locked)
KMAPSIM_PAGEFLAG(writeback, Writeback, 1UL << PG_writeback)

#undef KMAPSIM_PAGEFLAG

/* the owner's private word, and PG_private saying it is set */
#define page_private(page) ((page)->__KMAPSIM_PRIVATE)
#define set_page_private(page, v) ((page)->__KMAPSIM_PRIVATE = (unsigned long)(v))

/* private data to release: PG_private (kmapsim has no PG_private_2) */
static inline bool folio_has_private(const struct folio *folio)
{
	return folio_test_private(folio);
}
#define page_has_private(page) folio_has_private(page_folio(page))

static inline void *folio_get_private(struct folio *folio)
{
	return folio->__KMAPSIM_PRIVATE;
}

/* a dirtied folio: true when it was clean (the address space's own
 * dirty_folio() bookkeeping is the filesystem's, not modelled) */
static inline bool folio_mark_dirty(struct folio *folio)
{
	return !folio_test_set_dirty(folio);
}

#define set_page_dirty(page) folio_mark_dirty(page_folio(page))

/*
 * Writeback starts with the folio locked and ends in the page cache's
 * folio_end_writeback() (model/tree_c/filemap.c), which wakes
 * folio_wait_writeback(). true when the folio was under writeback already
 * (6.1's __folio_start_writeback() result; 6.12's callers ignore it).
 */
#define folio_start_writeback(folio) folio_test_set_writeback(folio)
#define folio_start_writeback_keepwrite(folio) folio_test_set_writeback(folio)
#define set_page_writeback(page) folio_start_writeback(page_folio(page))

/* kmapsim has no mlock(): no page is mlocked */
static inline bool folio_test_mlocked(const struct folio *folio)
{
	return (void)folio, false;
}
#define PageMlocked(page) folio_test_mlocked(page_folio(page))

/* no swap: nothing is in the swap cache */
static inline bool folio_test_swapcache(const struct folio *folio)
{
	return (void)folio, false;
}
#define PageSwapCache(page) folio_test_swapcache(page_folio(page))
/* 6.1's linux/mm.h: a page's index in its mapping, the swap cache's
 * (__page_file_index()) never needed here */
static inline pgoff_t __page_file_index(struct page *page)
{
	return page->index;
}
static inline pgoff_t page_index(struct page *page)
{
	return page->index;
}

/* SetPageUptodate()'s barrier: the contents are visible before the flag */
static inline void folio_mark_uptodate(struct folio *folio)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	folio_set_uptodate(folio);
}

/*
 * Page types: which allocator owns a page that no one maps (zsmalloc, page
 * tables, ballooned pages), with the kernel's accessors. As 6.12 encodes
 * them: the type in page_type's top byte, all ones for none (what the
 * allocator hands out), and the low 24 bits the owner's (zsmalloc keeps
 * its first object's offset there). The model never reads them.
 */
#define KMAPSIM_PAGE_TYPE_OPS(uname, code)					\
static inline int Page##uname(const struct page *page)			\
{									\
	return (page->page_type >> 24) == (code);			\
}									\
static inline void __SetPage##uname(struct page *page)			\
{									\
	page->page_type = (unsigned int)(code) << 24;			\
}									\
static inline void __ClearPage##uname(struct page *page)		\
{									\
	page->page_type = ~0u;						\
}
KMAPSIM_PAGE_TYPE_OPS(Offline, 0xf1)
KMAPSIM_PAGE_TYPE_OPS(Table, 0xf2)
KMAPSIM_PAGE_TYPE_OPS(Guard, 0xf3)
KMAPSIM_PAGE_TYPE_OPS(Zsmalloc, 0xf6)

/*
 * Slab pages: kmalloc() and the slab caches take host heap memory, never a
 * page of the model's, so no page a function can hold is a slab page.
 */
static inline int PageSlab(const struct page *page)
{
	(void)page;
	return 0;
}
#define folio_test_slab(folio) PageSlab(&(folio)->page)

#endif /* _LINUX_PAGE_FLAGS_H */
