/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the kernel config every profile shares. Imported kernel code is
 * compiled with one of the profile headers beside this one, so that
 * IS_ENABLED(CONFIG_...) and #ifdef CONFIG_... take the branch that kernel
 * would. A symbol not defined here is "n". tests/kernel/test_config.py
 * checks the profile headers against model/src/sim/profile.cc.
 */
#ifndef _KMAPSIM_CONFIG_COMMON_H
#define _KMAPSIM_CONFIG_COMMON_H

/* kbuild compiles every file with -D__KERNEL__ (uapi headers test it) */
#ifndef __KERNEL__
#define __KERNEL__ 1
#endif

#define CONFIG_MMU 1
#define CONFIG_SMP 1
#define CONFIG_NR_CPUS 2		/* Profile::nr_cpus */
#define CONFIG_PREEMPTION 1		/* the model preempts at every kernel-API call */
#define CONFIG_PREEMPT 1
#define CONFIG_PREEMPT_COUNT 1
#define CONFIG_KMAP_LOCAL 1
#define CONFIG_AIO 1
#define CONFIG_BLOCK 1			/* the block layer (buffer heads, bios): every highmem product has one */
#define CONFIG_FLATMEM 1		/* mem_map is one array */
#define CONFIG_BASE_SMALL 0		/* an int-valued symbol: 0 is "n" */

/*
 * Every profile is little-endian (x86, ARMv7 as Linux runs it), as the
 * arch's asm/byteorder.h says; exactly one of the two is defined in the
 * kernel (asm/byteorder.h undefines the C library's __BIG_ENDIAN).
 */
#define __LITTLE_ENDIAN 1234
#define __LITTLE_ENDIAN_BITFIELD 1

#endif /* _KMAPSIM_CONFIG_COMMON_H */
