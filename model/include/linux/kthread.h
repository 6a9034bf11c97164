/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_KTHREAD_H
#define _LINUX_KTHREAD_H

#include <linux/types.h>
#include <linux/sched.h>

KMAPSIM_EXTERN_C_BEGIN
/* Creates and wakes a simulated task running threadfn(data). */
struct task_struct *kthread_run_named(int (*threadfn)(void *data), void *data,
				      const char *name);
/*
 * kthread_stop(): kthread_should_stop() becomes true for the thread, a
 * signal is pending for it (its interruptible sleeps end), it is woken from
 * a wait_event(), and the caller sleeps until it returns: the thread
 * function's value. A thread that returned already gives its value if the
 * caller holds a get_task_struct() reference; without one, its task_struct
 * was freed at its exit and the stop is a use after free (memory-error).
 * kthread_stop_put(): kthread_stop(), then put_task_struct().
 */
bool kthread_should_stop(void);
int kthread_stop(struct task_struct *k);
int kthread_stop_put(struct task_struct *k);
/*
 * kthread_create(): the thread sleeps until wake_up_process() starts it;
 * stopped before that, its function never runs (kthread_stop() gives
 * -EINTR).
 */
struct task_struct *kthread_create_named(int (*threadfn)(void *data), void *data,
					 const char *name);
KMAPSIM_EXTERN_C_END

#define kthread_create(threadfn, data, namefmt, ...) \
	kthread_create_named((threadfn), (data), (namefmt))

#define kthread_run(threadfn, data, namefmt, ...) \
	kthread_run_named((threadfn), (data), (namefmt))

#endif /* _LINUX_KTHREAD_H */
