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

/* test_bit(WORK_STRUCT_PENDING_BIT): queued and not started */
#define work_pending(work) ((bool)((work)->state & 1))

/*
 * Workqueues (model/src/kernel/workqueue.cc). alloc_workqueue() makes one
 * with a kworker of its own, which runs its items one at a time in order:
 * fewer at once than the kernel may run (a restriction of the schedules,
 * not of what is reported). Every system_*_wq is the system workqueue,
 * schedule_work()'s. A work item of a queue that flushes or destroys its
 * own queue waits for itself, as in the kernel.
 */
struct workqueue_struct {
	int kmapsim_wq;		/* the model's queue */
};

enum {
	WQ_BH			= 1 << 0,
	WQ_UNBOUND		= 1 << 1,
	WQ_FREEZABLE		= 1 << 2,
	WQ_MEM_RECLAIM		= 1 << 3,
	WQ_HIGHPRI		= 1 << 4,
	WQ_CPU_INTENSIVE	= 1 << 5,
	WQ_SYSFS		= 1 << 6,
	WQ_POWER_EFFICIENT	= 1 << 7,
	__WQ_ORDERED		= 1 << 17,
	__WQ_LEGACY		= 1 << 18,
	WQ_MAX_ACTIVE		= 512,
	WQ_UNBOUND_MAX_ACTIVE	= WQ_MAX_ACTIVE,
	WQ_DFL_ACTIVE		= WQ_MAX_ACTIVE / 2,
};

KMAPSIM_EXTERN_C_BEGIN
extern struct workqueue_struct *system_wq, *system_highpri_wq, *system_long_wq, *system_unbound_wq,
	*system_freezable_wq, *system_power_efficient_wq, *system_freezable_power_efficient_wq;
bool schedule_work(struct work_struct *work);
bool flush_work(struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);
/* dropped if queued and not started (true); a running item is not waited for */
bool cancel_work(struct work_struct *work);
void flush_scheduled_work(void);
/* NULL when the allocation fails, as the run decides */
__attribute__((__format__(printf, 1, 4))) struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...);
/* drains the queue (sleeps), then it is gone */
void destroy_workqueue(struct workqueue_struct *wq);
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
/* until every item queued on wq before the call has run */
void flush_workqueue(struct workqueue_struct *wq);
/* until wq is empty, what its items queue there meanwhile included */
void drain_workqueue(struct workqueue_struct *wq);
KMAPSIM_EXTERN_C_END

#define alloc_ordered_workqueue(fmt, flags, ...) \
	alloc_workqueue(fmt, WQ_UNBOUND | __WQ_ORDERED | (flags), 1, ##__VA_ARGS__)
#define create_workqueue(name) alloc_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, 1, (name))
#define create_freezable_workqueue(name) \
	alloc_workqueue("%s", __WQ_LEGACY | WQ_FREEZABLE | WQ_UNBOUND | WQ_MEM_RECLAIM, 1, (name))
#define create_singlethread_workqueue(name) alloc_ordered_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, (name))

/* every CPU's queue is the one queue */
static inline bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work)
{
	(void)cpu;
	return queue_work(wq, work);
}

static inline bool schedule_work_on(int cpu, struct work_struct *work)
{
	(void)cpu;
	return schedule_work(work);
}

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

static inline bool schedule_delayed_work_on(int cpu, struct delayed_work *dwork, unsigned long delay)
{
	(void)cpu;
	return schedule_delayed_work(dwork, delay);
}

static inline bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay)
{
	(void)delay;
	return queue_work(wq, &dwork->work);
}

static inline bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *dwork,
					 unsigned long delay)
{
	(void)cpu;
	return queue_delayed_work(wq, dwork, delay);
}

/* true when it was pending (only its timer would change), false when it
 * was idle and is queued now */
static inline bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay)
{
	if (work_pending(&dwork->work))
		return true;
	queue_delayed_work(wq, dwork, delay);
	return false;
}

#define delayed_work_pending(dwork) work_pending(&(dwork)->work)

static inline bool cancel_delayed_work(struct delayed_work *dwork)
{
	return cancel_work(&dwork->work);
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
