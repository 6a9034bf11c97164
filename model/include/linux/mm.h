/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: pages, folios and the page allocator of the simulated machine.
 * mem_map is one array indexed by pfn, so page arithmetic behaves as in the
 * kernel (FLATMEM).
 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include <linux/page-flags.h>
#include <linux/gfp.h>
#include <linux/kernel.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)
#define PAGE_ALIGN(x) ALIGN((x), PAGE_SIZE)
#define PAGE_ALIGNED(addr) IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)

/* asm/page.h: a whole page through its kernel address, in the caller's code */
#define clear_page(page) memset((page), 0, PAGE_SIZE)
#define copy_page(to, from) memcpy((to), (from), PAGE_SIZE)

/* asm-generic/getorder.h: the smallest order whose pages hold size bytes (size > 0) */
static inline int get_order(unsigned long size)
{
	int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}
#define MAX_PAGE_ORDER	9
#define NR_PAGE_ORDERS	(MAX_PAGE_ORDER + 1)	/* per-order arrays (ttm_pool.h) */

KMAPSIM_EXTERN_C_BEGIN
extern struct page *kmapsim_mem_map;
extern struct page *kmapsim_mem_map_end;	/* one past the last struct page */
void kmapsim_page_outside_mem_map(const struct page *page, const char *what);

struct page *alloc_pages(gfp_t gfp, unsigned int order);
void __free_pages(struct page *page, unsigned int order);
struct folio *folio_alloc(gfp_t gfp, unsigned int order);
void folio_put(struct folio *folio);
void folio_get(struct folio *folio);
void get_page(struct page *page);
void put_page(struct page *page);
void *page_address(const struct page *page);
unsigned long page_to_pfn(const struct page *page);
struct page *pfn_to_page(unsigned long pfn);
struct page *virt_to_page(const void *addr);
/* the shared zero page: lowmem, all zeroes for the whole run (writing it is a subject bug) */
struct page *kmapsim_zero_page(void);

/*
 * mm/truncate.c's, which the tree declares here (in mm.h, which is
 * kmapsim's): the bodies are kmapsim's C over the tree's struct inode and
 * struct address_space (model/tree_c/filemap.c), compiled into an
 * imported unit that calls them.
 */
struct address_space;
struct inode;
void truncate_inode_pages(struct address_space *mapping, loff_t lstart);
void truncate_inode_pages_final(struct address_space *mapping);
void truncate_pagecache(struct inode *inode, loff_t newsize);
void truncate_setsize(struct inode *inode, loff_t newsize);
KMAPSIM_EXTERN_C_END

/*
 * The kernel's virt_to_page() is a macro over __pa(), which takes an
 * address as a pointer or as an unsigned long (cifs's
 * `virt_to_page(addr)` of an `unsigned long addr`); the model's function
 * takes a pointer. (The C++ model defines the function itself.)
 */
#ifndef __cplusplus
#define virt_to_page(addr) (virt_to_page)((const void *)(unsigned long)(addr))
#endif

/*
 * kmapsim models no vmalloc space (kvmalloc() is kmalloc(), linux/slab.h;
 * vmalloc() itself is the tree's, a trap): no address lies in it.
 */
static inline bool is_vmalloc_addr(const void *x)
{
	(void)x;
	return false;
}

#define alloc_page(gfp) alloc_pages((gfp), 0)
#define __free_page(page) __free_pages((page), 0)

/*
 * linux/gfp.h's pages by their kernel address: always lowmem (the highmem
 * flag is dropped, as page_alloc.c does), 0 when the allocation fails;
 * freeing address 0 does nothing.
 */
static inline unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}
#define __get_free_page(gfp) __get_free_pages((gfp), 0)
#define get_zeroed_page(gfp) __get_free_pages((gfp) | __GFP_ZERO, 0)
static inline void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}
#define free_page(addr) free_pages((unsigned long)(addr), 0)
/* 6.12's allocation-profiling names (see linux/slab.h): profiling is off */
#define alloc_pages_noprof(gfp, order) alloc_pages((gfp), (order))
#define folio_alloc_noprof(gfp, order) folio_alloc((gfp), (order))
#define __get_free_pages_noprof(gfp, order) __get_free_pages((gfp), (order))

/*
 * A struct page is read only inside mem_map. An index computed past either
 * end (nth_page() or page + n with an n that wrapped) reads whatever lies
 * there in the kernel, or faults; kmapsim reports the read as a
 * memory-error before it happens. NULL is left to fault as it is.
 */
static inline const struct page *kmapsim_page_read(const struct page *page, const char *what)
{
	unsigned long p = (unsigned long)page;

	if (p >= 4096 && kmapsim_mem_map &&
	    (p < (unsigned long)kmapsim_mem_map || p >= (unsigned long)kmapsim_mem_map_end))
		kmapsim_page_outside_mem_map(page, what);
	return page;
}

static inline struct page *compound_head(const struct page *page)
{
	unsigned long head = kmapsim_page_read(page, "compound_head")->compound_head;

	if (head & 1)
		return (struct page *)(head - 1);
	return (struct page *)page;
}

static inline bool PageHighMem(const struct page *page)
{
	return kmapsim_page_read(page, "PageHighMem")->flags & KMAPSIM_PG_HIGHMEM;
}

static inline bool PageCompound(const struct page *page)
{
	page = kmapsim_page_read(page, "PageCompound");
	return (page->flags & KMAPSIM_PG_HEAD) || (page->compound_head & 1);
}

static inline bool PageTail(const struct page *page)
{
	return kmapsim_page_read(page, "PageTail")->compound_head & 1;
}

static inline unsigned int compound_order(const struct page *page)
{
	page = kmapsim_page_read(page, "compound_order");
	return (page->flags & KMAPSIM_PG_HEAD) ? page->order : 0;
}

static inline size_t page_size(const struct page *page)
{
	return PAGE_SIZE << compound_order(page);
}

/* the pages of page's compound page when page is its head; 1 for a tail */
static inline unsigned long compound_nr(const struct page *page)
{
	return 1UL << compound_order(page);
}

#define nth_page(page, n) ((page) + (n))
/* the head page of the compound page a kernel (lowmem) address lies in */
#define virt_to_head_page(x) compound_head(virt_to_page(x))
/*
 * A fragment of a page a page_frag cache carved up (a packet's head made by
 * napi_alloc_frag()): the reference it holds on its compound page is
 * dropped, and the page is freed with its last one.
 */
static inline void page_frag_free(void *addr)
{
	put_page(virt_to_head_page(addr));
}

/* whether a struct page exists for pfn: mem_map covers every frame */
static inline int pfn_valid(unsigned long pfn)
{
	return kmapsim_mem_map && pfn < (unsigned long)(kmapsim_mem_map_end - kmapsim_mem_map);
}
#define page_folio(p) ((struct folio *)compound_head(p))
/* the folio a kernel (lowmem) address lies in */
#define virt_to_folio(x) page_folio(virt_to_page(x))

/* the references held on a folio (its head page's count), as the allocator keeps them */
static inline int folio_ref_count(const struct folio *folio)
{
	return __atomic_load_n(&folio->__kmapsim_refcount, __ATOMIC_RELAXED);
}
#define page_count(page) folio_ref_count(page_folio(page))

#define ZERO_PAGE(vaddr) ((void)(vaddr), kmapsim_zero_page())
#define is_zero_page(page) ((page) == kmapsim_zero_page())
#define is_zero_folio(folio) (&(folio)->page == kmapsim_zero_page())
#define folio_page(folio, n) (&(folio)->page + (n))

static inline unsigned int folio_order(const struct folio *folio)
{
	return compound_order(&folio->page);
}

/* The order as 6.12's folio_queue.h reads it from the folio's second page:
 * 0 for a single page. */
static inline unsigned int __folio_order(const struct folio *folio)
{
	return folio_order(folio);
}

static inline size_t folio_size(const struct folio *folio)
{
	return PAGE_SIZE << folio_order(folio);
}

static inline long folio_nr_pages(const struct folio *folio)
{
	return 1L << folio_order(folio);
}

/* a folio of more than one page (the kernel tests PG_head) */
static inline bool folio_test_large(const struct folio *folio)
{
	return folio_order(folio) > 0;
}

/* whether a page of the folio is mapped into a user page table: the
 * model's user mappings are kmapsim_user_map()'s */
static inline bool folio_mapped(const struct folio *folio)
{
	long i, n = folio_nr_pages(folio);

	for (i = 0; i < n; i++)
		if (kmapsim_page_read(folio_page(folio, i), "folio_mapped")->_mapcount > 0)
			return true;
	return false;
}
#define page_mapped(page) folio_mapped(page_folio(page))
/* how many user page tables map the page: kmapsim_user_map()'s count */
static inline int page_mapcount(struct page *page)
{
	return kmapsim_page_read(page, "page_mapcount")->_mapcount;
}

static inline bool folio_test_highmem(const struct folio *folio)
{
	return PageHighMem(&folio->page);
}

static inline void *folio_address(const struct folio *folio)
{
	return page_address(&folio->page);
}

#define page_to_virt(page) page_address(page)
/*
 * The direct-map address a lowmem page has: kmapsim's page_address(), so
 * code that takes it of a highmem page (which has none: the kernel's gives
 * an address past the direct map) is reported as for page_address().
 */
#define lowmem_page_address(page) page_address(page)

/*
 * Physical addresses of the direct map (asm/page.h's): a lowmem address
 * and its pfn and offset. __va() of a highmem page's physical address
 * gives no usable address, as in the kernel.
 */
#define __pa(x) ((unsigned long)page_to_pfn(virt_to_page(x)) << PAGE_SHIFT | offset_in_page(x))
#define __va(pa) ((void *)((char *)page_address(pfn_to_page((unsigned long)(pa) >> PAGE_SHIFT)) + \
			   offset_in_page(pa)))
#define virt_to_phys(x) __pa(x)
#define phys_to_virt(pa) __va(pa)
#define pfn_to_kaddr(pfn) __va((unsigned long)(pfn) << PAGE_SHIFT)

/* kmapsim keeps no emergency reserves: no page comes from them */
static inline bool page_is_pfmemalloc(const struct page *page)
{
	(void)page;
	return false;
}

/* kmapsim has no hugetlbfs: no folio is a hugetlb folio. */
static inline bool folio_test_hugetlb(const struct folio *folio)
{
	(void)folio;
	return false;
}

/* A position in the file or a pointer into the folio's lowmem mapping (the
 * direct map is aligned to every folio's size, as the kernel's is). */
#define offset_in_folio(folio, p) ((unsigned long)(p) & (folio_size(folio) - 1))

/*
 * mm/debug.c's dump_page(): prints what the struct page holds. It reads the
 * struct page (a pointer outside mem_map is caught as any other read) and
 * nothing the page maps.
 */
static inline void dump_page(const struct page *page, const char *reason)
{
	(void)kmapsim_page_read(page, "dump_page");
	(void)reason;
}

/*
 * The VM's statistics (linux/mmzone.h's items, linux/vmstat.h's updates):
 * the model keeps no counters, so an update evaluates its arguments and
 * does nothing. The items are the names of both trees' enums.
 */
enum zone_stat_item {
	NR_FREE_PAGES,
	NR_ZONE_LRU_BASE,
	NR_ZONE_INACTIVE_ANON = NR_ZONE_LRU_BASE,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_UNEVICTABLE,
	NR_ZONE_WRITE_PENDING,
	NR_MLOCK,
	NR_BOUNCE,
	NR_ZSPAGES,
	NR_FREE_CMA_PAGES,
	NR_VM_ZONE_STAT_ITEMS
};
enum node_stat_item {
	NR_LRU_BASE,
	NR_INACTIVE_ANON = NR_LRU_BASE,
	NR_ACTIVE_ANON,
	NR_INACTIVE_FILE,
	NR_ACTIVE_FILE,
	NR_UNEVICTABLE,
	NR_SLAB_RECLAIMABLE_B,
	NR_SLAB_UNRECLAIMABLE_B,
	NR_ISOLATED_ANON,
	NR_ISOLATED_FILE,
	NR_ANON_MAPPED,
	NR_FILE_MAPPED,
	NR_FILE_PAGES,
	NR_FILE_DIRTY,
	NR_WRITEBACK,
	NR_WRITEBACK_TEMP,
	NR_SHMEM,
	NR_FILE_THPS,
	NR_ANON_THPS,
	NR_VMSCAN_WRITE,
	NR_DIRTIED,
	NR_WRITTEN,
	NR_KERNEL_STACK_KB,
	NR_PAGETABLE,
	NR_VM_NODE_STAT_ITEMS
};
#define kmapsim_vmstat(page, item, delta) ((void)(page), (void)(item), (void)(delta))
#define inc_zone_page_state(page, item)		kmapsim_vmstat(page, item, 1)
#define dec_zone_page_state(page, item)		kmapsim_vmstat(page, item, -1)
#define __inc_zone_page_state(page, item)	kmapsim_vmstat(page, item, 1)
#define __dec_zone_page_state(page, item)	kmapsim_vmstat(page, item, -1)
#define inc_node_page_state(page, item)		kmapsim_vmstat(page, item, 1)
#define dec_node_page_state(page, item)		kmapsim_vmstat(page, item, -1)
#define __inc_node_page_state(page, item)	kmapsim_vmstat(page, item, 1)
#define __dec_node_page_state(page, item)	kmapsim_vmstat(page, item, -1)
#define mod_lruvec_page_state(page, item, d)	kmapsim_vmstat(page, item, d)
#define __mod_lruvec_page_state(page, item, d)	kmapsim_vmstat(page, item, d)
#define node_stat_mod_folio(folio, item, d)	kmapsim_vmstat(folio, item, d)
#define node_stat_add_folio(folio, item)	kmapsim_vmstat(folio, item, 1)
#define node_stat_sub_folio(folio, item)	kmapsim_vmstat(folio, item, -1)

#endif /* _LINUX_MM_H */
