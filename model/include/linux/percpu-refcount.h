/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: percpu_ref with the kernel's names, flags and semantics. Per-CPU
 * mode keeps one sum for all CPUs (only the total is ever read, at the
 * switch) on top of a biased atomic count, as the kernel does; the switch
 * to atomic mode (percpu_ref_kill(), percpu_ref_switch_to_atomic()) folds
 * the sum into the count after an RCU grace period (call_rcu, rcu.cc), then
 * calls the confirmation and drops the switch's own reference, so release()
 * runs no earlier than the kernel's would. A ref initialised atomic or dead
 * is atomic from the start and kill releases at once when it held the last
 * reference.
 */
#ifndef _LINUX_PERCPU_REFCOUNT_H
#define _LINUX_PERCPU_REFCOUNT_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/rcupdate.h>

struct percpu_ref;
typedef void (percpu_ref_func_t)(struct percpu_ref *);

enum {
	__PERCPU_REF_ATOMIC	= 1LU << 0,
	__PERCPU_REF_DEAD	= 1LU << 1,
	__PERCPU_REF_ATOMIC_DEAD = __PERCPU_REF_ATOMIC | __PERCPU_REF_DEAD,
	__PERCPU_REF_FLAG_BITS	= 2,
};

enum {
	PERCPU_REF_INIT_ATOMIC	= 1 << 0,
	PERCPU_REF_INIT_DEAD	= 1 << 1,
	PERCPU_REF_ALLOW_REINIT	= 1 << 2,
};

#define PERCPU_COUNT_BIAS (1LU << (sizeof(long) * 8 - 2))

struct percpu_ref_data {
	atomic_long_t		count;
	percpu_ref_func_t	*release;
	percpu_ref_func_t	*confirm_switch;
	bool			force_atomic:1;
	bool			allow_reinit:1;
	struct rcu_head		rcu;
	struct percpu_ref	*ref;
	atomic_long_t		kmapsim_percpu_sum;	/* the per-CPU counters' total */
};

struct percpu_ref {
	unsigned long		percpu_count_ptr;	/* kmapsim: only the mode bits */
	struct percpu_ref_data	*data;
};

static inline int percpu_ref_init(struct percpu_ref *ref, percpu_ref_func_t *release,
				  unsigned int flags, gfp_t gfp)
{
	struct percpu_ref_data *data = kzalloc(sizeof(*data), gfp);
	long start = 1;

	if (!data)
		return -ENOMEM;
	data->force_atomic = flags & PERCPU_REF_INIT_ATOMIC;
	data->allow_reinit = flags & PERCPU_REF_ALLOW_REINIT;
	ref->percpu_count_ptr = 0;
	if (flags & (PERCPU_REF_INIT_ATOMIC | PERCPU_REF_INIT_DEAD))
		ref->percpu_count_ptr |= __PERCPU_REF_ATOMIC;
	else
		start += PERCPU_COUNT_BIAS;
	if (flags & PERCPU_REF_INIT_DEAD)
		ref->percpu_count_ptr |= __PERCPU_REF_DEAD;
	atomic_long_set(&data->count, start);
	data->release = release;
	data->ref = ref;
	ref->data = data;
	return 0;
}

static inline void percpu_ref_exit(struct percpu_ref *ref)
{
	struct percpu_ref_data *data = ref->data;

	if (!data)
		return;
	ref->data = NULL;
	kfree(data);
}

static inline bool __ref_is_percpu(struct percpu_ref *ref)
{
	return !(READ_ONCE(ref->percpu_count_ptr) & __PERCPU_REF_ATOMIC_DEAD);
}

static inline void percpu_ref_get_many(struct percpu_ref *ref, unsigned long nr)
{
	rcu_read_lock();
	if (__ref_is_percpu(ref))
		atomic_long_add(nr, &ref->data->kmapsim_percpu_sum);
	else
		atomic_long_add(nr, &ref->data->count);
	rcu_read_unlock();
}

static inline void percpu_ref_get(struct percpu_ref *ref)
{
	percpu_ref_get_many(ref, 1);
}


static inline bool percpu_ref_tryget_many(struct percpu_ref *ref, unsigned long nr)
{
	bool ret;

	rcu_read_lock();
	if (__ref_is_percpu(ref)) {
		atomic_long_add(nr, &ref->data->kmapsim_percpu_sum);
		ret = true;
	} else {
		ret = atomic_long_add_unless(&ref->data->count, nr, 0);
	}
	rcu_read_unlock();
	return ret;
}

static inline bool percpu_ref_tryget(struct percpu_ref *ref)
{
	return percpu_ref_tryget_many(ref, 1);
}

static inline bool percpu_ref_tryget_live(struct percpu_ref *ref)
{
	bool ret = false;

	rcu_read_lock();
	if (__ref_is_percpu(ref)) {
		atomic_long_add(1, &ref->data->kmapsim_percpu_sum);
		ret = true;
	} else if (!(READ_ONCE(ref->percpu_count_ptr) & __PERCPU_REF_DEAD)) {
		ret = atomic_long_inc_not_zero(&ref->data->count);
	}
	rcu_read_unlock();
	return ret;
}

static inline void percpu_ref_put_many(struct percpu_ref *ref, unsigned long nr)
{
	rcu_read_lock();
	if (__ref_is_percpu(ref))
		atomic_long_sub(nr, &ref->data->kmapsim_percpu_sum);
	else if (atomic_long_sub_and_test(nr, &ref->data->count))
		ref->data->release(ref);
	rcu_read_unlock();
}

static inline void percpu_ref_put(struct percpu_ref *ref)
{
	percpu_ref_put_many(ref, 1);
}

static inline bool percpu_ref_is_dying(struct percpu_ref *ref)
{
	return ref->percpu_count_ptr & __PERCPU_REF_DEAD;
}

static inline bool percpu_ref_is_zero(struct percpu_ref *ref)
{
	if (__ref_is_percpu(ref))
		return false;
	return ref->data ? !atomic_long_read(&ref->data->count) : true;
}

/* After the grace period: every CPU sees atomic mode; fold the sum in. */
static inline void __kmapsim_percpu_ref_switched(struct rcu_head *rcu)
{
	struct percpu_ref_data *data = (struct percpu_ref_data *)
		((char *)rcu - offsetof(struct percpu_ref_data, rcu));
	struct percpu_ref *ref = data->ref;
	percpu_ref_func_t *confirm = data->confirm_switch;

	atomic_long_add(atomic_long_xchg(&data->kmapsim_percpu_sum, 0) - (long)PERCPU_COUNT_BIAS, &data->count);
	WARN_ONCE(atomic_long_read(&data->count) <= 0, "percpu ref <= 0 after switching to atomic");
	data->confirm_switch = NULL;
	if (confirm)
		confirm(ref);
	percpu_ref_put(ref);	/* the switch's own reference */
}

static inline void __kmapsim_percpu_ref_to_atomic(struct percpu_ref *ref, percpu_ref_func_t *confirm)
{
	if (ref->percpu_count_ptr & __PERCPU_REF_ATOMIC) {
		if (confirm)
			confirm(ref);
		return;
	}
	ref->percpu_count_ptr |= __PERCPU_REF_ATOMIC;
	ref->data->confirm_switch = confirm;
	percpu_ref_get(ref);	/* put after the confirmation */
	call_rcu(&ref->data->rcu, __kmapsim_percpu_ref_switched);
}

static inline void percpu_ref_kill_and_confirm(struct percpu_ref *ref, percpu_ref_func_t *confirm_kill)
{
	WARN_ONCE(percpu_ref_is_dying(ref), "percpu_ref_kill() called more than once");
	ref->percpu_count_ptr |= __PERCPU_REF_DEAD;
	__kmapsim_percpu_ref_to_atomic(ref, confirm_kill);
	percpu_ref_put(ref);
}

static inline void percpu_ref_kill(struct percpu_ref *ref)
{
	percpu_ref_kill_and_confirm(ref, NULL);
}

static inline void percpu_ref_switch_to_atomic(struct percpu_ref *ref, percpu_ref_func_t *confirm_switch)
{
	ref->data->force_atomic = true;
	__kmapsim_percpu_ref_to_atomic(ref, confirm_switch);
}

#endif /* _LINUX_PERCPU_REFCOUNT_H */
