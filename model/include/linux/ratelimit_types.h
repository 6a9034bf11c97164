/* SPDX-License-Identifier: MIT */
/* kmapsim: the kernel splits the type from the helpers; here they are one. */
#ifndef _LINUX_RATELIMIT_TYPES_H
#define _LINUX_RATELIMIT_TYPES_H

#include <linux/ratelimit.h>

#endif /* _LINUX_RATELIMIT_TYPES_H */
