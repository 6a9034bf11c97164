/*
 * Legal use of the sleeping locks and SRCU between kthreads around kmap
 * calls, which must stay clean under every exploration and under torture:
 * a semaphore of two units that three tasks share, each mapping a page
 * while it holds one, with the last unit handed to a sleeper by up(); and
 * an SRCU reader that sleeps inside its section while the updater replaces
 * what it reads, frees the old copy after synchronize_srcu() and the next
 * one with call_srcu().
 */
#include <kmapsim/subject.h>
#include <linux/semaphore.h>
#include <linux/srcu.h>

static DEFINE_SEMAPHORE(sem_units, 2);
static atomic_t sem_holders;

static void sem_use(struct page *page)
{
	char *kaddr;

	down(&sem_units);
	BUG_ON(atomic_inc_return(&sem_holders) > 2);
	kaddr = kmap_local_page(page);
	kaddr[0]++;
	kunmap_local(kaddr);
	cond_resched();
	atomic_dec(&sem_holders);
	up(&sem_units);
}

static int sem_user(void *data)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_HIGHMEM);

	if (page) {
		sem_use(page);
		__free_page(page);
	}
	complete(data);
	return 0;
}

KMAPSIM_SUBJECT(semaphore_units)
{
	struct completion done[2];
	struct page *page = alloc_page(GFP_KERNEL | __GFP_HIGHMEM);
	int i;

	sema_init(&sem_units, 2);
	atomic_set(&sem_holders, 0);
	for (i = 0; i < 2; i++) {
		init_completion(&done[i]);
		kthread_run(sem_user, &done[i], "sem_user");
	}
	if (page) {
		sem_use(page);
		__free_page(page);
	}
	for (i = 0; i < 2; i++)
		wait_for_completion(&done[i]);
	BUG_ON(down_trylock(&sem_units) || down_trylock(&sem_units) || !down_trylock(&sem_units));
}

struct srcu_obj {
	int val;
	struct rcu_head rcu;
};
DEFINE_STATIC_SRCU(legal_srcu);
static struct srcu_obj __rcu *srcu_cur;
static DECLARE_COMPLETION(srcu_reader_done);

static int srcu_sleeper(void *unused)
{
	int i;

	for (i = 0; i < 2; i++) {
		int idx = srcu_read_lock(&legal_srcu);
		struct srcu_obj *o = srcu_dereference(srcu_cur, &legal_srcu);

		msleep(1);
		BUG_ON(o && READ_ONCE(o->val) <= 0);
		srcu_read_unlock(&legal_srcu, idx);
	}
	complete(&srcu_reader_done);
	return 0;
}

static void srcu_obj_free(struct rcu_head *head)
{
	kfree(container_of(head, struct srcu_obj, rcu));
}

static struct srcu_obj *srcu_new(int val)
{
	struct srcu_obj *o = kzalloc(sizeof(*o), GFP_KERNEL | __GFP_NOFAIL);

	o->val = val;
	return o;
}

KMAPSIM_SUBJECT(srcu_sleeping_reader)
{
	struct srcu_obj *old;

	reinit_completion(&srcu_reader_done);
	rcu_assign_pointer(srcu_cur, srcu_new(1));
	kthread_run(srcu_sleeper, NULL, "srcu_reader");
	old = rcu_dereference_protected(srcu_cur, 1);
	rcu_assign_pointer(srcu_cur, srcu_new(2));
	synchronize_srcu(&legal_srcu);
	kfree(old);
	old = rcu_dereference_protected(srcu_cur, 1);
	rcu_assign_pointer(srcu_cur, NULL);
	call_srcu(&legal_srcu, &old->rcu, srcu_obj_free);
	wait_for_completion(&srcu_reader_done);
	srcu_barrier(&legal_srcu);
}
