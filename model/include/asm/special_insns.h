/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: x86's cache-line flushes, clflush() and clflushopt(). The
 * instruction takes a memory operand and faults like an access to it, so a
 * flush through a mapping that has gone, or past its page, is an access
 * there: each reads the byte at p, in the caller's code, where kmapsim
 * checks it. What the flush does to caches is not modelled (kmapsim's
 * memory is coherent).
 */
#ifndef _ASM_SPECIAL_INSNS_H
#define _ASM_SPECIAL_INSNS_H

#ifdef CONFIG_X86
static inline void clflush(volatile void *p)
{
	(void)*(volatile const char *)p;
}

static inline void clflushopt(volatile void *p)
{
	(void)*(volatile const char *)p;
}
#endif

#endif /* _ASM_SPECIAL_INSNS_H */
