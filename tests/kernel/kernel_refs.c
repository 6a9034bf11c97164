// SPDX-License-Identifier: MIT
/*
 * Object lifetimes in the kernel surface imported code uses, modelled rather
 * than trapping: RCU grace periods and callbacks, references taken under
 * RCU, percpu_ref, SRCU (sleeping readers, per-domain grace periods,
 * call_srcu(), polled grace periods). Each *_ok subject is legal kernel
 * code and must be clean; each other subject breaks one rule and must be
 * reported:
 *   rcu_free_no_grace   kfree() of what a reader may still use (no grace
 *                       period): memory-error when the reader reads it
 *   ref_lookup_resurrect a lookup under RCU that takes its reference with
 *                       atomic_inc() even after the owner's last put: the
 *                       object is freed after the grace period and the
 *                       lookup reads it (memory-error); ref_lookup_ok
 *                       uses atomic_inc_not_zero()
 *   percpu_ref_leak     one get too many: release() never runs, and the
 *                       waiter for it sleeps forever
 *   srcu_free_no_grace  kfree() of what an SRCU reader asleep in its
 *                       section still uses (memory-error); so is a wait for
 *                       another domain's grace period (srcu_other_domain)
 *                       or for RCU's (srcu_synchronize_rcu): neither waits
 *                       for this domain's readers
 *   srcu_sync_in_reader synchronize_srcu() inside the domain's own
 *                       read-side section waits for itself (every task is
 *                       blocked)
 *   srcu_callback_sleeps a call_srcu() callback that sleeps: callbacks run
 *                       with bottom halves disabled (sleep-in-atomic)
 * The rest of the surface is in kernel_surface.c, kernel_waits.c and
 * kernel_locks.c.
 */
#include <kmapsim/subject.h>
#include <linux/rcupdate.h>
#include <linux/percpu-refcount.h>
#include <linux/srcu.h>

struct obj {
	int val;
	struct rcu_head rcu;
};


static struct obj __rcu *gp;
static struct percpu_ref ref;
static struct completion released;

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

/*
 * ---- references under RCU: a lookup takes one only while the object is
 * live (atomic_inc_not_zero()), racing the owner's last put, which frees
 * the object after a grace period
 */
struct refobj {
	atomic_t refs;
	int val;
	struct rcu_head rcu;
};
static struct refobj __rcu *refobj_ptr;
static struct completion refobj_owner_done;

static void refobj_put(struct refobj *o)
{
	if (atomic_dec_and_test(&o->refs))
		kfree_rcu(o, rcu);
}

static int refobj_owner(void *unused)
{
	struct refobj *o = rcu_dereference_protected(refobj_ptr, 1);

	rcu_assign_pointer(refobj_ptr, NULL);
	refobj_put(o);
	complete(&refobj_owner_done);
	return 0;
}

static void ref_lookup(bool unless_zero)
{
	struct refobj *o = kzalloc(sizeof(*o), GFP_KERNEL | __GFP_NOFAIL);
	struct refobj *got;

	atomic_set(&o->refs, 1);
	o->val = 5;
	init_completion(&refobj_owner_done);
	rcu_assign_pointer(refobj_ptr, o);
	kthread_run(refobj_owner, NULL, "owner");
	rcu_read_lock();
	got = rcu_dereference(refobj_ptr);
	if (got && unless_zero && !atomic_inc_not_zero(&got->refs))
		got = NULL;	/* dying: its last put came first */
	else if (got && !unless_zero)
		atomic_inc(&got->refs);	/* takes a reference on a dying object too */
	rcu_read_unlock();
	if (got) {
		BUG_ON(got->val != 5);
		refobj_put(got);
	}
	wait_for_completion(&refobj_owner_done);
	rcu_barrier();
}

KMAPSIM_SUBJECT(ref_lookup_ok) { ref_lookup(true); }
KMAPSIM_SUBJECT(ref_lookup_resurrect) { ref_lookup(false); }

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

/*
 * ---- SRCU: a reader that sleeps inside its section, an updater replacing
 * the object and freeing the old one after the domain's grace period
 * (synchronize_srcu(), or call_srcu() and srcu_barrier())
 */
DEFINE_STATIC_SRCU(objs_srcu);
static struct obj __rcu *sgp;
static struct completion reader_in;

static int srcu_reader(void *unused)
{
	struct obj *p;
	int idx, v = 0;

	idx = srcu_read_lock(&objs_srcu);
	p = srcu_dereference(sgp, &objs_srcu);
	complete(&reader_in);
	msleep(1);	/* an SRCU reader may sleep */
	if (p)
		v = READ_ONCE(p->val);
	srcu_read_unlock(&objs_srcu, idx);
	return v;
}

static void obj_free_srcu(struct rcu_head *head)
{
	kfree(container_of(head, struct obj, rcu));
}

enum srcu_wait { SRCU_SYNC, SRCU_CALL, SRCU_NONE, SRCU_OTHER_DOMAIN, SRCU_PLAIN_RCU };

static void srcu_replace(enum srcu_wait how)
{
	static struct srcu_struct other;
	struct obj *old = kzalloc(sizeof(*old), GFP_KERNEL | __GFP_NOFAIL);
	struct obj *new = kzalloc(sizeof(*new), GFP_KERNEL | __GFP_NOFAIL);

	init_completion(&reader_in);
	BUG_ON(init_srcu_struct(&other));
	old->val = 1;
	rcu_assign_pointer(sgp, old);
	kthread_run(srcu_reader, NULL, "reader");
	wait_for_completion(&reader_in);	/* the reader is inside and holds old */
	new->val = 2;
	rcu_assign_pointer(sgp, new);
	switch (how) {
	case SRCU_SYNC:
		synchronize_srcu(&objs_srcu);
		kfree(old);
		break;
	case SRCU_CALL:
		call_srcu(&objs_srcu, &old->rcu, obj_free_srcu);
		srcu_barrier(&objs_srcu);
		break;
	case SRCU_NONE:
		kfree(old);
		break;
	case SRCU_OTHER_DOMAIN:	/* waits for other's readers only */
		synchronize_srcu(&other);
		kfree(old);
		break;
	case SRCU_PLAIN_RCU:	/* RCU's grace period does not wait for SRCU readers */
		synchronize_rcu();
		kfree(old);
		break;
	}
	cleanup_srcu_struct(&other);
}

KMAPSIM_SUBJECT(srcu_synchronize_ok) { srcu_replace(SRCU_SYNC); }
KMAPSIM_SUBJECT(srcu_call_srcu_ok) { srcu_replace(SRCU_CALL); }
KMAPSIM_SUBJECT(srcu_free_no_grace) { srcu_replace(SRCU_NONE); }
KMAPSIM_SUBJECT(srcu_other_domain) { srcu_replace(SRCU_OTHER_DOMAIN); }
KMAPSIM_SUBJECT(srcu_synchronize_rcu) { srcu_replace(SRCU_PLAIN_RCU); }

/* an SRCU callback runs with bottom halves disabled: it may not sleep */
static void obj_free_sleeping(struct rcu_head *head)
{
	msleep(1);
	kfree(container_of(head, struct obj, rcu));
}

KMAPSIM_SUBJECT(srcu_callback_sleeps)
{
	struct obj *o = kzalloc(sizeof(*o), GFP_KERNEL | __GFP_NOFAIL);

	call_srcu(&objs_srcu, &o->rcu, obj_free_sleeping);
	srcu_barrier(&objs_srcu);
}

/* synchronize_srcu() inside the domain's own read-side section waits for itself */
KMAPSIM_SUBJECT(srcu_sync_in_reader)
{
	int idx = srcu_read_lock(&objs_srcu);

	synchronize_srcu(&objs_srcu);
	srcu_read_unlock(&objs_srcu, idx);
}

/* polled grace periods: a cookie taken now is done once a later one completed */
KMAPSIM_SUBJECT(srcu_poll_ok)
{
	unsigned long cookie;
	int idx;

	idx = srcu_read_lock(&objs_srcu);
	cookie = start_poll_synchronize_srcu(&objs_srcu);
	BUG_ON(poll_state_synchronize_srcu(&objs_srcu, cookie));	/* this reader holds it up */
	srcu_read_unlock(&objs_srcu, idx);
	while (!poll_state_synchronize_srcu(&objs_srcu, cookie))
		msleep(1);
	cookie = get_state_synchronize_srcu(&objs_srcu);
	synchronize_srcu(&objs_srcu);
	BUG_ON(!poll_state_synchronize_srcu(&objs_srcu, cookie));
}
