/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_KTHREAD_H
#define _LINUX_KTHREAD_H

#include <linux/types.h>
#include <linux/sched.h>

KMAPSIM_EXTERN_C_BEGIN
/* Creates and wakes a simulated task running threadfn(data). */
struct task_struct *kthread_run_named(int (*threadfn)(void *data), void *data,
				      const char *name);
KMAPSIM_EXTERN_C_END

#define kthread_run(threadfn, data, namefmt, ...) \
	kthread_run_named((threadfn), (data), (namefmt))

#endif /* _LINUX_KTHREAD_H */
