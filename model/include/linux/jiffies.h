/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the time units of the timed waits. Simulated time does not pass
 * on its own: a timed wait ends when its event comes, when the run decides
 * that the timeout expired, or when nothing else could run.
 */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/types.h>

#ifndef HZ
#define HZ 250
#endif
#define MAX_SCHEDULE_TIMEOUT ((long)(~0UL >> 1))

static inline unsigned long msecs_to_jiffies(const unsigned int m)
{
	return ((unsigned long)m * HZ + 999) / 1000;
}

static inline unsigned long usecs_to_jiffies(const unsigned int u)
{
	return ((unsigned long)u * HZ + 999999) / 1000000;
}

#endif /* _LINUX_JIFFIES_H */
