/*
 * Timers (linux/timer.h): callbacks in softirq context, and jiffies.
 * Clean: a callback that maps a page in softirq context, one that re-arms
 * itself until del_timer_sync(), a timer on the stack deleted before the
 * return, timer_shutdown_sync() (arming does nothing after it), a timer on
 * another CPU (add_timer_on()), a TIMER_IRQSAFE one (interrupts off), a
 * timer deleted before its object is freed, and a poll loop that gives up
 * when jiffies pass its deadline (no soft-lockup). Reported: kmap() in a
 * callback (sleep-in-atomic), a callback returning with its local mapping
 * (kmap-leak), an object freed with its timer armed (memory-error in the
 * callback), a return with a timer armed on the stack (memory-error), and
 * del_timer_sync() of a timer from its own callback (it spins forever).
 */
#include <kmapsim/subject.h>
#include <linux/timer.h>

struct tm_ctx {
	struct timer_list timer;
	struct page *page;
	struct completion done;
	int runs;
	int want;
	int cpu;
	bool wrong_context;
	bool irqs_were_off;
};

static void tm_map(struct timer_list *t)
{
	struct tm_ctx *c = from_timer(c, t, timer);
	char *kaddr = kmap_local_page(c->page);

	if (!in_softirq() || !in_serving_softirq() || in_task() || in_irq())
		c->wrong_context = true;
	c->irqs_were_off = irqs_disabled();
	c->cpu = smp_processor_id();
	kaddr[0]++;
	kunmap_local(kaddr);
	if (++c->runs < c->want)
		mod_timer(&c->timer, jiffies + 1);	/* periodic: again */
	else
		complete(&c->done);
}

static void tm_init(struct tm_ctx *c, int want, unsigned int flags)
{
	c->page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	c->runs = 0;
	c->want = want;
	c->wrong_context = c->irqs_were_off = false;
	init_completion(&c->done);
	timer_setup(&c->timer, tm_map, flags);
}

KMAPSIM_SUBJECT(timer_maps_in_softirq)
{
	struct tm_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);

	tm_init(c, 1, 0);
	BUG_ON(timer_pending(&c->timer));
	BUG_ON(mod_timer(&c->timer, jiffies + HZ) != 0);
	wait_for_completion(&c->done);
	del_timer_sync(&c->timer);
	BUG_ON(timer_pending(&c->timer) || c->wrong_context || c->irqs_were_off || c->runs != 1);
	__free_page(c->page);
	kfree(c);
}

KMAPSIM_SUBJECT(timer_rearms_until_stopped)
{
	struct tm_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);
	int runs;

	tm_init(c, 3, 0);
	mod_timer(&c->timer, jiffies + 1);
	wait_for_completion(&c->done);
	c->want = 1000;	/* it would go on re-arming: stop it */
	mod_timer(&c->timer, jiffies + 1);
	del_timer_sync(&c->timer);
	runs = c->runs;
	cond_resched();
	BUG_ON(timer_pending(&c->timer) || c->runs != runs || c->wrong_context);
	__free_page(c->page);
	kfree(c);
}

KMAPSIM_SUBJECT(timer_on_stack_deleted)
{
	struct tm_ctx c;

	tm_init(&c, 1, 0);
	mod_timer(&c.timer, jiffies + HZ);
	if (kmapsim_pick(0, 1))
		wait_for_completion(&c.done);
	del_timer_sync(&c.timer);	/* before the stack goes */
	destroy_timer_on_stack(&c.timer);
	__free_page(c.page);
}

KMAPSIM_SUBJECT(timer_shutdown_stops_it)
{
	struct tm_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);

	tm_init(c, 1, 0);
	mod_timer(&c->timer, jiffies + HZ);
	timer_shutdown_sync(&c->timer);
	BUG_ON(mod_timer(&c->timer, jiffies + 1) != 0 || timer_pending(&c->timer));
	cond_resched();
	BUG_ON(c->runs > 1);
	__free_page(c->page);
	kfree(c);
}

KMAPSIM_SUBJECT(timer_on_other_cpu)
{
	struct tm_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);
	int cpu = num_possible_cpus() - 1;

	tm_init(c, 1, TIMER_PINNED);
	c->timer.expires = jiffies + 1;
	add_timer_on(&c->timer, cpu);
	wait_for_completion(&c->done);
	BUG_ON(c->cpu != cpu || c->wrong_context);
	del_timer_sync(&c->timer);
	__free_page(c->page);
	kfree(c);
}

KMAPSIM_SUBJECT(timer_irqsafe)
{
	struct tm_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);

	tm_init(c, 1, TIMER_IRQSAFE);
	c->timer.expires = jiffies + 1;
	add_timer(&c->timer);
	wait_for_completion(&c->done);
	BUG_ON(!c->irqs_were_off || c->wrong_context);
	del_timer_sync(&c->timer);
	__free_page(c->page);
	kfree(c);
}

static void tm_free_armed(bool delete_first)
{
	struct tm_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);
	struct page *page;

	tm_init(c, 1, 0);
	page = c->page;
	mod_timer(&c->timer, jiffies + HZ);
	if (delete_first)
		del_timer_sync(&c->timer);
	kfree(c);	/* the callback reads c: after this only if still armed */
	cond_resched();
	__free_page(page);
}

KMAPSIM_SUBJECT(timer_deleted_before_free) { tm_free_armed(true); }

static int poll_flag;

KMAPSIM_SUBJECT(jiffies_poll_times_out)
{
	unsigned long end = jiffies + msecs_to_jiffies(20);
	bool timed_out = false;

	WRITE_ONCE(poll_flag, 0);
	while (!READ_ONCE(poll_flag)) {	/* nobody sets it: only time ends the loop */
		if (time_after(jiffies, end)) {
			timed_out = true;
			break;
		}
		cpu_relax();
	}
	BUG_ON(!timed_out || !time_after_eq(jiffies, end));
}

/* ---- the reported ones */
static void tm_kmap(struct timer_list *t)
{
	struct tm_ctx *c = from_timer(c, t, timer);

	kmap(c->page);	/* may sleep: not in softirq context */
	kunmap(c->page);
	complete(&c->done);
}

KMAPSIM_SUBJECT(timer_kmap_sleeps)
{
	struct tm_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);

	tm_init(c, 1, 0);
	c->timer.function = tm_kmap;
	mod_timer(&c->timer, jiffies + 1);
	wait_for_completion(&c->done);
	del_timer_sync(&c->timer);
	__free_page(c->page);
	kfree(c);
}

static void tm_leak(struct timer_list *t)
{
	struct tm_ctx *c = from_timer(c, t, timer);

	kmap_local_page(c->page);	/* never unmapped */
	complete(&c->done);
}

KMAPSIM_SUBJECT(timer_leaks_local_map)
{
	struct tm_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);

	tm_init(c, 1, 0);
	c->timer.function = tm_leak;
	mod_timer(&c->timer, jiffies + 1);
	wait_for_completion(&c->done);
	del_timer_sync(&c->timer);
	__free_page(c->page);
	kfree(c);
}

KMAPSIM_SUBJECT(timer_freed_armed) { tm_free_armed(false); }

KMAPSIM_SUBJECT(timer_on_stack_returns)
{
	struct tm_ctx c;

	tm_init(&c, 1, 0);
	mod_timer(&c.timer, jiffies + HZ);	/* no del_timer_sync() before the return */
}

static void tm_delete_self(struct timer_list *t)
{
	del_timer_sync(t);	/* waits for this very callback */
}

KMAPSIM_SUBJECT(timer_deletes_itself_sync)
{
	struct tm_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);

	tm_init(c, 1, 0);
	c->timer.function = tm_delete_self;
	mod_timer(&c->timer, jiffies + 1);
	del_timer_sync(&c->timer);
	__free_page(c->page);
	kfree(c);
}
