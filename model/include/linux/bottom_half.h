/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_BH_H
#define _LINUX_BH_H

#include <linux/types.h>

/*
 * Bottom halves (softirqs) off on this CPU: a count of the task's
 * (in_softirq(), in_interrupt()) that also disables preemption, so a sleep
 * meanwhile is sleep-in-atomic. kmapsim runs no softirqs; local_bh_enable()
 * is where the kernel runs the pending ones, a scheduling point.
 */
KMAPSIM_EXTERN_C_BEGIN
void local_bh_disable(void);
void local_bh_enable(void);
KMAPSIM_EXTERN_C_END

#define local_bh_enable_ip(ip) local_bh_enable()
#define _local_bh_enable() local_bh_enable()

#endif /* _LINUX_BH_H */
