/* SPDX-License-Identifier: MIT */
/* kmapsim: profile x86-32: x86-32 HIGHMEM as distributions build it. */
#ifndef _KMAPSIM_CONFIG_PROFILE_H
#define _KMAPSIM_CONFIG_PROFILE_H
#include <kmapsim/config/common.h>
#define CONFIG_X86 1
#define CONFIG_X86_32 1
#define CONFIG_HIGHMEM 1
#define CONFIG_HIGHMEM4G 1
#endif
