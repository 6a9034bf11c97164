/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: cpu_relax(). The body of a busy-wait loop: a scheduling point
 * where the spinning task yields its turn (see <linux/compiler.h>), so the
 * task it waits for runs; a spin nothing can end is a soft-lockup.
 */
#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H

#include <linux/compiler.h>

static inline void cpu_relax(void)
{
	kmapsim_shared_access((const volatile void *)0, KMAPSIM_SHARED_RELAX,
			      "cpu_relax");
}

#endif /* _ASM_PROCESSOR_H */
