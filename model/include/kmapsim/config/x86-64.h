/* SPDX-License-Identifier: MIT */
/* kmapsim: profile x86-64: no HIGHMEM; kmap_local_page() is page_address(). */
#ifndef _KMAPSIM_CONFIG_PROFILE_H
#define _KMAPSIM_CONFIG_PROFILE_H
#include <kmapsim/config/common.h>
#define CONFIG_X86 1
#define CONFIG_X86_64 1
#define CONFIG_64BIT 1
#endif
