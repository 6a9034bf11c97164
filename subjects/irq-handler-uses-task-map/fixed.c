/*
 * irq-handler-uses-task-map, fixed variant.
 *
 * Shows: the task publishes only the page; the interrupt handler maps it
 * itself with kmap_local_page() (allowed in any context, never sleeps) and
 * unmaps it before returning.
 *
 * Re-expresses: the kmap_local rule in Documentation/mm/highmem.rst and
 * the erofs thread (Oct 2022).
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

#define LB_IRQ 11

struct lb_ring {
	spinlock_t lock;
	struct page *page;
	bool armed;
	u32 status;
};

static irqreturn_t lb_irq(int irq, void *dev)
{
	struct lb_ring *ring = dev;

	spin_lock(&ring->lock);
	if (ring->armed) {
		u32 *desc = kmap_local_page(ring->page);

		ring->status = desc[0];
		kunmap_local(desc);
	}
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
	desc = kmap_local_page(ring.page);
	desc[0] = 0xa5;
	spin_lock_irqsave(&ring.lock, flags);
	ring.armed = true;
	spin_unlock_irqrestore(&ring.lock, flags);
	for (i = 0; i < polls; i++)
		cond_resched();         /* wait for the device */
	spin_lock_irqsave(&ring.lock, flags);
	ring.armed = false;
	spin_unlock_irqrestore(&ring.lock, flags);
	kunmap_local(desc);
	free_irq(LB_IRQ, &ring);
out_free:
	__free_page(ring.page);
}
