/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: wait queues, with the kernel's types, names and semantics:
 * wait_event() and friends, prepare_to_wait()/finish_wait(), wake_up() and
 * friends calling each entry's wake function.
 */
#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

#include <linux/list.h>
#include <linux/sched.h>	/* kmapsim_set_current_state() */
#include <linux/spinlock.h>
#include <asm/barrier.h>

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

#define WQ_FLAG_EXCLUSIVE	0x01
#define WQ_FLAG_WOKEN		0x02

static inline int waitqueue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->head);
}

static inline bool wq_has_sleeper(struct wait_queue_head *wq)
{
	smp_mb();
	return waitqueue_active(wq);
}

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) { __SPIN_LOCK_UNLOCKED(name.lock), { &(name).head, &(name).head } }
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

static inline void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->head);
}

/*
 * Waking and sleeping are the model's (model/src/kernel/wait_queue.cc): an entry's
 * default wake function marks it WQ_FLAG_WOKEN and wakes its task if that
 * task sleeps on the queue; a sleep with the entry already woken returns at
 * once, so a wake-up between the condition test and the sleep is never
 * lost (the kernel gets that from set_current_state()). An interruptible
 * or killable sleep may end with a signal (-ERESTARTSYS, chosen by the
 * run), a timed one with its timeout.
 */
KMAPSIM_EXTERN_C_BEGIN
void kmapsim_unmodelled(const char *name) __attribute__((noreturn));
/* Marks an entry woken (its flags) and wakes its task if it sleeps on a queue. */
int kmapsim_wake_entry(unsigned int *entry_flags, struct task_struct *task, unsigned int mode);
/* Sleeps on wq until the entry is woken: 0, -ERESTARTSYS, or 1 if timed out. */
long kmapsim_wait_queue_sleep(struct wait_queue_head *wq, const unsigned int *entry_flags,
			      int state, int timed, const char *api);
struct task_struct *kmapsim_current(void);
void might_sleep(void);
/* Links entry after head (if unlinked_only, only an entry that is not
 * linked); unlinks an entry and reinitialises it. */
void kmapsim_wq_link(struct list_head *entry, struct list_head *head, int unlinked_only);
void kmapsim_wq_unlink(struct list_head *entry);
/* prepare_to_wait() in one step, as under wq->lock: clears the entry's
 * exclusive and woken marks, links it if it is not, sets the task state. */
void kmapsim_wq_prepare(struct list_head *entry, struct list_head *head, unsigned int *entry_flags, int state);
void kmapsim_wake_up(struct list_head *head, size_t entry_offset, unsigned int mode, int nr_exclusive, void *key,
		     int (*call)(void *entry, unsigned int mode, void *key, unsigned int *wflags));
KMAPSIM_EXTERN_C_END

static inline int default_wake_function(struct wait_queue_entry *wq_entry, unsigned mode, int flags, void *key)
{
	(void)flags;
	(void)key;
	return kmapsim_wake_entry(&wq_entry->flags, (struct task_struct *)wq_entry->private, mode);
}

static inline int autoremove_wake_function(struct wait_queue_entry *wq_entry, unsigned mode, int flags, void *key)
{
	int ret = default_wake_function(wq_entry, mode, flags, key);

	if (ret)
		kmapsim_wq_unlink(&wq_entry->entry);
	return ret;
}

static inline void init_wait_entry(struct wait_queue_entry *wq_entry, int flags)
{
	wq_entry->flags = flags;
	wq_entry->private = kmapsim_current();
	wq_entry->func = autoremove_wake_function;
	INIT_LIST_HEAD(&wq_entry->entry);
}

static inline void init_waitqueue_entry(struct wait_queue_entry *wq_entry, struct task_struct *p)
{
	wq_entry->flags = 0;
	wq_entry->private = p;
	wq_entry->func = default_wake_function;
}

#define DEFINE_WAIT_FUNC(name, function)				\
	struct wait_queue_entry name = {				\
		.private = kmapsim_current(),				\
		.func = function,					\
		.entry = LIST_HEAD_INIT((name).entry),			\
	}
#define DEFINE_WAIT(name) DEFINE_WAIT_FUNC(name, autoremove_wake_function)

/*
 * The queue's list is changed by the model in one step
 * (kmapsim_wq_link/unlink, no scheduling point inside), as atomic as
 * wq->lock makes it in the kernel; the list helpers' WRITE_ONCE would be
 * scheduling points. The lock itself is not taken: the deterministic model
 * cannot let an interrupt handler (a wake_up() from an interrupt) spin on a
 * lock a task on another CPU holds, and the lock adds no check here.
 */
static inline void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *wq_entry)
{
	wq_entry->flags &= ~WQ_FLAG_EXCLUSIVE;
	kmapsim_wq_link(&wq_entry->entry, &wq->head, 0);
}

static inline void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *wq_entry)
{
	(void)wq;
	kmapsim_wq_unlink(&wq_entry->entry);
}

/* Queues the entry (if it is not), clears its woken mark and sets the
 * task's state. The public form is a scheduling point first, as taking
 * wq->lock is: a wake_up() there finds the entry not yet queued (a wait
 * that tests its condition before it prepares loses it). The wait_event()
 * family tests after preparing, so its own calls take none. */
static inline void __kmapsim_prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *wq_entry, int state)
{
	kmapsim_wq_prepare(&wq_entry->entry, &wq->head, &wq_entry->flags, state);
}

static inline void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *wq_entry, int state)
{
	kmapsim_shared_access(&wq->head, KMAPSIM_SHARED_BARRIER, "prepare_to_wait");
	__kmapsim_prepare_to_wait(wq, wq_entry, state);
}

static inline void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *wq_entry)
{
	(void)wq;
	kmapsim_set_current_state(TASK_RUNNING, 0);
	kmapsim_wq_unlink(&wq_entry->entry);
}

/* Calls the wake function of each entry; nr_exclusive exclusive ones at
 * most. The model walks the list (kmapsim_wake_up) inside one API call, so
 * the walk is as atomic as wq->lock makes it in the kernel. */
static inline int __kmapsim_wq_call(void *entry, unsigned int mode, void *key, unsigned int *wflags)
{
	struct wait_queue_entry *curr = (struct wait_queue_entry *)entry;

	*wflags = curr->flags;
	return curr->func(curr, mode, 0, key);
}

static inline void __wake_up(struct wait_queue_head *wq, unsigned int mode, int nr_exclusive, void *key)
{
	kmapsim_wake_up(&wq->head, offsetof(struct wait_queue_entry, entry), mode, nr_exclusive, key,
			__kmapsim_wq_call);
}

#define wake_up(x)			__wake_up(x, TASK_NORMAL, 1, NULL)
#define wake_up_nr(x, nr)		__wake_up(x, TASK_NORMAL, nr, NULL)
#define wake_up_all(x)			__wake_up(x, TASK_NORMAL, 0, NULL)
#define wake_up_interruptible(x)	__wake_up(x, TASK_INTERRUPTIBLE, 1, NULL)
#define wake_up_interruptible_all(x)	__wake_up(x, TASK_INTERRUPTIBLE, 0, NULL)
#define wake_up_poll(x, m)		__wake_up(x, TASK_NORMAL, 1, (void *)(uintptr_t)(m))

/*
 * An entry woken only by a wake-up with its key (linux/wait_bit.h's waits
 * for a bit or a variable share one queue, as the kernel's hashed table
 * shares its queues, and the kernel's wake_bit_function() filters by key
 * too); a NULL key takes every wake-up.
 */
struct __kmapsim_keyed_wait {
	struct wait_queue_entry wq_entry;	/* first: the entry is the wait */
	const void *key;
};

static inline int __kmapsim_keyed_wake(struct wait_queue_entry *wq_entry, unsigned mode, int flags, void *key)
{
	const struct __kmapsim_keyed_wait *w = (const struct __kmapsim_keyed_wait *)wq_entry;

	if (w->key && w->key != key)
		return 0;	/* another bit's or variable's wake-up */
	return autoremove_wake_function(wq_entry, mode, flags, key);
}

/* The wait_event() family: the value is 0, -ERESTARTSYS, or (timed) the
 * jiffies left, at least 1, when the condition became true in time. */
#define __kmapsim_wait_event_key(wq_head, condition, state, timed, api, wkey) ({ \
	struct __kmapsim_keyed_wait __kw;				\
	long __ret = 0;							\
	init_wait_entry(&__kw.wq_entry, 0);				\
	__kw.key = (wkey);						\
	if (__kw.key)							\
		__kw.wq_entry.func = __kmapsim_keyed_wake;		\
	for (;;) {							\
		__kmapsim_prepare_to_wait(&(wq_head), &__kw.wq_entry, state); \
		if (condition)						\
			break;						\
		__ret = kmapsim_wait_queue_sleep(&(wq_head), &__kw.wq_entry.flags, state, timed, api); \
		if (__ret)						\
			break;						\
	}								\
	finish_wait(&(wq_head), &__kw.wq_entry);			\
	__ret;								\
})
#define __kmapsim_wait_event(wq_head, condition, state, timed, api) \
	__kmapsim_wait_event_key(wq_head, condition, state, timed, api, NULL)

#define wait_event(wq_head, condition) do {				\
	might_sleep();							\
	if (!(condition))						\
		(void)__kmapsim_wait_event(wq_head, condition, TASK_UNINTERRUPTIBLE, 0, "wait_event"); \
} while (0)

/* an I/O wait: the same sleep (io_schedule() only accounts it as I/O) */
#define __io_wait_event(wq_head, condition) \
	(void)__kmapsim_wait_event(wq_head, condition, TASK_UNINTERRUPTIBLE, 0, "io_wait_event")
#define io_wait_event(wq_head, condition) do {				\
	might_sleep();							\
	if (!(condition))						\
		__io_wait_event(wq_head, condition);			\
} while (0)

#define wait_event_interruptible(wq_head, condition) ({		\
	int __r = 0;							\
	might_sleep();							\
	if (!(condition))						\
		__r = __kmapsim_wait_event(wq_head, condition, TASK_INTERRUPTIBLE, 0, "wait_event_interruptible"); \
	__r;								\
})

#define wait_event_killable(wq_head, condition) ({			\
	int __r = 0;							\
	might_sleep();							\
	if (!(condition))						\
		__r = __kmapsim_wait_event(wq_head, condition, TASK_KILLABLE, 0, "wait_event_killable"); \
	__r;								\
})

#define __kmapsim_wait_event_timeout_key(wq_head, condition, timeout, state, api, wkey) ({ \
	long __t = (timeout), __r2 = __t ? __t : 1;			\
	might_sleep();							\
	if (!(condition)) {						\
		long __s = __kmapsim_wait_event_key(wq_head, condition, state, 1, api, wkey); \
		__r2 = __s == 1 ? ((condition) ? 1 : 0) : __s < 0 ? __s : __r2; \
	}								\
	__r2;								\
})
#define __kmapsim_wait_event_timeout(wq_head, condition, timeout, state, api) \
	__kmapsim_wait_event_timeout_key(wq_head, condition, timeout, state, api, NULL)
#define wait_event_timeout(wq_head, condition, timeout) \
	__kmapsim_wait_event_timeout(wq_head, condition, timeout, TASK_UNINTERRUPTIBLE, "wait_event_timeout")
#define wait_event_interruptible_timeout(wq_head, condition, timeout) \
	__kmapsim_wait_event_timeout(wq_head, condition, timeout, TASK_INTERRUPTIBLE, "wait_event_interruptible_timeout")

#endif /* _LINUX_WAIT_H */
