/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: simulated time. `jiffies` advances by one at every scheduling
 * point (any amount of time may pass between two points of a preemptible
 * kernel), so a loop that polls with a timeout (`while (!done) { if
 * (time_after(jiffies, end)) return -ETIMEDOUT; cpu_relax(); }`) ends, on
 * its error path when the other side is slow. Where the run decides, a
 * delay (linux/delay.h) or a clock read (linux/timekeeping.h) finds 60 s
 * gone: a poll's deadline passes however soon the device answers. It
 * starts five minutes before the 32-bit counter wraps, as the kernel's
 * INITIAL_JIFFIES does, so a comparison that is not wrap-safe shows. A
 * timed wait ends when its event comes, when the run decides that the
 * timeout expired, or when nothing else could run.
 */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/types.h>

#ifndef HZ
#define HZ 250
#endif
#define MAX_SCHEDULE_TIMEOUT ((long)(~0UL >> 1))
#define INITIAL_JIFFIES ((unsigned long)(unsigned int)(-300 * HZ))

KMAPSIM_EXTERN_C_BEGIN
extern volatile unsigned long jiffies;	/* written by the model only */
KMAPSIM_EXTERN_C_END
#define jiffies_64 ((u64)jiffies)

static inline u64 get_jiffies_64(void)
{
	return jiffies;
}

/* wrap-safe comparisons */
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
#define time_in_range(a, b, c) (time_after_eq(a, b) && time_before_eq(a, c))
#define time_in_range_open(a, b, c) (time_after_eq(a, b) && time_before(a, c))
#define time_after64(a, b) ((s64)((b) - (a)) < 0)
#define time_before64(a, b) time_after64(b, a)
#define time_after_eq64(a, b) ((s64)((a) - (b)) >= 0)
#define time_before_eq64(a, b) time_after_eq64(b, a)
#define time_is_before_jiffies(a) time_after(jiffies, a)
#define time_is_after_jiffies(a) time_before(jiffies, a)
#define time_is_before_eq_jiffies(a) time_after_eq(jiffies, a)
#define time_is_after_eq_jiffies(a) time_before_eq(jiffies, a)

/* the timer wheel's rounding: any expiry at or after the one asked is legal */
#define round_jiffies(j) ((unsigned long)(j))
#define round_jiffies_relative(j) ((unsigned long)(j))
#define round_jiffies_up(j) ((unsigned long)(j))
#define round_jiffies_up_relative(j) ((unsigned long)(j))

static inline unsigned long msecs_to_jiffies(const unsigned int m)
{
	return ((unsigned long)m * HZ + 999) / 1000;
}

static inline unsigned long usecs_to_jiffies(const unsigned int u)
{
	return ((unsigned long)u * HZ + 999999) / 1000000;
}

static inline unsigned int jiffies_to_msecs(const unsigned long j)
{
	return (unsigned int)(j * (1000 / HZ));
}

static inline unsigned int jiffies_to_usecs(const unsigned long j)
{
	return (unsigned int)(j * (1000000 / HZ));
}

#endif /* _LINUX_JIFFIES_H */
