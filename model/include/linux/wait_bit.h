/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: waiting for a bit or a variable (the kernel's linux/wait_bit.h).
 * The kernel hashes a word and bit, or a variable's address, into a table
 * of wait queues and wakes the entries whose key matches; kmapsim has one
 * queue for all of them, and its entries match keys the same way, so a
 * wake-up for another bit or variable wakes nobody. The waits are
 * wait_event()'s (linux/wait.h): a signal may end an interruptible or
 * killable one (-EINTR, as the kernel's bit_wait() gives) and a timed one
 * may time out (-EAGAIN). The waker's barrier (clear_bit_unlock(),
 * smp_mb__after_atomic()) is the caller's, as in the kernel; a clear with
 * no wake-up leaves the waiter asleep, reported when every task waits.
 * wait_on_bit_action() ignores its action: the wait is the plain one.
 */
#ifndef _LINUX_WAIT_BIT_H
#define _LINUX_WAIT_BIT_H

#include <linux/wait.h>
#include <linux/bitops.h>
#include <linux/atomic.h>
#include <linux/sched.h>

/* The one queue: weak, so every unit of a program shares it. */
__attribute__((weak)) struct wait_queue_head kmapsim_var_waitq = __WAIT_QUEUE_HEAD_INITIALIZER(kmapsim_var_waitq);

/* The keys: a variable's address, or its word and bit number (tagged in
 * the top bit, never a user-space address). */
#define __kmapsim_bit_key(word, bit) \
	((const void *)((((uintptr_t)(word)) << 6 | (uintptr_t)(bit)) | (1ULL << 63)))
#define __kmapsim_var_key(var) ((const void *)(var))

#define __kmapsim_bit_wait(word, bit, cond, mode, timed, api) ({	\
	long __bw = __kmapsim_wait_event_key(kmapsim_var_waitq, cond, mode, timed, api, \
					     __kmapsim_bit_key(word, bit)); \
	__bw == 1 && (timed) ? -EAGAIN : __bw < 0 ? -EINTR : 0;	\
})

/* 0 once the bit is clear; -EINTR on a signal the mode lets in */
#define wait_on_bit(word, bit, mode) ({					\
	int __wb = 0;							\
	might_sleep();							\
	if (test_bit_acquire(bit, word))				\
		__wb = __kmapsim_bit_wait(word, bit, !test_bit_acquire(bit, word), mode, 0, "wait_on_bit"); \
	__wb;								\
})
#define wait_on_bit_io(word, bit, mode) wait_on_bit(word, bit, mode)
#define wait_on_bit_action(word, bit, action, mode) wait_on_bit(word, bit, mode)
/* -EAGAIN when the time ran out first */
#define wait_on_bit_timeout(word, bit, mode, timeout) ({		\
	int __wb = 0;							\
	might_sleep();							\
	(void)(timeout);						\
	if (test_bit_acquire(bit, word))				\
		__wb = __kmapsim_bit_wait(word, bit, !test_bit_acquire(bit, word), mode, 1, "wait_on_bit_timeout"); \
	__wb;								\
})
/* 0 with the bit set by this caller (a bit lock) */
#define wait_on_bit_lock(word, bit, mode) ({				\
	int __wb = 0;							\
	might_sleep();							\
	if (test_and_set_bit_lock(bit, word))				\
		__wb = __kmapsim_bit_wait(word, bit, !test_and_set_bit_lock(bit, word), mode, 0, "wait_on_bit_lock"); \
	__wb;								\
})
#define wait_on_bit_lock_io(word, bit, mode) wait_on_bit_lock(word, bit, mode)
#define wait_on_bit_lock_action(word, bit, action, mode) wait_on_bit_lock(word, bit, mode)

static inline void wake_up_bit(void *word, int bit)
{
	__wake_up(&kmapsim_var_waitq, TASK_NORMAL, 0, (void *)__kmapsim_bit_key(word, bit));
}

static inline void wake_up_var(void *var)
{
	__wake_up(&kmapsim_var_waitq, TASK_NORMAL, 0, (void *)__kmapsim_var_key(var));
}

static inline void clear_and_wake_up_bit(int bit, void *word)
{
	clear_bit_unlock(bit, (unsigned long *)word);
	smp_mb__after_atomic();
	wake_up_bit(word, bit);
}

static inline bool test_and_clear_wake_up_bit(int bit, unsigned long *word)
{
	if (!test_and_clear_bit(bit, word))
		return false;
	wake_up_bit(word, bit);
	return true;
}

static inline bool atomic_dec_and_wake_up(atomic_t *var)
{
	if (!atomic_dec_and_test(var))
		return false;
	wake_up_var(var);
	return true;
}

#define store_release_wake_up(var, val) do {				\
	smp_store_release(var, val);					\
	smp_mb();							\
	wake_up_var((void *)(var));					\
} while (0)

#define wait_var_event(var, condition) do {				\
	might_sleep();							\
	if (!(condition))						\
		(void)__kmapsim_wait_event_key(kmapsim_var_waitq, condition, TASK_UNINTERRUPTIBLE, 0, "wait_var_event", \
					       __kmapsim_var_key(var)); \
} while (0)
#define wait_var_event_killable(var, condition) ({			\
	int __wv = 0;							\
	might_sleep();							\
	if (!(condition))						\
		__wv = __kmapsim_wait_event_key(kmapsim_var_waitq, condition, TASK_KILLABLE, 0, "wait_var_event_killable", \
						__kmapsim_var_key(var)); \
	__wv;								\
})
#define wait_var_event_interruptible(var, condition) ({		\
	int __wv = 0;							\
	might_sleep();							\
	if (!(condition))						\
		__wv = __kmapsim_wait_event_key(kmapsim_var_waitq, condition, TASK_INTERRUPTIBLE, 0, \
						"wait_var_event_interruptible", __kmapsim_var_key(var)); \
	__wv;								\
})
/* the jiffies left (at least 1) when the condition came true in time, else 0 */
#define wait_var_event_timeout(var, condition, timeout)		\
	__kmapsim_wait_event_timeout_key(kmapsim_var_waitq, condition, timeout, TASK_UNINTERRUPTIBLE, \
					 "wait_var_event_timeout", __kmapsim_var_key(var))

#endif /* _LINUX_WAIT_BIT_H */
