/*
 * Per-CPU variables in imported code, written as the kernel writes them:
 * `static DEFINE_PER_CPU_ALIGNED(T, v) = { ... };` with an initializer, a
 * member's address (`this_cpu_ptr(&v.buf)`, `local_lock(&v.lock)`, the
 * tree's local_lock.h) and per_cpu_ptr() of every CPU. Each CPU's instance
 * starts every run as a copy of the initialized template.
 *   initialized     every CPU's instance holds the initializer's values at
 *                   the start of the run; a run then changes its own
 *                   CPU's, which the next run must not see; the
 *                   this_cpu operations change one instance
 *   scratch_local   a record staged in this CPU's scratch buffer inside a
 *                   kmap_local_page() section (was kmap_atomic()): another
 *                   task on the CPU uses the same buffer meanwhile:
 *                   lost-atomicity, naming the variable
 *   scratch_locked  the same under local_lock(&v.lock): clean
 * (lib/crypto/utils.c's __crypto_xor() compares the staged record with the
 * page, so the unit is an import from a tree.)
 */
#include <kmapsim/subject.h>
#include <linux/local_lock.h>
#include <linux/cpumask.h>

KMAPSIM_IMPORT("lib/crypto/utils.c", __crypto_xor);

#define SCRATCH_LEN 64
#define SCRATCH_MAGIC 0x5a

struct scratch {
	local_lock_t lock;
	int magic;
	u8 buf[SCRATCH_LEN];
};

static DEFINE_PER_CPU_ALIGNED(struct scratch, pcpu_scratch) = {
	.lock = INIT_LOCAL_LOCK(lock),
	.magic = SCRATCH_MAGIC,
};

static DEFINE_PER_CPU(long, pcpu_count) = 3;

KMAPSIM_SUBJECT(initialized)
{
	long sum = 0;
	int cpu;

	for (cpu = 0; cpu < num_possible_cpus(); cpu++) {
		BUG_ON(per_cpu_ptr(&pcpu_scratch, cpu)->magic != SCRATCH_MAGIC);
		BUG_ON(memchr_inv(per_cpu_ptr(&pcpu_scratch, cpu)->buf, 0, SCRATCH_LEN));
	}
	/* the this_cpu operations, on one CPU's instance each */
	preempt_disable();
	this_cpu_inc(pcpu_count);
	this_cpu_add(pcpu_count, 2);
	BUG_ON(this_cpu_read(pcpu_count) != 6 || this_cpu_dec_return(pcpu_count) != 5);
	preempt_enable();
	for_each_possible_cpu(cpu)
		sum += per_cpu(pcpu_count, cpu);
	BUG_ON(sum != 3 * num_possible_cpus() + 2);
	/* this run's changes, gone when the next run starts */
	this_cpu_ptr(&pcpu_scratch)->magic = kmapsim_pick(0, 1);
	memset(this_cpu_ptr(&pcpu_scratch)->buf, 0xff, SCRATCH_LEN);
	/* a member's address is the same member of the same CPU's instance
	 * (on one CPU: each this_cpu_ptr() is a point where the task may move)
	 */
	preempt_disable();
	BUG_ON(this_cpu_ptr(&pcpu_scratch.buf[0]) != this_cpu_ptr(&pcpu_scratch)->buf);
	preempt_enable();
}

static bool locked;

/* Reverse a record through this CPU's scratch buffer. */
static void reverse_record(void)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOFAIL);
	size_t len = kmapsim_pick(1, SCRATCH_LEN);
	u8 *kaddr, *buf, diff[SCRATCH_LEN];
	size_t i;

	kaddr = kmap_local_page(page);
	memset(kaddr, 0x0f, len);
	if (locked)
		local_lock(&pcpu_scratch.lock);
	buf = this_cpu_ptr(&pcpu_scratch.buf[0]);
	memcpy(buf, kaddr, len);
	__crypto_xor(diff, this_cpu_ptr(&pcpu_scratch)->buf, kaddr, len);
	for (i = 0; i < len; i++)
		kaddr[i] = buf[len - 1 - i];
	if (locked)
		local_unlock(&pcpu_scratch.lock);
	BUG_ON(memchr_inv(diff, 0, len));
	kunmap_local(kaddr);
	__free_page(page);
}

static int reverse_thread(void *data)
{
	reverse_record();
	complete(data);
	return 0;
}

static void two_reversers(bool lock)
{
	struct completion done;

	locked = lock;
	init_completion(&done);
	kthread_run(reverse_thread, &done, "reverse");
	reverse_record();
	wait_for_completion(&done);
}

KMAPSIM_SUBJECT(scratch_local)
{
	two_reversers(false);
}

KMAPSIM_SUBJECT(scratch_locked)
{
	two_reversers(true);
}
