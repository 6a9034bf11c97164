/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: profile strict: x86-32 PAE HIGHMEM with DEBUG_KMAP_LOCAL,
 * DEBUG_KMAP_LOCAL_FORCE_MAP and an aliasing data cache, every debug aid at
 * once (no single real kernel has all three; each is one a kernel can have).
 */
#ifndef _KMAPSIM_CONFIG_PROFILE_H
#define _KMAPSIM_CONFIG_PROFILE_H
#include <kmapsim/config/common.h>
#define CONFIG_X86 1
#define CONFIG_X86_32 1
#define CONFIG_X86_PAE 1
#define CONFIG_HIGHMEM 1
#define CONFIG_HIGHMEM64G 1
#define CONFIG_DEBUG_KMAP_LOCAL 1
#define CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP 1
#define CONFIG_ARCH_HAS_CPU_CACHE_ALIASING 1
#endif
