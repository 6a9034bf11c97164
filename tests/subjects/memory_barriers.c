/*
 * Legal hand-overs between tasks with marked accesses and barriers, the
 * pairings of the kernel's memory-barriers.txt: a flag written with
 * WRITE_ONCE() after smp_wmb() and read with READ_ONCE() before smp_rmb();
 * an object published with WRITE_ONCE() after smp_wmb() and read through
 * the pointer READ_ONCE() returned (an address dependency, no read
 * barrier); the same through rcu_assign_pointer() and rcu_dereference();
 * and a small struct and a const object read with READ_ONCE(). Each must
 * be clean under every exploration, and in torture mode under
 * ThreadSanitizer (tests/torture), where a marked access is not a race.
 */
#include <kmapsim/subject.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

struct parcel {
	struct page *page;
	int val;
};

/* ---- a flag after smp_wmb(), read before smp_rmb() */

static int wmb_data, wmb_flag;

static int wmb_writer(void *data)
{
	struct page *page = data;
	char *kaddr = kmap_local_page(page);

	kaddr[0] = 5;
	kunmap_local(kaddr);
	wmb_data = 42;		/* plain: the barrier pairing orders it */
	smp_wmb();
	WRITE_ONCE(wmb_flag, 1);
	return 0;
}

KMAPSIM_SUBJECT(flag_after_wmb)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr;

	wmb_data = 0;
	wmb_flag = 0;
	kthread_run(wmb_writer, page, "wmb_writer");
	while (!READ_ONCE(wmb_flag))
		cpu_relax();
	smp_rmb();
	BUG_ON(wmb_data != 42);
	kaddr = kmap_local_page(page);
	BUG_ON(kaddr[0] != 5);
	kunmap_local(kaddr);
	__free_page(page);
}

/* ---- an object published after smp_wmb(), read through the pointer */

static struct parcel *published;

static int publisher(void *data)
{
	struct parcel *p = kmalloc(sizeof(*p), GFP_KERNEL | __GFP_NOFAIL);
	char *kaddr;

	p->page = data;
	kaddr = kmap_local_page(p->page);
	kaddr[1] = 9;
	kunmap_local(kaddr);
	p->val = 42;		/* plain: smp_wmb() orders it before the pointer */
	smp_wmb();
	WRITE_ONCE(published, p);
	return 0;
}

KMAPSIM_SUBJECT(pointer_after_wmb)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	struct parcel *p;
	char *kaddr;

	published = NULL;
	kthread_run(publisher, page, "publisher");
	while (!(p = READ_ONCE(published)))
		cpu_relax();
	/* No smp_rmb(): the reads depend on the pointer's value. */
	BUG_ON(p->val != 42);
	kaddr = kmap_local_page(p->page);
	BUG_ON(kaddr[1] != 9);
	kunmap_local(kaddr);
	kfree(p);
	__free_page(page);
}

/* ---- the same through RCU */

static struct parcel __rcu *rcu_parcel;
static DECLARE_COMPLETION(rcu_reader_done);

static int rcu_reader(void *data)
{
	struct parcel *p;
	int val = 0;

	while (!val) {
		rcu_read_lock();
		p = rcu_dereference(rcu_parcel);
		if (p) {
			char *kaddr = kmap_local_page(p->page);

			BUG_ON(kaddr[2] != 11);
			kunmap_local(kaddr);
			val = p->val;
		}
		rcu_read_unlock();
		cond_resched();
	}
	BUG_ON(val != 42);
	complete(&rcu_reader_done);
	return 0;
}

KMAPSIM_SUBJECT(rcu_publish)
{
	struct parcel *p = kmalloc(sizeof(*p), GFP_KERNEL | __GFP_NOFAIL);
	char *kaddr;

	RCU_INIT_POINTER(rcu_parcel, NULL);
	reinit_completion(&rcu_reader_done);
	kthread_run(rcu_reader, NULL, "rcu_reader");
	p->page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	kaddr = kmap_local_page(p->page);
	kaddr[2] = 11;
	kunmap_local(kaddr);
	p->val = 42;
	rcu_assign_pointer(rcu_parcel, p);
	wait_for_completion(&rcu_reader_done);
	RCU_INIT_POINTER(rcu_parcel, NULL);
	synchronize_rcu();
	__free_page(p->page);
	kfree(p);
}

/* ---- READ_ONCE() of a small struct and of a const object */

struct halves {
	u16 lo, hi;
};

static struct halves pair;
static const unsigned long answer = 42;

static int pair_writer(void *data)
{
	struct halves h = { .lo = 1, .hi = 2 };

	WRITE_ONCE(pair, h);
	return 0;
}

KMAPSIM_SUBJECT(struct_and_const_once)
{
	struct halves h;

	pair = (struct halves){ 0, 0 };
	kthread_run(pair_writer, NULL, "pair_writer");
	do {
		h = READ_ONCE(pair);
		cpu_relax();
	} while (!h.lo);
	/* One single-copy atomic access: never half of the store. */
	BUG_ON(h.lo != 1 || h.hi != 2);
	BUG_ON(READ_ONCE(answer) != 42);
}
