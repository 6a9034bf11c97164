/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: delays. Simulated time does not pass; what matters is whether
 * the wait may sleep and whether another task may run meanwhile.
 *
 * udelay() and the delays built on it spin and never sleep, so they are
 * legal in atomic context; each is a turn of a busy-wait, as cpu_relax()
 * is (the task waited for may run meanwhile). usleep_range() and the
 * sleeps sleep: might_sleep(), then the others run first, as msleep()
 * (linux/sched.h) does.
 */
#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H

#include <linux/sched.h>
#include <asm/processor.h>

static inline void udelay(unsigned long usecs)
{
	(void)usecs;
	kmapsim_shared_access((const volatile void *)0, KMAPSIM_SHARED_RELAX, "udelay");
}
#define udelay udelay
#define mdelay(msecs) udelay((msecs) * 1000UL)
#define ndelay(nsecs) udelay(((nsecs) + 999) / 1000)

KMAPSIM_EXTERN_C_BEGIN
void usleep_range_state(unsigned long min, unsigned long max, unsigned int state);
KMAPSIM_EXTERN_C_END

static inline void usleep_range(unsigned long min, unsigned long max)
{
	usleep_range_state(min, max, TASK_UNINTERRUPTIBLE);
}

static inline void ssleep(unsigned int seconds)
{
	msleep(seconds * 1000);
}

/* the kernel's choice of wait for a duration: spin when short, else sleep */
static inline void fsleep(unsigned long usecs)
{
	if (usecs <= 10)
		udelay(usecs);
	else if (usecs <= 20000)
		usleep_range(usecs, 2 * usecs);
	else
		msleep((usecs + 999) / 1000);
}

#endif /* _LINUX_DELAY_H */
