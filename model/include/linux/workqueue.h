/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H

#include <linux/types.h>
#include <linux/rcupdate.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	unsigned long state;	/* model-private: pending */
};

#define INIT_WORK(w, f) do { (w)->func = (f); (w)->state = 0; } while (0)
#define DECLARE_WORK(n, f) struct work_struct n = { (f), 0 }

/* queue_rcu_work(): the work runs after an RCU grace period. */
struct rcu_work {
	struct work_struct work;
	struct rcu_head rcu;
	void *wq;
};

KMAPSIM_EXTERN_C_BEGIN
bool schedule_work(struct work_struct *work);
bool flush_work(struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);
void flush_scheduled_work(void);
KMAPSIM_EXTERN_C_END

/*
 * Delayed work on the system workqueue. Simulated time does not pass on
 * its own, and the kernel promises nothing about what runs before a delay
 * expires: a delayed item is a queued item, which runs whenever the run
 * lets the worker run (every order the explorer tries covers "later").
 */
struct delayed_work {
	struct work_struct work;
	int cpu;
};

#define INIT_DELAYED_WORK(w, f) INIT_WORK(&(w)->work, (f))
#define DECLARE_DELAYED_WORK(n, f) struct delayed_work n = { { (f), 0 }, 0 }

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return (struct delayed_work *)((char *)work - __builtin_offsetof(struct delayed_work, work));
}

static inline bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay)
{
	(void)delay;
	return schedule_work(&dwork->work);
}

static inline bool flush_delayed_work(struct delayed_work *dwork)
{
	return flush_work(&dwork->work);
}

static inline bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	return cancel_work_sync(&dwork->work);
}

#endif /* _LINUX_WORKQUEUE_H */
