/* SPDX-License-Identifier: MIT */
/* kmapsim: the kernel's integer limits (the C library's, plus the sized ones). */
#ifndef _KMAPSIM_LINUX_LIMITS_H
#define _KMAPSIM_LINUX_LIMITS_H
/* shadows the system's <linux/limits.h>, which <limits.h> wants too */
#if defined(__has_include_next)
#if __has_include_next(<linux/limits.h>)
#include_next <linux/limits.h>
#endif
#endif
#include <limits.h>
#include <stdint.h>
#define U8_MAX		((u8)~0U)
#define S8_MAX		((s8)(U8_MAX >> 1))
#define U16_MAX		((u16)~0U)
#define S16_MAX		((s16)(U16_MAX >> 1))
#define U32_MAX		((u32)~0U)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))
#define MAX_RW_COUNT	(INT_MAX & PAGE_MASK)
#endif /* _KMAPSIM_LINUX_LIMITS_H */
