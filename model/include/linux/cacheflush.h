/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_CACHEFLUSH_H
#define _LINUX_CACHEFLUSH_H

#include <linux/mm_types.h>

KMAPSIM_EXTERN_C_BEGIN
/* Writes back the kernel alias so user mappings see it (aliasing profiles). */
void flush_dcache_page(struct page *page);
void flush_dcache_folio(struct folio *folio);
KMAPSIM_EXTERN_C_END

#endif /* _LINUX_CACHEFLUSH_H */
