/*
 * Legal tasklet code (softirq context) that must stay clean under every
 * exploration, and in torture mode: a tasklet that maps a page in softirq
 * context, queues itself again and is disabled, enabled and killed, one an
 * interrupt handler queues, one a task spins for with preemption off on
 * the tasklet's CPU, one queued under local_bh_disable() (it runs at
 * local_bh_enable(), not before) and one queued before such a section
 * (ksoftirqd, bound to the CPU, waits too). The buggy counterparts are in
 * smp_bugs.c.
 */
#include <kmapsim/subject.h>

/*
 * A tasklet (softirq context) maps a highmem page with kmap_local_page(),
 * queues itself again once (twice: the second queues nothing) and then
 * completes what the task waits for. A disabled tasklet
 * stays queued until tasklet_enable(), and tasklet_kill() waits for its
 * run. tasklet_init()'s old form gets its data word.
 */
struct tl_ctx {
	struct tasklet_struct tl;
	struct completion done;
	struct page *page;
	int runs;
	bool wrong_context;
	u32 sum;
};

static void tl_map(struct tasklet_struct *t)
{
	struct tl_ctx *c = from_tasklet(c, t, tl);
	char *kaddr = kmap_local_page(c->page);

	if (!in_softirq() || !in_interrupt() || !in_serving_softirq() || in_task() || in_irq())
		c->wrong_context = true;
	c->sum += kaddr[0];
	kunmap_local(kaddr);
	if (++c->runs == 1) {
		tasklet_schedule(t);
		tasklet_schedule(t);	/* queued already: nothing */
	} else
		complete(&c->done);
}

static unsigned long old_data;

static void tl_old(unsigned long data)
{
	old_data = data;
}

KMAPSIM_SUBJECT(tasklet_maps_in_softirq)
{
	struct tl_ctx c = { .runs = 0 };
	struct tasklet_struct old;

	c.page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	init_completion(&c.done);
	tasklet_setup(&c.tl, tl_map);
	tasklet_schedule(&c.tl);
	wait_for_completion(&c.done);
	tasklet_kill(&c.tl);
	BUG_ON(c.runs != 2 || c.wrong_context || !in_task() || in_serving_softirq());

	tasklet_disable(&c.tl);
	tasklet_schedule(&c.tl);
	cond_resched();
	BUG_ON(c.runs != 2);		/* disabled: still queued */
	reinit_completion(&c.done);
	tasklet_enable(&c.tl);
	tasklet_kill(&c.tl);
	BUG_ON(c.runs != 3);
	__free_page(c.page);

	old_data = 0;
	tasklet_init(&old, tl_old, 77);
	tasklet_hi_schedule(&old);
	tasklet_kill(&old);
	BUG_ON(old_data != 77);
}

/* The driver pattern: the interrupt handler queues the tasklet, which does
 * the mapping work in softirq context; free_irq() and tasklet_kill()
 * before the device goes away. */
static struct tasklet_struct irq_tl;
static struct page *irq_tl_page;
static int irq_tl_queued, irq_tl_runs;

static void irq_tl_fn(struct tasklet_struct *t)
{
	char *kaddr = kmap_local_page(irq_tl_page);

	kaddr[1] = 2;
	kunmap_local(kaddr);
	irq_tl_runs++;
}

static irqreturn_t irq_queues_tasklet(int irq, void *dev)
{
	irq_tl_queued = 1;
	tasklet_schedule(&irq_tl);
	return IRQ_HANDLED;
}

KMAPSIM_SUBJECT(irq_queues_tasklet)
{
	int i;

	irq_tl_page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	irq_tl_queued = irq_tl_runs = 0;
	tasklet_setup(&irq_tl, irq_tl_fn);
	if (request_irq(5, irq_queues_tasklet, 0, "tl-dev", &irq_tl))
		return;
	for (i = 0; i < 3; i++)
		cond_resched();
	free_irq(5, &irq_tl);
	tasklet_kill(&irq_tl);
	BUG_ON(irq_tl_queued && !irq_tl_runs);
	__free_page(irq_tl_page);
}

/* A task that spins with preemption off until a tasklet it queued on its
 * own CPU has run: ksoftirqd, bound to that CPU, cannot have it, and the
 * timer tick's irq_exit() runs it on top of the spinner. */
static int tl_flag;

static void tl_set_flag(struct tasklet_struct *t)
{
	WRITE_ONCE(tl_flag, 1);
}

KMAPSIM_SUBJECT(spin_waits_for_own_tasklet)
{
	struct tasklet_struct tl;

	tl_flag = 0;
	tasklet_setup(&tl, tl_set_flag);
	preempt_disable();
	tasklet_schedule(&tl);
	while (!READ_ONCE(tl_flag))
		cpu_relax();
	preempt_enable();
	tasklet_kill(&tl);
}

/* A tasklet queued with bottom halves disabled runs neither on this CPU
 * (softirqs are off here) nor on another (it is queued on this one) until
 * local_bh_enable(), which runs it before returning. So does one queued
 * from task context just before the section, on the section's CPU, unless
 * it ran before the section began: the ksoftirqd it wakes is bound to that
 * CPU, and stays there while the section spins for a kthread queued on the
 * same CPU (which moves to the idle one). */
static int bh_tl_ran, bh_flag;
static DEFINE_PER_CPU(int, bh_tl_count);

static void bh_tl_fn(struct tasklet_struct *t)
{
	WRITE_ONCE(bh_tl_ran, 1);
}

static int bh_setter(void *data)
{
	smp_store_release(&bh_flag, 1);
	return 0;
}

KMAPSIM_SUBJECT(bh_section_defers_tasklet)
{
	struct tasklet_struct tl;
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr;
	int ran;

	tasklet_setup(&tl, bh_tl_fn);
	tasklet_schedule(&tl);		/* task context: ksoftirqd runs it */
	tasklet_kill(&tl);
	bh_tl_ran = 0;
	local_bh_disable();
	tasklet_schedule(&tl);
	kaddr = kmap_local_page(page);
	kaddr[0] = 1;
	(*this_cpu_ptr(&bh_tl_count))++;
	BUG_ON(READ_ONCE(bh_tl_ran));
	kunmap_local(kaddr);
	BUG_ON(READ_ONCE(bh_tl_ran));
	local_bh_enable();
	BUG_ON(!READ_ONCE(bh_tl_ran));
	tasklet_kill(&tl);

	bh_tl_ran = bh_flag = 0;
	kthread_run(bh_setter, NULL, "setter");
	preempt_disable();		/* queued on the section's CPU */
	tasklet_schedule(&tl);
	local_bh_disable();		/* (a tick may have run it meanwhile) */
	preempt_enable();
	ran = READ_ONCE(bh_tl_ran);
	kaddr = kmap_local_page(page);
	(*this_cpu_ptr(&bh_tl_count))++;
	kunmap_local(kaddr);
	while (!smp_load_acquire(&bh_flag))
		cpu_relax();
	BUG_ON(READ_ONCE(bh_tl_ran) != ran);
	local_bh_enable();
	BUG_ON(!READ_ONCE(bh_tl_ran));
	tasklet_kill(&tl);
	__free_page(page);
}
