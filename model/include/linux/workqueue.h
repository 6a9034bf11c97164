/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H

#include <linux/types.h>
#include <linux/rcupdate.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	unsigned long state;	/* model-private: pending / running */
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

#endif /* _LINUX_WORKQUEUE_H */
