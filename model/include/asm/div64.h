/* SPDX-License-Identifier: MIT */
/* kmapsim: do_div() lives with the rest of the 64-bit division helpers. */
#ifndef _ASM_DIV64_H
#define _ASM_DIV64_H

#include <linux/math64.h>

#endif /* _ASM_DIV64_H */
