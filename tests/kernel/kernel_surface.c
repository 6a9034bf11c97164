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
 */
#include <kmapsim/subject.h>
#include <linux/rcupdate.h>
#include <linux/wait.h>
#include <linux/percpu-refcount.h>

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
