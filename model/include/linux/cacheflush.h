/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_CACHEFLUSH_H
#define _LINUX_CACHEFLUSH_H

#include <linux/mm_types.h>

KMAPSIM_EXTERN_C_BEGIN
/* Writes back the kernel alias so user mappings see it (aliasing profiles). */
void flush_dcache_page(struct page *page);
void flush_dcache_folio(struct folio *folio);
KMAPSIM_EXTERN_C_END

/*
 * asm/cacheflush.h: whether the architecture implements flush_dcache_page()
 * (ARM does; asm-generic's is empty and says 0). Here: the profiles with
 * aliasing data caches, where the flush does something (kernel code tests it
 * with a plain `if` to skip work the flush would not need).
 */
#ifndef ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE
#ifdef CONFIG_ARCH_HAS_CPU_CACHE_ALIASING
#define ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE 1
#else
#define ARCH_IMPLEMENTS_FLUSH_DCACHE_PAGE 0
#endif
#endif

#endif /* _LINUX_CACHEFLUSH_H */
