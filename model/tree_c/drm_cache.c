/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: DRM's CPU cache flushes (drivers/gpu/drm/drm_cache.c), which
 * drivers call on a range they have mapped before copying it (i915's
 * shmem_pread(), i915_gem_object_read_from_page()). The kernel flushes
 * every cache line of the range with clflush, an access through the
 * mapping; this reads one byte of each 64-byte line and the last byte, in
 * the unit's own code, so a flush through a mapping that has gone, or past
 * its page, is reported at the flush like any other access. Whether the
 * CPU has clflush (the kernel falls back to wbinvd) is not modelled.
 */

void drm_clflush_virt_range(void *addr, unsigned long length)
{
	volatile char *p = addr;
	unsigned long i;

	for (i = 0; i < length; i += 64)
		(void)p[i];
	if (length)
		(void)p[length - 1];
}
