/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_PREEMPT_H
#define _LINUX_PREEMPT_H

#include <linux/types.h>

KMAPSIM_EXTERN_C_BEGIN
void preempt_disable(void);
void preempt_enable(void);
void preempt_enable_no_resched(void);
void migrate_disable(void);
void migrate_enable(void);
void pagefault_disable(void);
void pagefault_enable(void);
bool pagefault_disabled(void);
int preempt_count(void);
bool in_interrupt(void);
bool in_irq(void);
bool in_task(void);
bool in_softirq(void);
bool in_serving_softirq(void);
bool in_atomic(void);
bool irqs_disabled(void);
unsigned long kmapsim_local_irq_save(void);
void kmapsim_local_irq_restore(unsigned long flags);
void local_irq_disable(void);
void local_irq_enable(void);
KMAPSIM_EXTERN_C_END

#define in_hardirq() in_irq()
/*
 * the kernel's preemptible(): no preemption-disabling count, interrupts on
 * (C only: the C++ model has methods of that name)
 */
#ifndef __cplusplus
#define preemptible() (!in_atomic() && !irqs_disabled())
#endif
#define local_irq_save(flags) ((flags) = kmapsim_local_irq_save())
#define local_irq_restore(flags) kmapsim_local_irq_restore(flags)

#endif /* _LINUX_PREEMPT_H */
