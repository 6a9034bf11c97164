/*
 * irq-handler-uses-task-map, buggy variant.
 *
 * Shows: a driver task maps a descriptor page with kmap_local_page() and
 * publishes the address so its interrupt handler can read the descriptor
 * status. The handler runs in interrupt context, possibly on another CPU:
 * a local mapping belongs to the task that made it and is not valid there.
 *
 * Re-expresses: the kmap_local rule in Documentation/mm/highmem.rst and
 * the erofs thread (Oct 2022): the address "cannot be handed to other
 * contexts" (task, workqueue, interrupt or CPU).
 *
 * Expected: strict kmap-escape; x86-32 kmap-escape (highmem page);
 * x86-32-forcemap kmap-escape; arm-vivt kmap-escape (highmem page);
 * x86-64 clean.
 */
#include <kmapsim/subject.h>

#define LB_IRQ 11

struct lb_ring {
	spinlock_t lock;
	struct page *page;
	u32 *desc;              /* the task's kmap_local address, or NULL */
	u32 status;
};

static irqreturn_t lb_irq(int irq, void *dev)
{
	struct lb_ring *ring = dev;

	spin_lock(&ring->lock);
	if (ring->desc)
		ring->status = ring->desc[0]; /* kmapsim: here */
	spin_unlock(&ring->lock);
	return IRQ_HANDLED;
}

KMAPSIM_SUBJECT(irq_handler_uses_task_map)
{
	struct lb_ring ring = { };
	int polls = kmapsim_pick(1, 4), i;
	unsigned long flags;
	u32 *desc;

	spin_lock_init(&ring.lock);
	ring.page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	if (!ring.page)
		return;
	if (request_irq(LB_IRQ, lb_irq, 0, "lbtest", &ring))
		goto out_free;
	desc = kmap_local_page(ring.page); /* kmapsim: map */
	desc[0] = 0xa5;
	spin_lock_irqsave(&ring.lock, flags);
	ring.desc = desc;
	spin_unlock_irqrestore(&ring.lock, flags);
	for (i = 0; i < polls; i++)
		cond_resched();         /* wait for the device */
	spin_lock_irqsave(&ring.lock, flags);
	ring.desc = NULL;
	spin_unlock_irqrestore(&ring.lock, flags);
	kunmap_local(desc);
	free_irq(LB_IRQ, &ring);
out_free:
	__free_page(ring.page);
}
