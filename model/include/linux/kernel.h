/* SPDX-License-Identifier: MIT */
/* kmapsim: the everyday helpers of include/linux/kernel.h and friends. */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <errno.h>
#include <string.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bug.h>

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define min(x, y) ({ __typeof__(x) _mn_x = (x); __typeof__(y) _mn_y = (y); \
	_mn_x < _mn_y ? _mn_x : _mn_y; })
#define max(x, y) ({ __typeof__(x) _mx_x = (x); __typeof__(y) _mx_y = (y); \
	_mx_x > _mx_y ? _mx_x : _mx_y; })
#define min_t(type, x, y) ({ type _mnt_x = (x); type _mnt_y = (y); \
	_mnt_x < _mnt_y ? _mnt_x : _mnt_y; })
#define max_t(type, x, y) ({ type _mxt_x = (x); type _mxt_y = (y); \
	_mxt_x > _mxt_y ? _mxt_x : _mxt_y; })
#define clamp(val, lo, hi) min(max(val, lo), hi)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
/* halves of a word (6.12 keeps them in linux/wordpart.h, which kernel.h brings) */
#define upper_32_bits(n) ((u32)((n) >> 16 >> 16))
#define lower_32_bits(n) ((u32)((n) & 0xffffffffu))
#define upper_16_bits(n) ((u16)((n) >> 16))
#define lower_16_bits(n) ((u16)((n) & 0xffffu))
/* linux/math.h: to a multiple of y, any y (round_up/round_down need a power of 2) */
#define roundup(x, y) ({ __typeof__(y) __ru_y = (y); (((x) + (__ru_y - 1)) / __ru_y) * __ru_y; })
#define rounddown(x, y) ({ __typeof__(x) __rd_x = (x); __rd_x - (__rd_x % (y)); })
#define DIV_ROUND_DOWN_ULL(ll, d) ({ unsigned long long _tmp = (ll); _tmp / (d); })
#define DIV_ROUND_UP_ULL(ll, d) DIV_ROUND_DOWN_ULL((unsigned long long)(ll) + (d) - 1, (d))
/* A user pointer an ioctl passes as a u64, which it must be (warns otherwise). */
#define u64_to_user_ptr(x)						\
	({								\
		u64 __kmapsim_u64;					\
		__typeof__(x) __kmapsim_arg;				\
		(void)(&__kmapsim_u64 == &__kmapsim_arg);		\
		(void __user *)(uintptr_t)(x);				\
	})
/* linux/math.h: a sector_t is 64 bits on every profile, so either form divides it */
#define DIV_ROUND_UP_SECTOR_T(ll, d) DIV_ROUND_UP(ll, d)
#define ALIGN(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

/*
 * lib/string.c's memchr_inv(): the first byte of [start, start + bytes)
 * that is not c, or NULL. It reads byte by byte in the subject's own code,
 * so a scan through a kmap window is checked as every other access.
 */
static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = (const unsigned char *)start;
	size_t i;

	for (i = 0; i < bytes; i++)
		if (p[i] != (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

/*
 * memcpy_flushcache(): a copy whose stores reach persistent memory. The
 * kernel's generic one (an architecture without
 * __HAVE_ARCH_MEMCPY_FLUSHCACHE, which 32-bit x86 and ARM are) is memcpy(),
 * and so is this: the copy is checked as every memcpy().
 */
static inline void memcpy_flushcache(void *dst, const void *src, size_t cnt)
{
	memcpy(dst, src, cnt);
}

/*
 * lib/string.c's strscpy(): copies src into dst of size bytes, always
 * NUL-terminated unless size is 0, and returns the length copied, or
 * -E2BIG when src did not fit (dst then holds its first size - 1 bytes).
 * Byte by byte in the caller's code, so every read of src and write of dst
 * is checked; the kernel reads src a word at a time where alignment allows,
 * never past the page its NUL is in. strscpy(dst, src) sizes an array dst
 * itself; the _pad forms zero the rest of dst.
 */
static inline ssize_t kmapsim_strscpy(char *dst, const char *src, size_t size, bool pad)
{
	size_t i;

	if (size == 0)
		return -E2BIG;
	for (i = 0; i < size; i++) {
		dst[i] = src[i];
		if (!src[i]) {
			if (pad)
				memset(dst + i, 0, size - i);
			return (ssize_t)i;
		}
	}
	dst[size - 1] = '\0';
	return -E2BIG;
}
#define __kmapsim_strscpy_args(_1, _2, _3, name, ...) name
#define __kmapsim_strscpy2(dst, src) kmapsim_strscpy(dst, src, sizeof(dst), false)
#define __kmapsim_strscpy3(dst, src, size) kmapsim_strscpy(dst, src, size, false)
#define strscpy(...) __kmapsim_strscpy_args(__VA_ARGS__, __kmapsim_strscpy3, __kmapsim_strscpy2, _)(__VA_ARGS__)
#define __kmapsim_strscpy_pad2(dst, src) kmapsim_strscpy(dst, src, sizeof(dst), true)
#define __kmapsim_strscpy_pad3(dst, src, size) kmapsim_strscpy(dst, src, size, true)
#define strscpy_pad(...) \
	__kmapsim_strscpy_args(__VA_ARGS__, __kmapsim_strscpy_pad3, __kmapsim_strscpy_pad2, _)(__VA_ARGS__)

#ifndef __cplusplus
#include <stdarg.h>
/*
 * lib/vsprintf.c's formatting into a buffer, as the C library's (kernel
 * code includes no <stdio.h>, and taking it whole would bring names kernel
 * code defines itself). The kernel's %p extensions print as pointers.
 * scnprintf() returns what it wrote, not what it would have.
 */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args) __attribute__((format(printf, 3, 0)));
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sscanf(const char *buf, const char *fmt, ...) __attribute__((format(scanf, 2, 3)));
static inline __attribute__((format(printf, 3, 0))) int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	int i = vsnprintf(buf, size, fmt, args);

	if (i < 0 || size == 0)
		return 0;
	return (size_t)i < size ? i : (int)size - 1;
}
static inline __attribute__((format(printf, 3, 4))) int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int i;

	va_start(args, fmt);
	i = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return i;
}
#endif

#endif /* _LINUX_KERNEL_H */
