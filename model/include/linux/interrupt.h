/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_INTERRUPT_H
#define _LINUX_INTERRUPT_H

#include <linux/types.h>
#include <linux/preempt.h>
#include <linux/atomic.h>
#include <linux/kernel.h>

typedef enum irqreturn {
	IRQ_NONE = 0,
	IRQ_HANDLED = 1,
	IRQ_WAKE_THREAD = 2,
} irqreturn_t;

typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define IRQF_SHARED 0x80UL

KMAPSIM_EXTERN_C_BEGIN
/*
 * Between request_irq() and free_irq() the handler may fire at any
 * scheduling point where interrupts are enabled, on the CPU of the task
 * that is running there, nested on top of it (current is that task).
 */
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev_id);
const void *free_irq(unsigned int irq, void *dev_id);
/*
 * A line's disable depth: while it is above zero the line's handlers do not
 * fire. disable_irq() and synchronize_irq() wait for a handler of the line
 * running on another CPU, and may sleep; disable_irq_nosync() does not
 * wait. enable_irq() of a line that is not disabled is the kernel's
 * "Unbalanced enable for IRQ" warning (subject-bug).
 */
void disable_irq(unsigned int irq);
void disable_irq_nosync(unsigned int irq);
void enable_irq(unsigned int irq);
void synchronize_irq(unsigned int irq);
KMAPSIM_EXTERN_C_END

/*
 * Tasklets (model/src/kernel/softirq.cc). tasklet_schedule() queues the
 * tasklet on the calling CPU, once until it starts. It runs in softirq
 * context where the kernel runs pending softirqs: on top of the current
 * task at an interrupt's end, at the outermost local_bh_enable() and at a
 * spinning CPU's timer tick, or in that CPU's ksoftirqd task: bottom
 * halves and (but on PREEMPT_RT) preemption disabled, in_softirq(),
 * in_serving_softirq() and in_interrupt() true, in_task() false. It must
 * not sleep, and must return holding no mapping. A tasklet never runs on
 * two CPUs at once; a disabled one stays queued until tasklet_enable().
 * tasklet_kill() waits until it is neither queued nor running.
 */
enum {
	TASKLET_STATE_SCHED,	/* queued to run */
	TASKLET_STATE_RUN,	/* running on some CPU */
};

struct tasklet_struct {
	struct tasklet_struct *next;
	unsigned long state;
	atomic_t count;		/* > 0: disabled */
	bool use_callback;
	union {
		void (*func)(unsigned long data);
		void (*callback)(struct tasklet_struct *t);
	};
	unsigned long data;
};

#define DECLARE_TASKLET(name, _callback)				\
	struct tasklet_struct name = {					\
		.count = ATOMIC_INIT(0),				\
		.use_callback = true,					\
		.callback = _callback,					\
	}
#define DECLARE_TASKLET_DISABLED(name, _callback)			\
	struct tasklet_struct name = {					\
		.count = ATOMIC_INIT(1),				\
		.use_callback = true,					\
		.callback = _callback,					\
	}
#define DECLARE_TASKLET_OLD(name, _func)				\
	struct tasklet_struct name = {					\
		.count = ATOMIC_INIT(0),				\
		.func = _func,						\
	}
#define from_tasklet(var, callback_tasklet, tasklet_fieldname)		\
	container_of(callback_tasklet, typeof(*var), tasklet_fieldname)

KMAPSIM_EXTERN_C_BEGIN
void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data);
void tasklet_setup(struct tasklet_struct *t, void (*callback)(struct tasklet_struct *));
void tasklet_schedule(struct tasklet_struct *t);
void tasklet_hi_schedule(struct tasklet_struct *t);
void tasklet_kill(struct tasklet_struct *t);
/* disabled (the count) and, but for _nosync, not running when it returns */
void tasklet_disable(struct tasklet_struct *t);
void tasklet_disable_nosync(struct tasklet_struct *t);
void tasklet_enable(struct tasklet_struct *t);
void tasklet_unlock_wait(struct tasklet_struct *t);
KMAPSIM_EXTERN_C_END

#endif /* _LINUX_INTERRUPT_H */
