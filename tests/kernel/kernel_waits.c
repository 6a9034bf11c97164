// SPDX-License-Identifier: MIT
/*
 * Waiting in the kernel surface imported code uses, modelled rather than
 * trapping: wait queues woken from a task or an interrupt, and waiting for a
 * bit or a variable (linux/wait_bit.h). Each *_ok subject is legal kernel
 * code and must be clean; each other subject breaks one rule and must be
 * reported:
 *   wait_no_wake_up     the flag set without wake_up(): the waiter sleeps
 *                       forever (every task is blocked); io_wait_no_wake_up
 *                       the same for io_wait_event() (dm-integrity's
 *                       __io_wait_event()), which io_wait_ok wakes
 *   wait_bit_no_wake_up a bit cleared with clear_bit() and no
 *                       wake_up_bit(): its waiter sleeps forever (every
 *                       task is blocked); wait_bit_ok clears it with
 *                       clear_and_wake_up_bit()
 */
#include <kmapsim/subject.h>
#include <linux/wait.h>
#include <linux/wait_bit.h>

static DECLARE_WAIT_QUEUE_HEAD(wq);
static int flag;

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

/* an I/O wait: the same sleep, in io_wait_event() and its __ form */
static int io_waiter(void *unused)
{
	io_wait_event(wq, READ_ONCE(flag));
	__io_wait_event(wq, READ_ONCE(flag));	/* already true: no sleep */
	WRITE_ONCE(waiter_done, 1);
	return 0;
}

KMAPSIM_SUBJECT(io_wait_ok)
{
	kthread_run(io_waiter, NULL, "io waiter");
	WRITE_ONCE(flag, 1);
	wake_up(&wq);
}

KMAPSIM_SUBJECT(io_wait_no_wake_up)
{
	kthread_run(io_waiter, NULL, "io waiter");
	cond_resched();
	WRITE_ONCE(flag, 1);	/* no wake_up() */
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

/*
 * ---- waiting for a bit and for a variable (linux/wait_bit.h): a bit lock
 * two tasks take with wait_on_bit_lock() and release with
 * clear_and_wake_up_bit(), a wait_on_bit() for a flag a kthread clears, and
 * a wait_var_event() for a count the last put takes to zero
 */
#define WB_LOCK 0
#define WB_BUSY 1
static unsigned long wb_word;
static int wb_count;
static atomic_t wb_users;
static bool wb_wake;

static int wb_worker(void *unused)
{
	if (wait_on_bit_lock(&wb_word, WB_LOCK, TASK_UNINTERRUPTIBLE) == 0) {
		wb_count++;
		clear_and_wake_up_bit(WB_LOCK, &wb_word);
	}
	if (wb_wake)
		clear_and_wake_up_bit(WB_BUSY, &wb_word);
	else
		clear_bit(WB_BUSY, &wb_word);	/* no wake-up: the waiter sleeps on */
	atomic_dec_and_wake_up(&wb_users);
	return 0;
}

static void wait_bits(bool wake)
{
	wb_word = 1UL << WB_BUSY;
	wb_count = 0;
	wb_wake = wake;
	atomic_set(&wb_users, 1);
	kthread_run(wb_worker, NULL, "worker");
	if (wait_on_bit_lock(&wb_word, WB_LOCK, TASK_UNINTERRUPTIBLE) == 0) {
		wb_count++;
		clear_and_wake_up_bit(WB_LOCK, &wb_word);
	}
	BUG_ON(wait_on_bit(&wb_word, WB_BUSY, TASK_UNINTERRUPTIBLE) != 0 || test_bit(WB_BUSY, &wb_word));
	wait_var_event(&wb_users, !atomic_read(&wb_users));
	BUG_ON(wb_count != 2);
}

KMAPSIM_SUBJECT(wait_bit_ok) { wait_bits(true); }
KMAPSIM_SUBJECT(wait_bit_no_wake_up) { wait_bits(false); }
