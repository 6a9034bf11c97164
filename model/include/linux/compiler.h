/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) (*(volatile __typeof__(x) *)&(x) = (val))
#define absolute_pointer(val) ((void *)(unsigned long)(val))
#define __maybe_unused __attribute__((unused))
#define __percpu
#define __must_be_array(a) 0
#define __is_constexpr(x) __builtin_constant_p(x)
#define barrier() __asm__ __volatile__("" ::: "memory")

#endif /* _LINUX_COMPILER_H */
