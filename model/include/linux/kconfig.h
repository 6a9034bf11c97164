/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: IS_ENABLED() and friends over the profile's CONFIG_ symbols
 * (kmapsim/config/<profile>.h). A symbol is "y" when defined to 1; kmapsim
 * has no modules, so IS_MODULE() is always 0.
 */
#ifndef _LINUX_KCONFIG_H
#define _LINUX_KCONFIG_H

/* The kernel's trick: a placeholder that only exists for "1". */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)

#define IS_BUILTIN(option) __is_defined(option)
#define IS_MODULE(option) 0
#define IS_REACHABLE(option) __is_defined(option)
#define IS_ENABLED(option) __is_defined(option)

#endif /* _LINUX_KCONFIG_H */
