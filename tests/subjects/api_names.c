/*
 * Every kernel name shared/SUBJECT-API.md promises, used once with the
 * kernel's signature, so the contract is checked by the compiler in C
 * (gnu11) and in C++ (the file is also built as C++) and at run time by one
 * clean subject that calls them in a legal order.
 */
#include <kmapsim/subject.h>

static u8 b8;
static u16 b16;
static u32 b32;
static u64 b64;
static s32 bs32;
static DEFINE_SPINLOCK(names_lock);
static DEFINE_MUTEX(names_mutex);
static DEFINE_PER_CPU(int, names_pcpu);
static struct completion names_done;
static struct work_struct names_work;
static int names_worked;

static void names_work_fn(struct work_struct *work)
{
	names_worked = 1;
}

static irqreturn_t names_irq(int irq, void *dev)
{
	return IRQ_HANDLED;
}

static int names_thread(void *data)
{
	complete(&names_done);
	return 0;
}

static bool names_ready;
static int names_flag;
static int names_payload;
static atomic_t names_count = ATOMIC_INIT(0);
static atomic_long_t names_lcount = ATOMIC_LONG_INIT(0);

static int names_producer(void *data)
{
	names_payload = 7;
	smp_store_release(&names_ready, true);
	smp_wmb();
	WRITE_ONCE(names_flag, 1);
	atomic_inc(&names_count);
	complete(&names_done);
	return 0;
}

struct holder {
	int x;
	struct page *member;
};

KMAPSIM_SUBJECT(api_names)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
	struct page *high = alloc_pages(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOFAIL, 1);
	struct page *other = alloc_page(GFP_NOFS | __GFP_NOFAIL);
	struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 2);
	struct holder h = { 1, page };
	char buf[64] = { 0 };
	char __user *ubuf = kmapsim_user_buffer(PAGE_SIZE);
	struct iov_iter iter;
	struct kvec kv = { buf, sizeof(buf) };
	unsigned long flags;
	bool b = true;
	size_t n = min(sizeof(buf), (size_t)PAGE_SIZE) + max(1, 2) + min_t(size_t, 1, 2) + max_t(int, 1, 2) + clamp(5, 1, 9);
	char *p, *q;
	void *kmalloced = kmalloc(16, GFP_KERNEL);
	void *zeroed = kzalloc(16, GFP_ATOMIC);
	int *pc;

	b8 = b16 = b32 = b64 = bs32 = (int)ARRAY_SIZE(buf) + (int)n + b;
	BUG_ON(container_of(&h.member, struct holder, member) != &h);
	WARN_ON(!likely(page != NULL) || unlikely(page == NULL));
	WARN_ON_ONCE(-EFAULT == -ENOMEM || -EINVAL == 0);
	BUG_ON(memcmp(buf, buf, sizeof(buf)));
	memset(buf, 0, sizeof(buf));
	memcpy(buf, buf + 1, 1);
	kfree(kmalloced);
	kfree(zeroed);

	/* pages and folios */
	BUG_ON(page_folio(folio_page(folio, 1)) != folio);
	BUG_ON(compound_head(nth_page(&folio->page, 3)) != &folio->page);
	BUG_ON(pfn_to_page(page_to_pfn(page)) != page);
	BUG_ON(page_size(&folio->page) != 4 * PAGE_SIZE || PAGE_SIZE != 1UL << PAGE_SHIFT);
	BUG_ON(offset_in_page(PAGE_SIZE + 3) != 3 || (PAGE_MASK & 4097) != 4096);
	b = PageHighMem(high);

	/* mapping */
	p = kmap(high);
	BUG_ON(kmap_to_page(p) != high);
	BUG_ON(page_address(high) != p);
	kunmap(high);
	kmap_flush_unused();
	p = kmap_local_page(high);
	q = kmap_local_folio(folio, PAGE_SIZE + 8);
	kunmap_local(q);
	kunmap_local(p);
	p = kmap_local_pfn(page_to_pfn(other));
	kunmap_local(p);
	p = kmap_atomic(high);
	kunmap_atomic(p);
	BUG_ON(!page_address(page));

	/* helpers */
	memcpy_to_page(high, 0, buf, 8);
	memcpy_from_page(buf, high, 0, 8);
	memcpy_page(other, 0, high, 0, 8);
	memmove_page(other, 8, other, 0, 8);
	memset_page(other, 0, 1, 8);
	memzero_page(other, 0, 8);
	zero_user(high, 0, 8);
	zero_user_segments(high, 0, 8, 16, 24);
	clear_highpage(other);
	copy_highpage(other, high);
	flush_dcache_page(high);

	/* context and scheduling */
	preempt_disable();
	BUG_ON(!in_atomic());
	preempt_enable();
	migrate_disable();
	migrate_enable();
	pagefault_disable();
	pagefault_enable();
	local_irq_save(flags);
	local_irq_restore(flags);
	might_sleep();
	cond_resched();
	schedule();
	BUG_ON(smp_processor_id() < 0 || in_interrupt());

	/* locking */
	spin_lock_init(&names_lock);
	spin_lock(&names_lock);
	spin_unlock(&names_lock);
	spin_lock_irqsave(&names_lock, flags);
	spin_unlock_irqrestore(&names_lock, flags);
	mutex_init(&names_mutex);
	mutex_lock(&names_mutex);
	mutex_unlock(&names_mutex);

	/* other contexts */
	init_completion(&names_done);
	kthread_run(names_thread, NULL, "names");
	wait_for_completion(&names_done);
	INIT_WORK(&names_work, names_work_fn);
	schedule_work(&names_work);
	flush_work(&names_work);
	BUG_ON(!names_worked);
	request_irq(3, names_irq, 0, "names", NULL);
	free_irq(3, NULL);

	/* per-CPU data */
	pc = this_cpu_ptr(&names_pcpu);
	*pc = 1;
	pc = per_cpu_ptr(&names_pcpu, 0);
	pc = get_cpu_ptr(&names_pcpu);
	put_cpu_ptr(&names_pcpu);

	/* shared memory and waiting: spin-waits another task ends are clean */
	init_completion(&names_done);
	kthread_run(names_producer, NULL, "producer");
	while (!smp_load_acquire(&names_ready))
		cond_resched();
	BUG_ON(names_payload != 7);
	while (!READ_ONCE(names_flag))
		cpu_relax();
	smp_rmb();
	smp_mb();
	while (atomic_read(&names_count) != 1)
		cpu_relax();
	atomic_set(&names_count, 3);
	atomic_add(2, &names_count);
	atomic_sub(1, &names_count);
	atomic_dec(&names_count);
	BUG_ON(atomic_inc_return(&names_count) != 4);
	BUG_ON(atomic_cmpxchg(&names_count, 4, 1) != 4);
	BUG_ON(!atomic_dec_and_test(&names_count));
	atomic_long_set(&names_lcount, 1);
	atomic_long_inc(&names_lcount);
	atomic_long_add(2, &names_lcount);
	atomic_long_sub(1, &names_lcount);
	atomic_long_dec(&names_lcount);
	BUG_ON(atomic_long_read(&names_lcount) != 2);
	BUG_ON(atomic_long_inc_return(&names_lcount) != 3);
	BUG_ON(atomic_long_cmpxchg(&names_lcount, 3, 1) != 3);
	BUG_ON(!atomic_long_dec_and_test(&names_lcount));
	/* the waits that may fail: each failure is a legal outcome */
	if (wait_for_completion_interruptible(&names_done))
		wait_for_completion(&names_done);
	reinit_completion(&names_done);
	complete(&names_done);
	if (wait_for_completion_killable(&names_done) == 0)
		complete(&names_done);
	if (!wait_for_completion_timeout(&names_done, msecs_to_jiffies(10)))
		complete(&names_done);
	if (mutex_lock_interruptible(&names_mutex) == 0)
		mutex_unlock(&names_mutex);
	p = kmap_local_page_try_from_panic(page);
	BUG_ON(!p);
	/* no kunmap: the panic path maps only lowmem, through the direct map */

	/* user memory: a copy may come back short (a bad user address) */
	if (copy_to_user(ubuf, buf, 8))
		memset(buf, 0, 8);
	if (copy_from_user(buf, ubuf, 8))
		memset(buf, 0, 8);
	if (fault_in_readable(ubuf, 8))
		memset(buf, 0, 8);
	iov_iter_ubuf(&iter, ITER_DEST, ubuf, 64);
	copy_page_to_iter(high, 0, 64, &iter);
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, sizeof(buf));
	copy_folio_to_iter(folio, PAGE_SIZE - 8, 16, &iter);
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, sizeof(buf));
	copy_page_from_iter(high, 0, 16, &iter);

	/* a page shared with user space */
	kmapsim_user_map(other);
	memcpy_to_page(other, 0, "abc", 3);
	kmapsim_user_read(other, 0, buf, 3);

	__free_page(page);
	__free_pages(high, 1);
	__free_page(other);
	folio_put(folio);
}
