/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_GFP_H
#define _LINUX_GFP_H

#include <linux/types.h>

/* Bit values are kmapsim's own; the meaning is the kernel's. */
#define __GFP_HIGHMEM		0x02u
#define __GFP_IO		0x40u
#define __GFP_FS		0x80u
#define __GFP_ZERO		0x100u
#define __GFP_DIRECT_RECLAIM	0x400u
#define __GFP_WRITE		0x1000u	/* a dirty-page balancing hint: kmapsim does not balance */
#define __GFP_KSWAPD_RECLAIM	0x800u
#define __GFP_NOFAIL		0x8000u
#define __GFP_HARDWALL		0x100000u
#define __GFP_HIGH		0x20u
#define __GFP_NOWARN		0x2000u
#define __GFP_MOVABLE		0x08u	/* a placement hint: kmapsim places every page alike */
#define __GFP_RETRY_MAYFAIL	0x4000u
#define __GFP_NORETRY		0x10000u
#define __GFP_ACCOUNT		0x400000u
/* every block of order > 0 kmapsim hands out is a compound page already */
#define __GFP_COMP		0x40000u
/* no emergency reserves here: page_is_pfmemalloc() is always false */
#define __GFP_MEMALLOC		0x20000u
#define __GFP_NOMEMALLOC	0x80000u
/*
 * Zone and placement requests: every model page that is not highmem is
 * lowmem that DMA can reach, so these change nothing but what a caller
 * tests in its own flags (slab's KMALLOC_NOT_NORMAL_BITS).
 */
#define __GFP_DMA		0x01u
#define __GFP_DMA32		0x04u
#define __GFP_RECLAIMABLE	0x10u
#define __GFP_THISNODE		0x200000u
#define __GFP_NOLOCKDEP		0x800000u
#define __GFP_RECLAIM		(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

#define GFP_ATOMIC	(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT	(__GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL	(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOIO	(__GFP_RECLAIM)
#define GFP_NOFS	(__GFP_RECLAIM | __GFP_IO)
#define GFP_USER	(__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_HIGHUSER	(GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE GFP_HIGHUSER
#define GFP_DMA		__GFP_DMA
#define GFP_DMA32	__GFP_DMA32
/* charged to the caller's memory cgroup, which kmapsim does not model */
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)

#define gfpflags_allow_blocking(gfp) (!!((gfp) & __GFP_DIRECT_RECLAIM))
/*
 * Whether an allocation may dip into the emergency reserves (a task in
 * memory reclaim, __GFP_MEMALLOC): there are none here, so a caller's
 * second try "from the reserves" never happens.
 */
static inline bool gfp_pfmemalloc_allowed(gfp_t gfp)
{
	(void)gfp;
	return false;
}

#endif /* _LINUX_GFP_H */
