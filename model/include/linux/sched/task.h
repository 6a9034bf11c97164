/* SPDX-License-Identifier: MIT */
/* kmapsim: get_task_struct()/put_task_struct() live in <linux/sched.h>. */
#ifndef _LINUX_SCHED_TASK_H
#define _LINUX_SCHED_TASK_H

#include <linux/sched.h>

#endif /* _LINUX_SCHED_TASK_H */
