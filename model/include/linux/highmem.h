/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: every kmap variant and the helpers built on kmap_local.
 * Semantics follow mm/highmem.c and include/linux/highmem*.h of the profile
 * in force (HIGHMEM or not, DEBUG_KMAP_LOCAL, FORCE_MAP, aliasing caches).
 */
#ifndef _LINUX_HIGHMEM_H
#define _LINUX_HIGHMEM_H

#include <linux/types.h>
#include <linux/mm.h>
#include <linux/cacheflush.h>
#include <linux/preempt.h>

#define PAGE_KERNEL	((pgprot_t)0x63)
#define PAGE_KERNEL_RO	((pgprot_t)0x61)

KMAPSIM_EXTERN_C_BEGIN
void *kmap(struct page *page);
void kunmap(struct page *page);
void *kmap_atomic(struct page *page);
void *kmap_atomic_prot(struct page *page, pgprot_t prot);
void *kmap_atomic_pfn(unsigned long pfn);
void kmapsim_kunmap_atomic(const void *addr);
void *kmap_local_page(struct page *page);
void *kmap_local_page_prot(struct page *page, pgprot_t prot);
void *kmap_local_folio(struct folio *folio, size_t offset);
void *kmap_local_pfn(unsigned long pfn);
void kmapsim_kunmap_local(const void *addr);
struct page *kmap_to_page(void *addr);
void kmap_flush_unused(void);
bool is_kmap_addr(const void *addr);
bool folio_test_partial_kmap(const struct folio *folio);
/* Maps nothing: NULL for a highmem page, else its direct-map address. */
void *kmap_local_page_try_from_panic(struct page *page);

void memcpy_page(struct page *dst_page, size_t dst_off,
		 struct page *src_page, size_t src_off, size_t len);
void memmove_page(struct page *dst_page, size_t dst_off,
		  struct page *src_page, size_t src_off, size_t len);
void memset_page(struct page *page, size_t offset, int val, size_t len);
void memcpy_from_page(char *to, struct page *page, size_t offset, size_t len);
void memcpy_to_page(struct page *page, size_t offset, const char *from,
		    size_t len);
void memzero_page(struct page *page, size_t offset, size_t len);
void zero_user_segments(struct page *page, unsigned int start1,
			unsigned int end1, unsigned int start2,
			unsigned int end2);
void clear_highpage(struct page *page);
void copy_highpage(struct page *to, struct page *from);
KMAPSIM_EXTERN_C_END

/*
 * kunmap_local()/kunmap_atomic() take the address, never the page: like the
 * kernel, passing a struct page pointer does not compile.
 */
#ifdef __cplusplus
#define kmapsim_not_a_page(x) \
	static_assert(!__is_same(__typeof__(x), struct page *), \
		      "kunmap_local/kunmap_atomic take an address, not a struct page *")
#else
#define kmapsim_not_a_page(x) \
	_Static_assert(!__builtin_types_compatible_p(__typeof__(x), struct page *), \
		       "kunmap_local/kunmap_atomic take an address, not a struct page *")
#endif

#define kunmap_local(addr) do { kmapsim_not_a_page(addr); \
	kmapsim_kunmap_local(addr); } while (0)
#define kunmap_atomic(addr) do { kmapsim_not_a_page(addr); \
	kmapsim_kunmap_atomic(addr); } while (0)

static inline void zero_user_segment(struct page *page, unsigned int start,
				     unsigned int end)
{
	zero_user_segments(page, start, end, 0, 0);
}

static inline void zero_user(struct page *page, unsigned int start,
			     unsigned int size)
{
	zero_user_segments(page, start, start + size, 0, 0);
}

#endif /* _LINUX_HIGHMEM_H */
