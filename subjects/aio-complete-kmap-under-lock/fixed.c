/*
 * aio-complete-kmap-under-lock, fixed variant.
 *
 * Shows: the event is written through kmap_local_page(), which never
 * sleeps and may be used under a spinlock with interrupts off.
 *
 * Re-expresses: the fs/aio kmap_local_page() conversion by Fabio M. De
 * Francesco (kmap() "might block when the mapping space is fully
 * utilized").
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

struct ring_event {
	u64 data;
	u64 res;
};

#define EVENTS_PER_PAGE (PAGE_SIZE / sizeof(struct ring_event))

struct ring_ctx {
	spinlock_t completion_lock;
	struct page *ring_page;
	size_t tail;
};

static void post_event(struct ring_ctx *ctx, u64 data, u64 res)
{
	struct ring_event *ev;
	unsigned long flags;

	spin_lock_irqsave(&ctx->completion_lock, flags);
	ev = kmap_local_page(ctx->ring_page);
	ev[ctx->tail].data = data;
	ev[ctx->tail].res = res;
	flush_dcache_page(ctx->ring_page);
	kunmap_local(ev);
	ctx->tail = (ctx->tail + 1) % EVENTS_PER_PAGE;
	spin_unlock_irqrestore(&ctx->completion_lock, flags);
}

KMAPSIM_SUBJECT(aio_complete_kmap_under_lock)
{
	struct ring_ctx ctx;

	spin_lock_init(&ctx.completion_lock);
	ctx.tail = kmapsim_pick(0, EVENTS_PER_PAGE - 1);
	ctx.ring_page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	if (!ctx.ring_page)
		return;
	post_event(&ctx, kmapsim_pick(0, 1000), 0);
	__free_page(ctx.ring_page);
}
