/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: RCU (model/src/kernel/rcu.cc). A read-side critical section may not
 * sleep; the model runs it with preemption disabled (as a kernel without
 * PREEMPT_RCU does), so a sleep inside one is reported as sleep-in-atomic.
 * A grace period ends once every task that was inside a read-side section
 * when it began has left it: synchronize_rcu() waits for that, call_rcu()
 * and kfree_rcu() callbacks run after it on an "rcu_gp" kernel thread with
 * preemption disabled (softirq-like), in the order they were queued;
 * rcu_barrier() waits for every queued callback.
 */
#ifndef _LINUX_RCUPDATE_H
#define _LINUX_RCUPDATE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/preempt.h>
#include <linux/bottom_half.h>

#define __rcu

struct callback_head {
	struct callback_head *next;
	void (*func)(struct callback_head *head);
};
#define rcu_head callback_head
typedef void (*rcu_callback_t)(struct rcu_head *head);

KMAPSIM_EXTERN_C_BEGIN
void rcu_read_lock(void);
void rcu_read_unlock(void);
int kmapsim_rcu_read_lock_held(void);
void synchronize_rcu(void);
void rcu_barrier(void);
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void kmapsim_kvfree_rcu(const void *ptr);
KMAPSIM_EXTERN_C_END

#define rcu_dereference(p) READ_ONCE(p)
#define rcu_dereference_raw(p) READ_ONCE(p)
#define rcu_dereference_check(p, c) READ_ONCE(p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_access_pointer(p) READ_ONCE(p)
/* A release store, as the kernel's: the object's initialisation is seen by
 * whoever finds it through rcu_dereference(). */
#define rcu_assign_pointer(p, v) smp_store_release(&(p), (__typeof__(p))(v))
#define RCU_INIT_POINTER(p, v) WRITE_ONCE((p), (v))
#define RCU_POINTER_INITIALIZER(p, v) .p = (v)
#define rcu_read_lock_held() kmapsim_rcu_read_lock_held()
/*
 * lockdep's "suspicious RCU usage" check (CONFIG_PROVE_RCU) is not the
 * model's: it checks RCU use itself (a read outside its section, a free
 * before the grace period). The condition is compiled, not evaluated.
 */
#define RCU_LOCKDEP_WARN(c, s) do { if (0 && (c)) (void)(s); } while (0)
/* RCU-bh: a read-side section with bottom halves disabled */
#define rcu_read_lock_bh() do { local_bh_disable(); rcu_read_lock(); } while (0)
#define rcu_read_unlock_bh() do { rcu_read_unlock(); local_bh_enable(); } while (0)

#define synchronize_rcu_expedited() synchronize_rcu()
#define call_rcu_hurry(head, func) call_rcu(head, func)
/* kfree_rcu(ptr, field) and the one-argument kfree_rcu(ptr) of newer kernels */
#define kfree_rcu(ptr, ...) kmapsim_kvfree_rcu(ptr)
#define kvfree_rcu(ptr, ...) kmapsim_kvfree_rcu(ptr)
#define kfree_rcu_mightsleep(ptr) kmapsim_kvfree_rcu(ptr)
#define kvfree_rcu_mightsleep(ptr) kmapsim_kvfree_rcu(ptr)

#endif /* _LINUX_RCUPDATE_H */
