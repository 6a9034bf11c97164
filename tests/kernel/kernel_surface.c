// SPDX-License-Identifier: MIT
/*
 * The kernel surface around kmap that imported code uses, modelled rather
 * than trapping: current->mm/pid/comm, wait queues, RCU grace periods and
 * callbacks, percpu_ref. Each *_ok subject is legal kernel code and must be
 * clean; each other subject breaks one rule and must be reported:
 *   rcu_free_no_grace   kfree() of what a reader may still use (no grace
 *                       period): memory-error when the reader reads it
 *   wait_no_wake_up     the flag set without wake_up(): the waiter sleeps
 *                       forever (every task is blocked)
 *   percpu_ref_leak     one get too many: release() never runs, and the
 *                       waiter for it sleeps forever
 *   printk_stale_name   a name printed with %s after its page's mapping is
 *                       gone: use after unmap, found in printk()'s read
 *   rwsem_readers_share two readers inside at once, which a reader that
 *                       writes shared state assumes cannot happen
 *                       (subject-bug: its BUG_ON)
 *   rwsem_read_recursive down_read() twice in one task while a writer
 *                       queues in between: every task is blocked
 *   raw_spin_sleep      a mutex taken under a raw spinlock: sleep-in-atomic
 *   rwlock_write_recursive write_lock() of an rwlock its task holds for
 *                       reading: it spins forever (recursive locking)
 *   seqlock_no_retry    a seqlock reader that never checks read_seqretry()
 *                       sees a torn pair (subject-bug: its BUG_ON)
 * helpers_ok checks the values of the small helpers imported code leans
 * on (byte order, 64-bit division, bit locks and searches, page flags,
 * delayed work, list splicing and moving, try_cmpxchg, member groups,
 * snprintf() and scnprintf(), ksize() and kfree_sensitive()):
 * a wrong one fires its BUG_ON.
 */
#include <kmapsim/subject.h>
#include <linux/rcupdate.h>
#include <linux/wait.h>
#include <linux/percpu-refcount.h>
#include <linux/ratelimit.h>
#include <linux/highmem.h>
#include <linux/math64.h>
#include <asm/byteorder.h>
#include <linux/seqlock.h>
#include <linux/cache.h>
#include <asm/ioctl.h>
#include <linux/lockdep.h>
#include <asm/local64.h>
#include <linux/minmax.h>

struct obj {
	int val;
	struct rcu_head rcu;
};

static struct obj __rcu *gp;
static DECLARE_WAIT_QUEUE_HEAD(wq);
static int flag;
static struct percpu_ref ref;
static struct completion released;

/* ---- current */
static int kthread_sees(void *data)
{
	struct task_struct *me = current;

	BUG_ON(me->mm || !(me->flags & PF_KTHREAD) || me->pid == *(pid_t *)data);
	return 0;
}

KMAPSIM_SUBJECT(current_ok)
{
	static pid_t main_pid;

	BUG_ON(!current->mm || current->mm != current->active_mm);
	BUG_ON(current->flags & PF_KTHREAD);
	BUG_ON(strcmp(current->comm, "main") != 0);
	main_pid = current->pid;
	BUG_ON(main_pid != task_pid_nr(current));
	kthread_run(kthread_sees, &main_pid, "worker");
}

/* ---- RCU: a reader on another task, an updater replacing the object */
static int reader(void *unused)
{
	struct obj *p;
	int v = 0;

	rcu_read_lock();
	p = rcu_dereference(gp);
	if (p)
		v = READ_ONCE(p->val);
	rcu_read_unlock();
	return v;
}

static void replace(bool wait_for_readers, bool deferred)
{
	struct obj *old = kzalloc(sizeof(*old), GFP_KERNEL | __GFP_NOFAIL);
	struct obj *new = kzalloc(sizeof(*new), GFP_KERNEL | __GFP_NOFAIL);

	old->val = 1;
	rcu_assign_pointer(gp, old);
	kthread_run(reader, NULL, "reader");
	new->val = 2;
	rcu_assign_pointer(gp, new);
	if (deferred) {
		kfree_rcu(old, rcu);
		return;
	}
	if (wait_for_readers)
		synchronize_rcu();
	kfree(old);
}

KMAPSIM_SUBJECT(rcu_synchronize_ok) { replace(true, false); }
KMAPSIM_SUBJECT(rcu_kfree_rcu_ok) { replace(false, true); }
KMAPSIM_SUBJECT(rcu_free_no_grace) { replace(false, false); }

static void obj_free(struct rcu_head *head)
{
	kfree(container_of(head, struct obj, rcu));
}

KMAPSIM_SUBJECT(rcu_call_rcu_barrier_ok)
{
	struct obj *o = kzalloc(sizeof(*o), GFP_KERNEL | __GFP_NOFAIL);

	rcu_assign_pointer(gp, o);
	kthread_run(reader, NULL, "reader");
	rcu_assign_pointer(gp, NULL);
	call_rcu(&o->rcu, obj_free);
	rcu_barrier();
}

/* ---- wait queues: a waiter, and a waker in a task or an interrupt */
static int waiter_done;

static int waiter(void *unused)
{
	wait_event(wq, READ_ONCE(flag));
	WRITE_ONCE(waiter_done, 1);
	return 0;
}

static irqreturn_t waker_irq(int irq, void *dev)
{
	WRITE_ONCE(flag, 1);
	wake_up(&wq);
	return IRQ_HANDLED;
}

KMAPSIM_SUBJECT(wait_queue_ok)
{
	kthread_run(waiter, NULL, "waiter");
	WRITE_ONCE(flag, 1);
	wake_up_all(&wq);
}

/* The wake-up from an interrupt: main spins, and the interrupt that ends
 * its spin (or fires earlier) wakes the waiter. */
KMAPSIM_SUBJECT(wait_queue_irq_ok)
{
	request_irq(5, waker_irq, 0, "waker", NULL);
	kthread_run(waiter, NULL, "waiter");
	while (!READ_ONCE(waiter_done))
		cond_resched();
	free_irq(5, NULL);
}

KMAPSIM_SUBJECT(wait_no_wake_up)
{
	kthread_run(waiter, NULL, "waiter");
	cond_resched();
	WRITE_ONCE(flag, 1);	/* no wake_up(): a waiter already asleep stays asleep */
}

/* ---- percpu_ref: users get and put from tasks; kill; release after the grace period */
static void ref_release(struct percpu_ref *r)
{
	complete(&released);
}

static int user(void *extra)
{
	if (percpu_ref_tryget_live(&ref)) {
		if (extra)
			percpu_ref_get(&ref);	/* the leak: no put for this one */
		percpu_ref_put(&ref);
	}
	return 0;
}

static void ref_lifetime(bool leak)
{
	init_completion(&released);
	if (percpu_ref_init(&ref, ref_release, 0, GFP_KERNEL))
		return;
	kthread_run(user, leak ? &ref : NULL, "user");
	percpu_ref_kill(&ref);
	wait_for_completion(&released);
	BUG_ON(!percpu_ref_is_zero(&ref));
	percpu_ref_exit(&ref);
}

KMAPSIM_SUBJECT(percpu_ref_ok) { ref_lifetime(false); }
KMAPSIM_SUBJECT(percpu_ref_leak) { ref_lifetime(true); }

/* ---- ratelimit: a burst per interval (time does not pass in a run); interval 0 never limits */
KMAPSIM_SUBJECT(ratelimit_ok)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 3);
	static DEFINE_RATELIMIT_STATE(unlimited, 0, 1);
	struct ratelimit_state dyn;
	int i, passed = 0;

	for (i = 0; i < 5; i++)
		passed += !!__ratelimit(&rs);
	BUG_ON(passed != 3 || rs.missed != 2);
	for (i = 0, passed = 0; i < 5; i++)
		passed += !!__ratelimit(&unlimited);
	BUG_ON(passed != 5);
	ratelimit_default_init(&dyn);
	for (i = 0, passed = 0; i < DEFAULT_RATELIMIT_BURST + 1; i++)
		passed += !!__ratelimit(&dyn);
	BUG_ON(passed != DEFAULT_RATELIMIT_BURST);
}

/* ---- printk reads its %s arguments: through a live mapping, or after it is gone */
static void print_entry_name(bool after_unmap)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_HIGHMEM);
	char *kaddr;

	if (!page)
		return;
	kaddr = kmap_local_page(page);
	strcpy(kaddr + 100, "lost+found");
	pr_err("bad entry %s at %d\n", kaddr + 100, 100);
	kunmap_local(kaddr);
	if (after_unmap)
		pr_err("bad entry %s\n", kaddr + 100);
	__free_page(page);
}

KMAPSIM_SUBJECT(printk_ok) { print_entry_name(false); }
KMAPSIM_SUBJECT(printk_stale_name) { print_entry_name(true); }

/* ---- rw_semaphore: readers share it, a writer has it alone, a reader queues behind a writer */
static DECLARE_RWSEM(sem);
static atomic_t readers_in;	/* readers run together: counted atomically */
static int writer_in;
static bool reader_assumes_alone;
static struct completion sem_done[3];

static int sem_reader(void *data)
{
	struct completion *done = data;

	down_read(&sem);
	atomic_inc(&readers_in);
	BUG_ON(writer_in);
	if (reader_assumes_alone)
		BUG_ON(atomic_read(&readers_in) > 1);
	cond_resched();
	atomic_dec(&readers_in);
	up_read(&sem);
	complete(done);
	return 0;
}

static int sem_writer(void *unused)
{
	down_write(&sem);
	writer_in = 1;
	BUG_ON(atomic_read(&readers_in));
	cond_resched();
	writer_in = 0;
	downgrade_write(&sem);
	BUG_ON(!rwsem_is_locked(&sem));
	up_read(&sem);
	complete(&sem_done[2]);
	return 0;
}

static void rwsem_tasks(bool assume_alone)
{
	int i;

	init_rwsem(&sem);
	atomic_set(&readers_in, 0);
	writer_in = 0;
	reader_assumes_alone = assume_alone;
	for (i = 0; i < 3; i++)
		init_completion(&sem_done[i]);
	kthread_run(sem_reader, &sem_done[0], "reader");
	kthread_run(sem_reader, &sem_done[1], "reader2");
	kthread_run(sem_writer, NULL, "writer");
	for (i = 0; i < 3; i++)
		wait_for_completion(&sem_done[i]);
	BUG_ON(rwsem_is_locked(&sem));
	if (down_write_trylock(&sem)) {
		BUG_ON(down_read_trylock(&sem));
		up_write(&sem);
	}
}

KMAPSIM_SUBJECT(rwsem_ok) { rwsem_tasks(false); }
KMAPSIM_SUBJECT(rwsem_readers_share) { rwsem_tasks(true); }

static int sem_late_writer(void *unused)
{
	down_write(&sem);
	up_write(&sem);
	return 0;
}

KMAPSIM_SUBJECT(rwsem_read_recursive)
{
	init_rwsem(&sem);
	down_read(&sem);
	kthread_run(sem_late_writer, NULL, "writer");
	cond_resched();
	down_read(&sem);	/* behind the writer once it queues */
	up_read(&sem);
	up_read(&sem);
}

/* ---- small helpers: their values, and a raw spinlock is a spinlock */
static_assert(sizeof(__le32) == 4);	/* the kernel's one-argument form */
static_assert(sizeof(u64) == 8, "u64");
static bool delayed_ran;

/* linux/stddef.h's member helpers and types.h's bitmaps, as the tree's headers use them */
struct grouped {
	u8 head;
	struct_group(body, u32 a; u16 b;);
	DECLARE_BITMAP(map, 70);
	DECLARE_FLEX_ARRAY(u8, tail);
};
static_assert(sizeof_field(struct grouped, map) == 2 * sizeof(long), "bitmap");
/* the group is one struct over its members: b ends 6 bytes in, padding after it */
static_assert(offsetof(struct grouped, a) == offsetof(struct grouped, body) &&
	      offsetofend(struct grouped, b) == offsetof(struct grouped, body) + 6 &&
	      sizeof_field(struct grouped, body) == 8, "group");
static_assert(_AC(1, UL) << 63 != 0 && UL(1) == 1, "_AC");
/* the generic ioctl encoding of x86 and ARM */
static_assert(_IOC_SIZE(_IOWR('f', 3, u64)) == 8 && _IOC_DIR(_IOR('f', 3, u32)) == _IOC_READ &&
	      _IOC_NR(_IOW('f', 3, u32)) == 3, "ioctl");

/* linux/cache.h's group markers take no room and bound their members */
struct hot_cold {
	__cacheline_group_begin(hot);
	int a;
	long b;
	__cacheline_group_end(hot);
	int cold;
};
static_assert(sizeof(struct hot_cold) == 24, "markers");
static void hot_cold_layout(void)
{
	CACHELINE_ASSERT_GROUP_MEMBER(struct hot_cold, hot, b);
	CACHELINE_ASSERT_GROUP_SIZE(struct hot_cold, hot, 16);
}

struct item {
	int val;
	struct list_head node;
};

/* the values of a list, in order, as one number: 1, 2, 3 is 123 */
static int list_digits(struct list_head *head)
{
	struct item *it;
	int n = 0;

	list_for_each_entry(it, head, node)
		n = n * 10 + it->val;
	return n;
}

static void list_helpers(void)
{
	struct item items[5] = { { 1 }, { 2 }, { 3 }, { 4 }, { 5 } };
	struct item *it, *tmp;
	LIST_HEAD(a);
	LIST_HEAD(b);
	atomic_long_t v = ATOMIC_LONG_INIT(5);
	long old = 4;
	int i, n = 0;

	for (i = 0; i < 3; i++)
		list_add_tail(&items[i].node, &a);
	list_add_tail(&items[3].node, &b);
	list_add_tail(&items[4].node, &b);
	list_splice_init(&a, &b);		/* a's entries first */
	BUG_ON(!list_empty(&a) || list_digits(&b) != 12345 || list_count_nodes(&b) != 5);
	list_move_tail(&items[0].node, &b);
	list_move(&items[4].node, &b);
	BUG_ON(list_digits(&b) != 52341 || !list_is_last(&items[0].node, &b) || !list_is_first(&items[4].node, &b));
	it = &items[2];
	list_for_each_entry_continue(it, &b, node)
		n = n * 10 + it->val;
	BUG_ON(n != 41);
	list_splice_tail_init(&b, &a);
	list_for_each_entry_safe_reverse(it, tmp, &a, node)
		if (it->val % 2)
			list_del(&it->node);
	BUG_ON(list_digits(&a) != 24 || !list_empty(&b) || list_is_singular(&a));
	list_del(&items[1].node);
	BUG_ON(!list_is_singular(&a));

	/* a failed try_cmpxchg stores nothing and hands back the value */
	BUG_ON(atomic_long_try_cmpxchg(&v, &old, 9) || old != 5 || atomic_long_read(&v) != 5);
	BUG_ON(!atomic_long_try_cmpxchg(&v, &old, 9) || atomic_long_read(&v) != 9);
	barrier_data(&old);
	BUG_ON(u64_to_user_ptr((u64)0x1000) != (void __user *)0x1000);
	tmp = kvmalloc(sizeof(*tmp), GFP_KERNEL);
	kvfree(tmp);
}

/* strscpy(): the length copied, or -E2BIG with dst cut and terminated */
static void string_helpers(void)
{
	char small[4], big[8];

	BUG_ON(strscpy(small, "abc") != 3 || strcmp(small, "abc"));
	BUG_ON(strscpy(small, "abcd") != -E2BIG || strcmp(small, "abc"));
	BUG_ON(strscpy(big, "xy", 0) != -E2BIG || strscpy(big, "xy", 3) != 2);
	memset(big, 'z', sizeof(big));
	BUG_ON(strscpy_pad(big, "q") != 1 || big[1] || big[7]);
	BUG_ON(DIV_ROUND_UP_SECTOR_T((sector_t)1 << 40, 3) != (((sector_t)1 << 40) + 2) / 3);
	/* snprintf() returns what it would have written, scnprintf() what it wrote */
	BUG_ON(snprintf(small, sizeof(small), "%d-%s", 12, "ab") != 5 || strcmp(small, "12-"));
	BUG_ON(scnprintf(small, sizeof(small), "%d-%s", 12, "ab") != 3 || scnprintf(small, 0, "x") != 0);
	BUG_ON(sprintf(big, "%02x", 0xa) != 2 || strcmp(big, "0a"));
}

/* ksize() covers the allocation; kfree_sensitive() zeroes it, then frees */
static void slab_helpers(void)
{
	char *key = kmalloc(24, GFP_KERNEL | __GFP_NOFAIL);

	BUG_ON(ksize(key) < 24 || ksize(NULL) != 0);
	memset(key, 0x5a, ksize(key));
	kfree_sensitive(key);
	kfree_sensitive(NULL);
}

/* xchg()/cmpxchg()/try_cmpxchg() on plain scalars, the page-size helpers, byte swaps in place */
static void scalar_helpers(void)
{
	static struct lock_class_key key;
	void *slot = NULL, *seen;
	u64 word = 7, expect = 6;
	u32 be = 0x11223344;
	char page[2 * PAGE_SIZE];

	BUG_ON(xchg(&slot, (void *)&word) != NULL || slot != &word);
	seen = cmpxchg(&slot, NULL, (void *)&be);	/* fails: slot is &word */
	BUG_ON(seen != &word || slot != &word);
	BUG_ON(cmpxchg(&slot, (void *)&word, NULL) != &word || slot);
	BUG_ON(try_cmpxchg(&word, &expect, 9) || expect != 7 || word != 7);
	BUG_ON(!try_cmpxchg(&word, &expect, 9) || word != 9);
	BUG_ON(get_order(1) != 0 || get_order(PAGE_SIZE) != 0 || get_order(PAGE_SIZE + 1) != 1 ||
	       get_order(4 * PAGE_SIZE) != 2 || !PAGE_ALIGNED(PAGE_SIZE) || PAGE_ALIGNED(1));
	memset(page, 1, sizeof(page));
	clear_page(page + PAGE_SIZE);
	copy_page(page, page + PAGE_SIZE);
	BUG_ON(memchr_inv(page, 0, sizeof(page)));
	cpu_to_be32s(&be);
	BUG_ON(*(u8 *)&be != 0x11);
	le32_to_cpus(&be);
	BUG_ON(be != 0x44332211);
	BUILD_BUG_ON_INVALID(*(u64 *)NULL);	/* checked, never evaluated */
	lockdep_assert_held(&word);
	lockdep_set_class(&word, &key);
}

/* atomic_dec_and_lock(): the lock only for the last reference, and held then */
static DEFINE_SPINLOCK(last_ref_lock);

static void counting_helpers(void)
{
	atomic_t refs = ATOMIC_INIT(2);
	local64_t events = LOCAL64_INIT(5);

	BUG_ON(atomic_dec_and_lock(&refs, &last_ref_lock) || atomic_read(&refs) != 1);
	BUG_ON(!atomic_dec_and_lock(&refs, &last_ref_lock) || atomic_read(&refs) != 0);
	spin_unlock(&last_ref_lock);
	local64_add(3, &events);
	BUG_ON(local64_read(&events) != 8 || local64_inc_return(&events) != 9);
	BUG_ON(hweight8(0xff) != 8 || hweight32(0xf0f0) != 8 || hweight64(~0ULL) != 64 || hweight_long(6) != 2);
}

/* hash lists, and the page and number helpers around them */
struct hnode {
	int val;
	struct hlist_node link;
};

static void hlist_and_page_helpers(void)
{
	struct hnode a = { 1 }, b = { 2 }, *pos;
	struct hlist_node *tmp;
	HLIST_HEAD(head);
	struct folio *folio = folio_alloc(GFP_KERNEL, 2);
	DEFINE_RATELIMIT_STATE(rs, HZ, 1);
	sector_t sec = 1003;
	int sum = 0;

	INIT_HLIST_NODE(&a.link);
	BUG_ON(!hlist_unhashed(&a.link) || !hlist_empty(&head));
	hlist_add_head(&a.link, &head);
	hlist_add_head(&b.link, &head);		/* b first */
	hlist_for_each_entry(pos, &head, link)
		sum = sum * 10 + pos->val;
	BUG_ON(sum != 21 || hlist_unhashed_lockless(&a.link));
	hlist_del_init(&b.link);
	BUG_ON(!hlist_unhashed(&b.link) || head.first != &a.link || a.link.pprev != &head.first);
	hlist_for_each_entry_safe(pos, tmp, &head, link)
		hlist_del(&pos->link);
	BUG_ON(!hlist_empty(&head));
	if (folio) {
		BUG_ON(compound_nr(&folio->page) != 4 || compound_nr(&folio->page + 1) != 1);
		/* writeback on the head; no swap cache */
		BUG_ON(folio_start_writeback(folio) || !PageWriteback(&folio->page + 2) || !folio_start_writeback(folio));
		BUG_ON(!folio_test_clear_writeback(folio) || folio_test_writeback(folio) || folio_test_swapcache(folio));
		if (!PageHighMem(&folio->page))
			BUG_ON(virt_to_folio((char *)folio_address(folio) + 3 * PAGE_SIZE) != folio);
		folio_put(folio);
	}
	BUG_ON(MIN(3, 4) != 3 || MAX(3, 4) != 4 || sector_div(sec, 10) != 3 || sec != 100);
	BUG_ON(!WARN_ON_RATELIMIT(true, &rs) || WARN_ON_RATELIMIT(false, &rs));
}

/* a page by its address: lowmem, zeroed by get_zeroed_page(), 0 frees nothing */
static void free_page_helpers(void)
{
	unsigned long addr = get_zeroed_page(GFP_KERNEL | __GFP_HIGHMEM);

	if (addr) {
		BUG_ON(PageHighMem(virt_to_page((void *)addr)) || memchr_inv((void *)addr, 0, PAGE_SIZE));
		((char *)addr)[PAGE_SIZE - 1] = 1;
		free_page(addr);
	}
	free_pages(0, 1);
}

static void delayed_fn(struct work_struct *work)
{
	BUG_ON(to_delayed_work(work)->cpu != 7);
	delayed_ran = true;
}

KMAPSIM_SUBJECT(helpers_ok)
{
	static DECLARE_DELAYED_WORK(dwork, delayed_fn);
	unsigned long bits[2] = { 0, 0 };
	struct folio *folio = folio_alloc(GFP_KERNEL, 0);
	__le32 le = cpu_to_le32(0x11223344);
	u64 n = 1000000007ULL;
	u32 rem;

	BUG_ON(*(u8 *)&le != 0x44 || le32_to_cpu(le) != 0x11223344);
	BUG_ON(be16_to_cpu(cpu_to_be16(0x1234)) != 0x1234 || *(u8 *)&(__be16){ cpu_to_be16(0x1234) } != 0x12);
	rem = do_div(n, 1000);
	BUG_ON(n != 1000000 || rem != 7);
	slab_helpers();
	BUG_ON(div64_ul(10, 3) != 3 || div_u64_rem(10, 4, &rem) != 2 || rem != 2 || DIV64_U64_ROUND_UP(7, 2) != 4);
	BUG_ON(test_and_set_bit_lock(70, bits) || !test_and_set_bit_lock(70, bits) || !test_bit_acquire(70, bits));
	clear_bit_unlock(70, bits);
	BUG_ON(bits[1] || __ffs(0x50) != 4 || __fls(0x50) != 6 || fls(0) != 0 || fls(0x80000000u) != 32 || ffz(0x7) != 3);
	if (folio) {
		BUG_ON(folio_test_dirty(folio) || folio_test_uptodate(folio) || folio->mapping || folio_get_private(folio));
		BUG_ON(!folio_mark_dirty(folio) || folio_mark_dirty(folio) || !PageDirty(&folio->page));
		folio_mark_uptodate(folio);
		SetPageChecked(&folio->page);
		BUG_ON(!folio_test_uptodate(folio) || !folio_test_checked(folio));
		folio_put(folio);
		/* the same frame again: the allocator cleared the flags */
		folio = folio_alloc(GFP_KERNEL, 0);
		if (folio) {
			BUG_ON(folio_test_dirty(folio) || folio_test_checked(folio));
			folio_put(folio);
		}
	}
	list_helpers();
	hot_cold_layout();
	string_helpers();
	free_page_helpers();
	scalar_helpers();
	counting_helpers();
	hlist_and_page_helpers();
	dwork.cpu = 7;
	schedule_delayed_work(&dwork, HZ);
	flush_delayed_work(&dwork);
	BUG_ON(!delayed_ran);
}

static DEFINE_RAW_SPINLOCK(raw_lock);
static DEFINE_MUTEX(under_raw);

KMAPSIM_SUBJECT(raw_spin_sleep)
{
	raw_spin_lock(&raw_lock);
	mutex_lock(&under_raw);
	mutex_unlock(&under_raw);
	raw_spin_unlock(&raw_lock);
}

/* ---- rwlock_t: readers nest and share, a writer is alone, all spin with preemption off */
static DEFINE_RWLOCK(rwl);
static atomic_t rw_readers;
static int rw_writer;
static struct completion rw_done[2];

static int rw_reader(void *data)
{
	unsigned long flags;

	read_lock_irqsave(&rwl, flags);
	read_lock(&rwl);	/* nesting the read side is allowed */
	atomic_inc(&rw_readers);
	BUG_ON(rw_writer || !in_atomic() || !irqs_disabled());
	atomic_dec(&rw_readers);
	read_unlock(&rwl);
	read_unlock_irqrestore(&rwl, flags);
	complete(data);
	return 0;
}

static int rw_writer_fn(void *data)
{
	write_lock(&rwl);
	rw_writer = 1;
	BUG_ON(atomic_read(&rw_readers));
	rw_writer = 0;
	write_unlock(&rwl);
	complete(data);
	return 0;
}

KMAPSIM_SUBJECT(rwlock_ok)
{
	rwlock_init(&rwl);
	atomic_set(&rw_readers, 0);
	rw_writer = 0;
	init_completion(&rw_done[0]);
	init_completion(&rw_done[1]);
	kthread_run(rw_reader, &rw_done[0], "reader");
	kthread_run(rw_writer_fn, &rw_done[1], "writer");
	read_lock_bh(&rwl);
	BUG_ON(rw_writer);
	read_unlock_bh(&rwl);
	wait_for_completion(&rw_done[0]);
	wait_for_completion(&rw_done[1]);
	BUG_ON(!write_trylock(&rwl));
	BUG_ON(read_trylock(&rwl));
	write_unlock(&rwl);
}

KMAPSIM_SUBJECT(rwlock_write_recursive)
{
	rwlock_init(&rwl);
	read_lock(&rwl);
	write_lock(&rwl);
}

/* ---- seqlock_t: a reader retries while a writer moved the count */
static DEFINE_SEQLOCK(pair_lock);
static struct { int a, b; } pair;

static int pair_writer(void *unused)
{
	int i;

	for (i = 1; i <= 2; i++) {
		write_seqlock(&pair_lock);
		WRITE_ONCE(pair.a, i);
		WRITE_ONCE(pair.b, i);
		write_sequnlock(&pair_lock);
	}
	return 0;
}

static void pair_reader(bool retry)
{
	unsigned seq;
	int a, b;

	seqlock_init(&pair_lock);
	pair.a = pair.b = 0;
	kthread_run(pair_writer, NULL, "writer");
	do {
		seq = read_seqbegin(&pair_lock);
		a = READ_ONCE(pair.a);
		b = READ_ONCE(pair.b);
	} while (retry && read_seqretry(&pair_lock, seq));
	BUG_ON(a != b);
}

KMAPSIM_SUBJECT(seqlock_ok) { pair_reader(true); }
KMAPSIM_SUBJECT(seqlock_no_retry) { pair_reader(false); }

/* panic() prints its message and ends the run as a BUG() does */
KMAPSIM_SUBJECT(panic_called)
{
	if (kmapsim_pick(0, 1))
		panic("kmapsim: %s\n", "a reason");
}
