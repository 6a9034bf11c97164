/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_INTERRUPT_H
#define _LINUX_INTERRUPT_H

#include <linux/types.h>
#include <linux/preempt.h>

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
KMAPSIM_EXTERN_C_END

#endif /* _LINUX_INTERRUPT_H */
