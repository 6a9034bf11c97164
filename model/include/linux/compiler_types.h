/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the kernel's annotations of functions, variables and types.
 *
 * Kbuild puts the kernel's compiler_types.h (and through it its compiler
 * attributes) in front of every file with -include, so kernel code uses
 * these names without including anything. Imported code (`check --kernel`)
 * and subjects get them here, through <linux/types.h>. Each keeps the
 * meaning it has on a kernel built with clang where that meaning holds on
 * the host; the rest expand to nothing, for these reasons:
 *
 *  - sparse's annotations (address spaces, lock context, bitwise types)
 *    feed a static checker, not the compiler: nothing in a run changes;
 *  - section placement (__init, __ro_after_init, ...) changes where code
 *    and data live in the kernel image, not what they do in a run;
 *  - __no_sanitize_address and friends would switch off the checks kmapsim
 *    builds on (the kmap windows are checked through ASan's callbacks); a
 *    real kernel faults on an unmapped address whatever KASAN does;
 *  - attributes this clang does not know would only warn.
 */
#ifndef _KMAPSIM_LINUX_COMPILER_TYPES_H
#define _KMAPSIM_LINUX_COMPILER_TYPES_H

#ifndef __has_attribute
#define __has_attribute(x) 0
#endif

/* Both languages: the model's C++ sources include the kernel-facing headers. */
#define __user
#define __iomem
#define __force
#define __must_check __attribute__((__warn_unused_result__))
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define noinline __attribute__((__noinline__))

/*
 * C only: the C++ standard library names its parameters and helpers with
 * reserved identifiers such as __init and __weak. Each name only where
 * nothing defined it first: the system's <linux/types.h> brings
 * __counted_by and __bitwise, glibc's <sys/cdefs.h> __attribute_const__.
 */
#ifndef __cplusplus

/* sparse: address spaces, context (locks), bitwise types */
#ifndef __kernel
#define __kernel
#endif
#ifndef __safe
#define __safe
#endif
#ifndef __nocast
#define __nocast
#endif
#ifndef __bitwise
#define __bitwise
#endif
#ifndef __private
#define __private
#endif
#ifndef __data_racy
#define __data_racy
#endif
#ifndef __must_hold
#define __must_hold(x)
#endif
#ifndef __acquires
#define __acquires(x)
#endif
#ifndef __releases
#define __releases(x)
#endif
#ifndef __cond_acquires
#define __cond_acquires(x)
#endif
#ifndef __cond_releases
#define __cond_releases(x)
#endif
#ifndef __acquire
#define __acquire(x) ((void)0)
#endif
#ifndef __release
#define __release(x) ((void)0)
#endif
#ifndef __cond_lock
#define __cond_lock(x, c) (c)
#endif

/* sections of the kernel image */
#ifndef __init
#define __init
#endif
#ifndef __exit
#define __exit
#endif
#ifndef __initdata
#define __initdata
#endif
#ifndef __initconst
#define __initconst
#endif
#ifndef __exitdata
#define __exitdata
#endif
#ifndef __init_or_module
#define __init_or_module
#endif
#ifndef __meminit
#define __meminit
#endif
#ifndef __meminitdata
#define __meminitdata
#endif
#ifndef __ref
#define __ref
#endif
#ifndef __refdata
#define __refdata
#endif
#ifndef __ro_after_init
#define __ro_after_init
#endif
#ifndef __section
#define __section(s)
#endif
#ifndef __sched
#define __sched
#endif
#ifndef __cpuidle
#define __cpuidle
#endif
#ifndef __kprobes
#define __kprobes
#endif

/* instrumentation the kernel leaves out of some functions */
#ifndef notrace
#define notrace
#endif
#ifndef noinstr
#define noinstr
#endif
#ifndef __no_kcsan
#define __no_kcsan
#endif
#ifndef __no_sanitize_address
#define __no_sanitize_address
#endif
#ifndef __no_kasan_or_inline
#define __no_kasan_or_inline
#endif
#ifndef __nostackprotector
#define __nostackprotector
#endif
#ifndef __latent_entropy
#define __latent_entropy
#endif
#ifndef __randomize_layout
#define __randomize_layout
#endif
#ifndef __no_randomize_layout
#define __no_randomize_layout
#endif
#ifndef __designated_init
#define __designated_init
#endif

/* function and variable attributes */
#ifndef noinline_for_stack
#define noinline_for_stack noinline
#endif
#ifndef __weak
#define __weak __attribute__((__weak__))
#endif
#ifndef __cold
#define __cold __attribute__((__cold__))
#endif
#ifndef __hot
#define __hot __attribute__((__hot__))
#endif
#ifndef __pure
#define __pure __attribute__((__pure__))
#endif
#ifndef __attribute_const__
#define __attribute_const__ __attribute__((__const__))
#endif
#ifndef __noreturn
#define __noreturn __attribute__((__noreturn__))
#endif
#ifndef __used
#define __used __attribute__((__used__))
#endif
#ifndef __always_unused
#define __always_unused __attribute__((__unused__))
#endif
#ifndef __malloc
#define __malloc __attribute__((__malloc__))
#endif
#ifndef __flatten
#define __flatten __attribute__((__flatten__))
#endif
#ifndef __alias
#define __alias(symbol) __attribute__((__alias__(#symbol)))
#endif
#ifndef __cleanup
#define __cleanup(func) __attribute__((__cleanup__(func)))
#endif
#ifndef __printf
#define __printf(a, b) __attribute__((__format__(printf, a, b)))
#endif
#ifndef __scanf
#define __scanf(a, b) __attribute__((__format__(scanf, a, b)))
#endif
#ifndef __assume_aligned
#define __assume_aligned(a, ...) __attribute__((__assume_aligned__(a, ##__VA_ARGS__)))
#endif
#ifndef __deprecated
#define __deprecated
#endif
#ifndef __visible
#define __visible
#endif
#ifndef __noclone
#define __noclone
#endif
/* a function whose address the kernel's error reports name (6.12's kfree_skb_list_reason()) */
#ifndef __fix_address
#define __fix_address noinline __noclone
#endif
#if __has_attribute(__nonstring__)
#define __nonstring __attribute__((__nonstring__))
#else
#ifndef __nonstring
#define __nonstring
#endif
#endif
/*
 * Bounds annotations for flexible arrays: the kernel uses the attribute only
 * where the compiler has it and CONFIG_CC_HAS_COUNTED_BY says so; clang 14
 * has not, and the model's checks do not depend on it.
 */
#ifndef __counted_by
#define __counted_by(member)
#endif
#ifndef __counted_by_le
#define __counted_by_le(member)
#endif
#ifndef __counted_by_be
#define __counted_by_be(member)
#endif

/*
 * A call the optimizer must prove dead, or the build fails with msg
 * (check_copy_size()'s __bad_copy_to()): where the compiler has no error
 * attribute (clang 14) nothing checks it at build time, as in the kernel
 * built with it, and the call is an unmodelled function if a run reaches it.
 */
#if __has_attribute(__error__)
#define __compiletime_error(msg) __attribute__((__error__(msg)))
#else
#ifndef __compiletime_error
#define __compiletime_error(msg)
#endif
#endif

/* an integer type of the given machine mode: "enum e { ... } __mode(byte);" */
#ifndef __mode
#define __mode(x) __attribute__((__mode__(x)))
#endif

/* the statement a switch case falls through with */
#if __has_attribute(__fallthrough__)
#define fallthrough __attribute__((__fallthrough__))
#else
#ifndef fallthrough
#define fallthrough do {} while (0)
#endif
#endif

#endif /* !__cplusplus */

#endif /* _KMAPSIM_LINUX_COMPILER_TYPES_H */
