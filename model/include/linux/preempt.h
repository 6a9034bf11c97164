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
void kmapsim_cant_sleep(const char *file, int line, bool migrate_only);
KMAPSIM_EXTERN_C_END

#define in_hardirq() in_irq()
/* no NMIs are simulated: nothing ever runs in NMI context */
#define in_nmi() false
/*
 * CONFIG_DEBUG_ATOMIC_SLEEP's assertions of the opposite of might_sleep():
 * the code relies on running atomically (cant_sleep(): preemption or
 * interrupts disabled, or interrupt context) or pinned to its CPU
 * (cant_migrate(): also migrate_disable()). Reached where that does not
 * hold, the kernel's "BUG: assuming atomic context" is a lost-atomicity
 * report: the usual way there is a kmap_atomic() section converted to
 * kmap_local_page(), which leaves preemption on (and, for a lowmem page,
 * migration).
 */
#define cant_sleep() kmapsim_cant_sleep(__FILE__, __LINE__, false)
#define cant_migrate() kmapsim_cant_sleep(__FILE__, __LINE__, true)
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
