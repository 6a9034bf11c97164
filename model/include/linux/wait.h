/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: wait queues. The type and its initialisation are the kernel's;
 * waking and waiting are not modelled yet and stop the run with their name
 * when reached (kmapsim_unmodelled), never silently succeed.
 */
#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

#include <linux/list.h>
#include <linux/spinlock.h>

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
};
typedef struct wait_queue_head wait_queue_head_t;

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, unsigned mode, int flags, void *key);

struct wait_queue_entry {
	unsigned int flags;
	void *private;
	wait_queue_func_t func;
	struct list_head entry;
};
typedef struct wait_queue_entry wait_queue_entry_t;

/* No task waits on a kmapsim wait queue yet (waiting is not modelled). */
static inline int waitqueue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->head);
}

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) { __SPIN_LOCK_UNLOCKED(name.lock), { &(name).head, &(name).head } }
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

static inline void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->head);
}

KMAPSIM_EXTERN_C_BEGIN
void kmapsim_unmodelled(const char *name) __attribute__((noreturn));
KMAPSIM_EXTERN_C_END

#define wake_up(wq) kmapsim_unmodelled("wake_up")
#define wake_up_all(wq) kmapsim_unmodelled("wake_up_all")
#define wake_up_interruptible(wq) kmapsim_unmodelled("wake_up_interruptible")
#define wait_event(wq, cond) kmapsim_unmodelled("wait_event")
#define wait_event_interruptible(wq, cond) ({ kmapsim_unmodelled("wait_event_interruptible"); 0; })

#endif /* _LINUX_WAIT_H */
