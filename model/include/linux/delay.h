/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: delays. What matters is whether the wait may sleep, whether
 * another task may run meanwhile, and how much time may pass.
 *
 * udelay() and the delays built on it spin and never sleep, so they are
 * legal in atomic context; each is a turn of a busy-wait, as cpu_relax()
 * is (the task waited for may run meanwhile). usleep_range() and the
 * sleeps sleep: might_sleep(), then the others run first, as msleep()
 * (linux/sched.h) does.
 *
 * A delay, as cpu_relax(), is where a run may stall the task
 * (kmapsim_busy_wait(), msleep()): it finds 60 s gone when it returns, the
 * jiffies and the clocks moved on, as a task that was preempted,
 * interrupted or whose CPU stalled does. So a poll with a deadline
 * (`while (!ready) { if (time_after(jiffies, timeout)) return -ETIMEDOUT;
 * udelay(10); }`) reaches its timeout path, whatever the device answers.
 */
#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H

#include <linux/sched.h>
#include <asm/processor.h>

KMAPSIM_EXTERN_C_BEGIN
void usleep_range_state(unsigned long min, unsigned long max, unsigned int state);
KMAPSIM_EXTERN_C_END

static inline void udelay(unsigned long usecs)
{
	(void)usecs;
	kmapsim_busy_wait("udelay");
}
#define udelay udelay

static inline void kmapsim_mdelay(unsigned long msecs)
{
	(void)msecs;
	kmapsim_busy_wait("mdelay");
}
#define mdelay(msecs) kmapsim_mdelay(msecs)

static inline void kmapsim_ndelay(unsigned long nsecs)
{
	(void)nsecs;
	kmapsim_busy_wait("ndelay");
}
#define ndelay(nsecs) kmapsim_ndelay(nsecs)

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
