/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: cpu_relax(), and on x86 boot_cpu_data. cpu_relax() is the body
 * of a busy-wait loop: a scheduling point where the spinning task yields
 * its turn (see <linux/compiler.h>), so the task it waits for runs; a spin
 * nothing can end is a soft-lockup. It is also where the run may stall
 * the task (it finds 60 s gone: linux/delay.h), which takes a poll on the
 * jiffies to its timeout path.
 */
#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H

#include <linux/compiler.h>

static inline void cpu_relax(void)
{
	kmapsim_busy_wait("cpu_relax");
}

#ifdef CONFIG_X86
/*
 * The boot CPU's description, as x86 code reads it: its family (a 686,
 * as every CPU a HIGHMEM x86-32 kernel runs on is; DRM's
 * ttm_prot_from_caching() tests `x86 > 3`) and the cache-line sizes (DRM's
 * drm_clflush_page() steps through a page by x86_clflush_size). kmapsim's
 * CPUs are all alike, with 64-byte lines.
 */
struct cpuinfo_x86 {
	unsigned char x86;
	int x86_clflush_size;
	int x86_cache_alignment;
};

static const struct cpuinfo_x86 boot_cpu_data __attribute__((unused)) = {
	.x86 = 6,
	.x86_clflush_size = 64,
	.x86_cache_alignment = 64,
};
#endif

#endif /* _ASM_PROCESSOR_H */
