/* SPDX-License-Identifier: MIT */
/* kmapsim: struct timer_list lives in <linux/timer.h> (6.12 splits it out here) */
#include <linux/timer.h>
