/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: BUG_ON/WARN_ON in subject code. A BUG in a subject is the
 * subject's own assertion: it ends the run with a "subject-bug" verdict
 * (never silently). WARN_ON records an event and carries on, as in the
 * kernel; WARN() prints its message first, reading its arguments as
 * printk() does.
 */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/types.h>
#include <linux/printk.h>

KMAPSIM_EXTERN_C_BEGIN
void kmapsim_subject_bug(const char *file, int line, const char *cond)
	__attribute__((noreturn));
void kmapsim_subject_warn(const char *file, int line, const char *cond);
KMAPSIM_EXTERN_C_END

#define BUG() kmapsim_subject_bug(__FILE__, __LINE__, "BUG()")
/*
 * kernel/panic.c's panic(): the message, then the machine stops; the run
 * ends there as at a BUG() (a subject-bug), never silently.
 */
#define panic(...) ({ printk(KERN_EMERG "Kernel panic - not syncing: " __VA_ARGS__); \
	kmapsim_subject_bug(__FILE__, __LINE__, "panic()"); })
/* The condition's text as written (not macro-expanded) names the check. */
#define __KMAPSIM_BUG_ON(cond, text) do { if (__builtin_expect(!!(cond), 0)) \
	kmapsim_subject_bug(__FILE__, __LINE__, text); } while (0)
#define __KMAPSIM_WARN_ON(cond, text) ({ int __w = !!(cond); \
	if (__w) kmapsim_subject_warn(__FILE__, __LINE__, text); __w; })
#define BUG_ON(cond) __KMAPSIM_BUG_ON(cond, #cond)
#define WARN_ON(cond) __KMAPSIM_WARN_ON(cond, #cond)
#define WARN_ON_ONCE(cond) __KMAPSIM_WARN_ON(cond, #cond)
#define __KMAPSIM_WARN(cond, text, ...) ({ int __w = !!(cond); \
	if (__w) { printk(__VA_ARGS__); kmapsim_subject_warn(__FILE__, __LINE__, text); } __w; })
#define WARN(cond, ...) __KMAPSIM_WARN(cond, #cond, __VA_ARGS__)
#define WARN_ONCE(cond, ...) __KMAPSIM_WARN(cond, #cond, __VA_ARGS__)
#define VM_BUG_ON(cond) __KMAPSIM_BUG_ON(cond, #cond)
#ifdef __cplusplus
#define BUILD_BUG_ON(cond) static_assert(!(cond), #cond)
#define BUILD_BUG_ON_MSG(cond, msg) static_assert(!(cond), msg)
#else
/* As in the kernel, a condition the compiler folds is checked here (a
 * negative array size); one that is constant only once a static inline is
 * inlined (a parameter: linux/random.h's get_random_u32_below(ceil) checks
 * ceil) is the optimiser's business in the kernel, and is not checked. A
 * condition that folds without being an integer constant expression
 * (ttm_manager_type()'s `__builtin_constant_p(mem_type) && mem_type >=
 * TTM_NUM_MEM_TYPES`) is checked by its folded value, which
 * _Static_assert() could not take. A statement, as the kernel's is. */
#define __KMAPSIM_BUILD_BUG(cond, msg) do {					\
	(void)sizeof(char[1 - 2 * __builtin_choose_expr(__builtin_constant_p(cond), !!(cond), 0)]); \
} while (0)
#define BUILD_BUG_ON(cond) __KMAPSIM_BUILD_BUG(cond, #cond)
#define BUILD_BUG_ON_MSG(cond, msg) __KMAPSIM_BUILD_BUG(cond, msg)
#endif
#define BUILD_BUG_ON_NOT_POWER_OF_2(n) _Static_assert((n) != 0 && ((n) & ((n) - 1)) == 0, #n " is a power of 2")
/* an expression the compiler checks but never evaluates */
#define BUILD_BUG_ON_INVALID(e) ((void)(sizeof((__force long)(e))))
#ifndef __cplusplus
/* linux/build_bug.h's static_assert(): the message is optional */
#undef static_assert
#define static_assert(expr, ...) __kmapsim_static_assert(expr, ##__VA_ARGS__, #expr)
#define __kmapsim_static_assert(expr, msg, ...) _Static_assert(expr, msg)
#endif

#endif /* _LINUX_BUG_H */
