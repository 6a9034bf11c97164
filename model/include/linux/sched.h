/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/types.h>
#include <linux/preempt.h>

struct task_struct;

KMAPSIM_EXTERN_C_BEGIN
void might_sleep(void);
void might_fault(void);
void cond_resched(void);
void schedule(void);
void msleep(unsigned int msecs);
int smp_processor_id(void);
int raw_smp_processor_id(void);
int num_online_cpus(void);
struct task_struct *kmapsim_current(void);
const char *kmapsim_task_comm(const struct task_struct *task);
KMAPSIM_EXTERN_C_END

#define current kmapsim_current()
#define yield() schedule()

#endif /* _LINUX_SCHED_H */
