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

/* asm-generic/kmap_size.h: the kmap_local stack's slots per task; with
 * DEBUG_KMAP_LOCAL each map has a guard slot beside it (16 maps either way,
 * as the model counts them: profile.cc's km_max_idx()) */
#ifdef CONFIG_DEBUG_KMAP_LOCAL
#define KM_MAX_IDX	33
#else
#define KM_MAX_IDX	16
#endif

#define PAGE_KERNEL	((pgprot_t)0x63)
#define PAGE_KERNEL_RO	((pgprot_t)0x61)
/* A protection's value and its caching forms (asm/pgtable.h: x86's PWT and
 * PCD bits). The model's memory has one caching mode and its maps ignore
 * the protection they are given, so these change only the value: DRM's
 * ttm_prot_from_caching() compiles and its maps behave as the kernel's
 * kmap_local_page_prot() ones do. */
#define pgprot_val(prot)		((unsigned long)(prot))
#define __pgprot(val)			((pgprot_t)(val))
#define pgprot_noncached(prot)		((pgprot_t)((prot) | 0x18))
#define pgprot_writecombine(prot)	((pgprot_t)((prot) | 0x08))

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

/* highmem.h's unmap-then-drop pairs: the mapping goes before the reference */
#define folio_release_kmap(folio, addr) do { kunmap_local(addr); folio_put(folio); } while (0)
#define put_and_unmap_page(page, addr) do { kunmap_local(addr); put_page(page); } while (0)

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

/*
 * The folio helpers of include/linux/highmem.h: one kmap_local_folio() per
 * page whenever the folio is only partially mapped (highmem, or FORCE_MAP),
 * the whole folio at once otherwise, as the kernel does.
 */
static inline size_t kmapsim_folio_chunk(const struct folio *folio, size_t offset, size_t len)
{
	if (folio_test_partial_kmap(folio) && len > PAGE_SIZE - offset_in_page(offset))
		return PAGE_SIZE - offset_in_page(offset);
	return len;
}

static inline void memcpy_from_folio(char *to, struct folio *folio, size_t offset, size_t len)
{
	VM_BUG_ON(offset + len > folio_size(folio));
	do {
		const char *from = (const char *)kmap_local_folio(folio, offset);
		size_t chunk = kmapsim_folio_chunk(folio, offset, len);

		memcpy(to, from, chunk);
		kunmap_local(from);
		to += chunk;
		offset += chunk;
		len -= chunk;
	} while (len > 0);
}

static inline void memcpy_to_folio(struct folio *folio, size_t offset, const char *from, size_t len)
{
	VM_BUG_ON(offset + len > folio_size(folio));
	do {
		char *to = (char *)kmap_local_folio(folio, offset);
		size_t chunk = kmapsim_folio_chunk(folio, offset, len);

		memcpy(to, from, chunk);
		kunmap_local(to);
		from += chunk;
		offset += chunk;
		len -= chunk;
	} while (len > 0);
	flush_dcache_folio(folio);
}

static inline void memcpy_folio(struct folio *dst_folio, size_t dst_off, struct folio *src_folio,
				size_t src_off, size_t len)
{
	VM_BUG_ON(dst_off + len > folio_size(dst_folio));
	VM_BUG_ON(src_off + len > folio_size(src_folio));
	do {
		char *dst = (char *)kmap_local_folio(dst_folio, dst_off);
		const char *src = (const char *)kmap_local_folio(src_folio, src_off);
		size_t chunk = kmapsim_folio_chunk(dst_folio, dst_off, len);

		chunk = kmapsim_folio_chunk(src_folio, src_off, chunk);
		memcpy(dst, src, chunk);
		kunmap_local(src);
		kunmap_local(dst);
		dst_off += chunk;
		src_off += chunk;
		len -= chunk;
	} while (len > 0);
}

static inline void folio_zero_segments(struct folio *folio, size_t start1, size_t end1,
				       size_t start2, size_t end2)
{
	zero_user_segments(&folio->page, start1, end1, start2, end2);
}

static inline void folio_zero_segment(struct folio *folio, size_t start, size_t xend)
{
	zero_user_segments(&folio->page, start, xend, 0, 0);
}

static inline void folio_zero_range(struct folio *folio, size_t start, size_t length)
{
	zero_user_segments(&folio->page, start, start + length, 0, 0);
}

/*
 * kaddr is offset mapped with kmap_local_folio(); zeroes to the folio's end
 * and returns the address to kunmap_local() (a later page's mapping when
 * the folio is mapped page by page).
 */
static inline __must_check void *folio_zero_tail(struct folio *folio, size_t offset, void *kaddr)
{
	size_t len = folio_size(folio) - offset;

	if (folio_test_partial_kmap(folio)) {
		size_t max = PAGE_SIZE - offset_in_page(offset);

		while (len > max) {
			memset(kaddr, 0, max);
			kunmap_local(kaddr);
			len -= max;
			offset += max;
			max = PAGE_SIZE;
			kaddr = kmap_local_folio(folio, offset);
		}
	}
	memset(kaddr, 0, len);
	flush_dcache_folio(folio);
	return kaddr;
}

/*
 * Copies len bytes to offset, then zeroes the rest of the folio. As in the
 * kernel (6.9 on): when offset + len ends exactly on a page boundary of a
 * folio mapped page by page, folio_zero_tail() is handed the address one
 * past the mapped page, and kmapsim reports what happens next.
 */
static inline void folio_fill_tail(struct folio *folio, size_t offset, const char *from, size_t len)
{
	char *to = (char *)kmap_local_folio(folio, offset);

	VM_BUG_ON(offset + len > folio_size(folio));
	if (folio_test_partial_kmap(folio)) {
		size_t max = PAGE_SIZE - offset_in_page(offset);

		while (len > max) {
			memcpy(to, from, max);
			kunmap_local(to);
			len -= max;
			from += max;
			offset += max;
			max = PAGE_SIZE;
			to = (char *)kmap_local_folio(folio, offset);
		}
	}
	memcpy(to, from, len);
	to = (char *)folio_zero_tail(folio, offset + len, to + len);
	kunmap_local(to);
}

#endif /* _LINUX_HIGHMEM_H */
