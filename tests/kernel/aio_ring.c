/*
 * fs/aio's ring, imported unchanged (`check --kernel DIR tests/kernel/aio_ring.c`):
 * io_setup() of one or more contexts (ioctx_add_table() stores ring->id),
 * completions from task or interrupt context (aio_complete()), and
 * io_getevents() (aio_read_events_ring()), with the ring mapped to user
 * space as io_setup() maps it. Both 6.1 and 6.12 store ring->id with no
 * flush_dcache_page() after it: missing-flush-dcache on arm-vivt.
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("fs/aio.c", ioctx_add_table, aio_complete, aio_read_events_ring);

/* 6.1: struct page *ring_pages (highmem, kmapped); 6.12: lowmem ring_folios */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define RING_GFP (GFP_USER | __GFP_ZERO | __GFP_NOFAIL)
#define SET_RING(ctx, page) ((ctx)->ring_folios = (ctx)->internal_folios, (ctx)->ring_folios[0] = page_folio(page))
#else
#define RING_GFP (GFP_HIGHUSER | __GFP_ZERO | __GFP_NOFAIL)
#define SET_RING(ctx, page) ((ctx)->ring_pages = (ctx)->internal_pages, (ctx)->ring_pages[0] = (page))
#endif

static struct aio_kiocb *irq_iocb;

static irqreturn_t ring_irq(int irq, void *dev)
{
	if (irq_iocb)
		aio_complete(irq_iocb);
	return irq_iocb = NULL, IRQ_HANDLED;
}

/* aio_setup_ring()'s work: a zeroed ring, its header, mapped to user space */
static struct kioctx *setup_ctx(struct page **ringp)
{
	struct kioctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL | __GFP_NOFAIL);
	struct page *page = alloc_page(RING_GFP);
	struct aio_ring *ring;

	SET_RING(ctx, page);
	ctx->nr_pages = 1;
	ctx->nr_events = 4;
	ctx->req_batch = 1;
	ctx->cpu = alloc_percpu_gfp(struct kioctx_cpu, GFP_KERNEL | __GFP_NOFAIL);
	spin_lock_init(&ctx->completion_lock);
	mutex_init(&ctx->ring_lock);
	init_waitqueue_head(&ctx->wait);
	ring = kmap_local_page(page);
	ring->nr = ctx->nr_events;
	kunmap_local(ring);
	flush_dcache_page(page);
	kmapsim_user_map(page);
	*ringp = page;
	return ctx;
}

KMAPSIM_SUBJECT(aio_ring)
{
	struct io_event __user *events = kmapsim_user_buffer(4 * sizeof(struct io_event));
	unsigned int i, n = kmapsim_pick(1, 3), done = kmapsim_pick(0, 3);
	struct page *page;
	struct kioctx *ctx;
	unsigned int id;	/* what user space reads of ring->id */

	spin_lock_init(&current->mm->ioctx_lock);	/* the caller's address space */
	for (i = 0; i < n; i++) {		/* io_setup() n times */
		if (ioctx_add_table(ctx = setup_ctx(&page), current->mm))
			return;
		kmapsim_user_read(page, offsetof(struct aio_ring, id), &id, sizeof(id));
	}
	request_irq(7, ring_irq, 0, "aio", NULL);
	for (i = 0; i < done; i++) {		/* completions, from task or IRQ */
		struct aio_kiocb *iocb = kzalloc(sizeof(*iocb), GFP_KERNEL | __GFP_NOFAIL);

		iocb->ki_ctx = ctx;
		iocb->ki_res.data = i + 1;
		if (kmapsim_pick(0, 1))
			irq_iocb = iocb;
		else
			aio_complete(iocb);
	}
	aio_read_events_ring(ctx, events, 4);	/* io_getevents() */
	free_irq(7, NULL);
}
