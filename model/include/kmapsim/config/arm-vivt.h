/* SPDX-License-Identifier: MIT */
/* kmapsim: profile arm-vivt: ARM32 HIGHMEM with a VIVT data cache. */
#ifndef _KMAPSIM_CONFIG_PROFILE_H
#define _KMAPSIM_CONFIG_PROFILE_H
#include <kmapsim/config/common.h>
#define CONFIG_ARM 1
#define CONFIG_HIGHMEM 1
#define CONFIG_CPU_CACHE_VIVT 1
#define CONFIG_ARCH_HAS_CPU_CACHE_ALIASING 1
#define CONFIG_KMAP_LOCAL_NON_LINEAR_PTE_ARRAY 1
#endif
