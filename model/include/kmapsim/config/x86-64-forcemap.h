/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: profile x86-64-forcemap: 64-bit with DEBUG_KMAP_LOCAL_FORCE_MAP
 * (x86 selects ARCH_SUPPORTS_KMAP_LOCAL_FORCE_MAP on 64-bit too). The option
 * selects DEBUG_KMAP_LOCAL, but without HIGHMEM kmap_local_page() stays
 * page_address(); folio_test_partial_kmap() and other IS_ENABLED() tests of
 * the option do change.
 */
#ifndef _KMAPSIM_CONFIG_PROFILE_H
#define _KMAPSIM_CONFIG_PROFILE_H
#include <kmapsim/config/common.h>
#define CONFIG_X86 1
#define CONFIG_X86_64 1
#define CONFIG_64BIT 1
#define CONFIG_DEBUG_KMAP_LOCAL 1
#define CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP 1
#endif
