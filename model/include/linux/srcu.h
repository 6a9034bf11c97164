/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: sleepable RCU (model/src/kernel/srcu.cc). Each srcu_struct is a
 * domain of its own: its readers may sleep, and only its own grace periods
 * wait for them (synchronize_rcu() does not, nor another domain's
 * synchronize_srcu()). A reader counts on the domain's current index, which
 * srcu_read_lock() returns and srcu_read_unlock() takes back; a grace
 * period flips the index and sleeps until the readers on the old one have
 * left, so readers that come later do not hold it up. Grace periods of one
 * domain follow each other, as the kernel's srcu_gp_mutex makes them.
 * call_srcu() callbacks run after a grace period of their domain on an
 * "srcu_gp" kernel thread with bottom halves disabled, in the order they
 * were queued; srcu_barrier() waits for the domain's callbacks.
 */
#ifndef _LINUX_SRCU_H
#define _LINUX_SRCU_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/rcupdate.h>

struct srcu_struct {
	int srcu_idx;			/* the index new readers count on */
	long srcu_readers[2];		/* readers inside, per index */
	int srcu_gp_busy;		/* a grace period waits for its readers */
	unsigned long srcu_gp_done;	/* grace periods completed */
	unsigned long srcu_cbs;		/* call_srcu() callbacks not yet run */
	const char *name;
};

#define __SRCU_STRUCT_INIT(_ssp, ...) { .name = #_ssp }
#define DEFINE_SRCU(_ssp) struct srcu_struct _ssp = __SRCU_STRUCT_INIT(_ssp)
#define DEFINE_STATIC_SRCU(_ssp) static struct srcu_struct _ssp = __SRCU_STRUCT_INIT(_ssp)
/* init_srcu_struct() keeps the expression it was given as the domain's name. */
#define init_srcu_struct(ssp) __kmapsim_init_srcu_struct(ssp, #ssp)

KMAPSIM_EXTERN_C_BEGIN
int __kmapsim_init_srcu_struct(struct srcu_struct *ssp, const char *name);
/* Reported (subject-bug) when readers are inside or callbacks are queued. */
void cleanup_srcu_struct(struct srcu_struct *ssp);
int srcu_read_lock(struct srcu_struct *ssp);
void srcu_read_unlock(struct srcu_struct *ssp, int idx);
void synchronize_srcu(struct srcu_struct *ssp);
void call_srcu(struct srcu_struct *ssp, struct rcu_head *head, rcu_callback_t func);
void srcu_barrier(struct srcu_struct *ssp);
unsigned long get_state_synchronize_srcu(struct srcu_struct *ssp);
unsigned long start_poll_synchronize_srcu(struct srcu_struct *ssp);
bool poll_state_synchronize_srcu(struct srcu_struct *ssp, unsigned long cookie);
KMAPSIM_EXTERN_C_END

#define synchronize_srcu_expedited(ssp) synchronize_srcu(ssp)
#define srcu_batches_completed(ssp) ((ssp)->srcu_gp_done)
/* the same readers for kmapsim: interrupts and NMIs are not told apart */
#define srcu_read_lock_nmisafe(ssp) srcu_read_lock(ssp)
#define srcu_read_unlock_nmisafe(ssp, idx) srcu_read_unlock(ssp, idx)
#define srcu_read_lock_notrace(ssp) srcu_read_lock(ssp)
#define srcu_read_unlock_notrace(ssp, idx) srcu_read_unlock(ssp, idx)
/* a reader another task may end: SRCU's readers are not tied to a task */
#define srcu_down_read(ssp) srcu_read_lock(ssp)
#define srcu_up_read(ssp, idx) srcu_read_unlock(ssp, idx)
/* As a kernel without lockdep: srcu_read_lock_held() is always true. */
#define srcu_read_lock_held(ssp) 1
#define srcu_dereference_check(p, ssp, c) READ_ONCE(p)
#define srcu_dereference(p, ssp) READ_ONCE(p)
#define srcu_dereference_notrace(p, ssp) READ_ONCE(p)
#define smp_mb__after_srcu_read_unlock() do { } while (0)
#define smp_mb__after_srcu_read_lock() do { } while (0)

#endif /* _LINUX_SRCU_H */
