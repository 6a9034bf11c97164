/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: timers (model/src/kernel/timer.cc). A timer's callback runs in
 * softirq context (TIMER_SOFTIRQ), as a tasklet does: it must not sleep,
 * and must return holding no mapping and with the state it started with.
 * An armed timer is queued at once on the arming CPU (add_timer_on()'s
 * CPU): its expiry is whenever the run lets that CPU's softirqs run (an
 * interrupt's end, local_bh_enable(), ksoftirqd), as a delayed work item
 * is queued at once: the orders the explorer tries cover every "later".
 * mod_timer() of a pending timer leaves it queued once; del_timer() takes
 * a pending one off its queue; del_timer_sync() also waits (spinning, as
 * the kernel's does) until its callback is not running anywhere; after
 * timer_shutdown() the timer is never armed again. A timer still armed on
 * the stack of a task that returns is a memory-error, as the expiry would
 * run on a dead stack.
 */
#ifndef _LINUX_TIMER_H
#define _LINUX_TIMER_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <linux/interrupt.h>

/*
 * The C library's <time.h> declares a POSIX timer_delete(timer_t): the
 * kernel's is kmapsim_timer_delete() under that name (a macro), so neither
 * replaces the other. The model's C++ reads <time.h> first; C code that
 * includes it after this header would see the rename in its declaration.
 */
#ifdef __cplusplus
#include <time.h>
#endif
#define timer_delete kmapsim_timer_delete

struct timer_list {
	unsigned long expires;
	void (*function)(struct timer_list *);
	u32 flags;
	/* kmapsim: the softirq item an expiry queues */
	struct tasklet_struct __kmapsim_softirq;
};

#define TIMER_CPUMASK		0x0003FFFF
#define TIMER_MIGRATING		0x00040000
#define TIMER_BASEMASK		(TIMER_CPUMASK | TIMER_MIGRATING)
#define TIMER_DEFERRABLE	0x00080000
#define TIMER_PINNED		0x00100000
#define TIMER_IRQSAFE		0x00200000	/* the callback runs with interrupts off */
#define TIMER_INIT_FLAGS	(TIMER_DEFERRABLE | TIMER_PINNED | TIMER_IRQSAFE)

KMAPSIM_EXTERN_C_BEGIN
void kmapsim_timer_fire(struct tasklet_struct *t);
void kmapsim_timer_setup(struct timer_list *timer, void (*fn)(struct timer_list *), unsigned int flags);
void add_timer_on(struct timer_list *timer, int cpu);
int mod_timer(struct timer_list *timer, unsigned long expires);
int mod_timer_pending(struct timer_list *timer, unsigned long expires);
int timer_reduce(struct timer_list *timer, unsigned long expires);
void add_timer(struct timer_list *timer);
int try_to_del_timer_sync(struct timer_list *timer);
int timer_delete_sync(struct timer_list *timer);
int timer_delete(struct timer_list *timer);
int timer_shutdown_sync(struct timer_list *timer);
int timer_shutdown(struct timer_list *timer);
int timer_pending(const struct timer_list *timer);
KMAPSIM_EXTERN_C_END

#define __TIMER_INITIALIZER(_function, _flags) {			\
		.function = (_function),				\
		.flags = (_flags),					\
		.__kmapsim_softirq = {					\
			.use_callback = true,				\
			.callback = kmapsim_timer_fire,			\
		},							\
	}
#define DEFINE_TIMER(_name, _function)					\
	struct timer_list _name = __TIMER_INITIALIZER(_function, 0)

#define timer_setup(timer, callback, flags)				\
	kmapsim_timer_setup((timer), (callback), (flags))
#define timer_setup_on_stack(timer, callback, flags)			\
	kmapsim_timer_setup((timer), (callback), (flags))
static inline void destroy_timer_on_stack(struct timer_list *timer) { (void)timer; }

#define from_timer(var, callback_timer, timer_fieldname)		\
	container_of(callback_timer, typeof(*var), timer_fieldname)
#define timer_container_of(var, callback_timer, timer_fieldname)	\
	container_of(callback_timer, typeof(*var), timer_fieldname)

static inline void add_timer_local(struct timer_list *timer) { add_timer(timer); }
static inline void add_timer_global(struct timer_list *timer) { add_timer(timer); }
static inline int del_timer_sync(struct timer_list *timer) { return timer_delete_sync(timer); }
static inline int del_timer(struct timer_list *timer) { return timer_delete(timer); }
#define del_singleshot_timer_sync(t) del_timer_sync(t)

#endif /* _LINUX_TIMER_H */
