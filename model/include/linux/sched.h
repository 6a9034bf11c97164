/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/types.h>
#include <linux/preempt.h>

#define TASK_COMM_LEN 16
#define PF_KTHREAD 0x00200000	/* a kernel thread (kthread_run, a worker) */
#define PF_MEMALLOC_NOFS 0x00040000	/* in a memalloc_nofs_save() scope */
#define PF_MEMALLOC_NOIO 0x00080000	/* in a memalloc_noio_save() scope */

struct mm_struct;

/*
 * The fields of the kernel's task_struct that code around kmap reads:
 * current->mm (the subject's main task is a user task with an address space
 * of its own, zeroed each run; kernel threads and workers have none),
 * current->pid/tgid, current->comm, current->flags. In an interrupt,
 * current is the interrupted task, as in the kernel. The model keeps the
 * rest of a task's state itself (model/src/kernel/task_struct.cc).
 */
struct task_struct {
	int kmapsim_id;		/* the model's task: not a kernel field */
	pid_t pid;
	pid_t tgid;
	unsigned int flags;
	struct mm_struct *mm;
	struct mm_struct *active_mm;
	char comm[TASK_COMM_LEN];
	void *journal_info;	/* a filesystem's running transaction (jbd2, reiserfs) */
};

KMAPSIM_EXTERN_C_BEGIN
void might_sleep(void);
void might_fault(void);
void cond_resched(void);
/* true where the run decides, until the next cond_resched(), sleep or switch */
bool need_resched(void);
void schedule(void);
void msleep(unsigned int msecs);
unsigned long msleep_interruptible(unsigned int msecs);
/* simulated time does not pass: a yield, the whole timeout spent (0 left) */
long schedule_timeout(long timeout);
/*
 * wake_up_process(): a thread kthread_create() made starts; a task asleep in
 * a wait_event() or an interruptible wait wakes and tests its condition (or
 * for a signal) again. 1 when it was asleep there.
 */
int wake_up_process(struct task_struct *p);
int smp_processor_id(void);
int raw_smp_processor_id(void);
int num_online_cpus(void);
struct task_struct *kmapsim_current(void);
int kmapsim_signal_pending(const struct task_struct *p, int fatal);
const char *kmapsim_task_comm(const struct task_struct *task);
/*
 * linux/sched/task.h: a reference that keeps a task's task_struct after it
 * exits (what kthread_stop() of a thread that may return on its own needs).
 * get_task_struct() returns p.
 */
struct task_struct *get_task_struct(struct task_struct *p);
void put_task_struct(struct task_struct *p);
KMAPSIM_EXTERN_C_END

/*
 * linux/sched/mm.h's allocation scopes: a flag of current that the kernel's
 * allocator reads as GFP_NOFS/GFP_NOIO. The model's allocator takes every
 * allocation as it comes, so the scope is only kept, for code that reads it.
 */
static inline unsigned int kmapsim_memalloc_save(unsigned int flag)
{
	unsigned int was = kmapsim_current()->flags & flag;

	kmapsim_current()->flags |= flag;
	return was;
}
static inline void kmapsim_memalloc_restore(unsigned int flag, unsigned int was)
{
	kmapsim_current()->flags = (kmapsim_current()->flags & ~flag) | was;
}
#define memalloc_nofs_save() kmapsim_memalloc_save(PF_MEMALLOC_NOFS)
#define memalloc_nofs_restore(flags) kmapsim_memalloc_restore(PF_MEMALLOC_NOFS, (flags))
#define memalloc_noio_save() kmapsim_memalloc_save(PF_MEMALLOC_NOIO)
#define memalloc_noio_restore(flags) kmapsim_memalloc_restore(PF_MEMALLOC_NOIO, (flags))

/*
 * The CPU masks of linux/cpumask.h, for the loops code makes over CPUs:
 * every CPU of the profile is possible, present and online, and none
 * comes or goes during a run.
 */
#define num_possible_cpus()		num_online_cpus()
#define num_present_cpus()		num_online_cpus()
#define nr_cpu_ids			((unsigned int)num_online_cpus())
#define for_each_possible_cpu(cpu)	for ((cpu) = 0; (cpu) < num_online_cpus(); (cpu)++)
#define for_each_online_cpu(cpu)	for_each_possible_cpu(cpu)
#define for_each_present_cpu(cpu)	for_each_possible_cpu(cpu)

/*
 * A signal for the current task arrives when the run decides, and stays
 * pending (model/src/kernel/signal.cc): a loop that checks
 * fatal_signal_pending(current) takes its -EINTR path where a SIGKILL
 * could arrive. Other tasks have none.
 */
#define signal_pending(p) kmapsim_signal_pending((p), 0)
#define fatal_signal_pending(p) kmapsim_signal_pending((p), 1)
#define __fatal_signal_pending(p) kmapsim_signal_pending((p), 1)
/* the task states are below (expanded where this is used) */
#define signal_pending_state(state, p) \
	(((state) & TASK_INTERRUPTIBLE) ? signal_pending(p) : ((state) & TASK_WAKEKILL) ? fatal_signal_pending(p) : 0)

#define current kmapsim_current()
#define get_current() kmapsim_current()
#define task_pid_nr(tsk) ((tsk)->pid)
#define task_tgid_nr(tsk) ((tsk)->tgid)
#define task_pid_vnr(tsk) ((tsk)->pid)
#define task_tgid_vnr(tsk) ((tsk)->tgid)
#define yield() schedule()
/*
 * The state a task sets before it tests its condition and calls schedule().
 * schedule() with a state set sleeps until a wake-up for it:
 * wake_up_process(), a wake_up() of a queue it is on (prepare_to_wait()),
 * kthread_stop(). A
 * wake-up before the state was set is lost, as in the kernel: an
 * open-coded wait that tests its condition before it sets the state can
 * sleep forever, and is reported when every task is blocked.
 */
#define TASK_RUNNING		0x0000
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define TASK_WAKEKILL		0x0100
#define TASK_NOLOAD		0x0400
#define TASK_KILLABLE		(TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)
#define TASK_IDLE		(TASK_UNINTERRUPTIBLE | TASK_NOLOAD)
#define TASK_NORMAL		(TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
KMAPSIM_EXTERN_C_BEGIN
void kmapsim_set_current_state(unsigned int state, int sched_point);
long kmapsim_schedule_timeout_state(long timeout, unsigned int state);
KMAPSIM_EXTERN_C_END
#define set_current_state(state) kmapsim_set_current_state((state), 1)
#define __set_current_state(state) kmapsim_set_current_state((state), 0)
#define schedule_timeout_interruptible(t) kmapsim_schedule_timeout_state((t), TASK_INTERRUPTIBLE)
#define schedule_timeout_killable(t) kmapsim_schedule_timeout_state((t), TASK_KILLABLE)
#define schedule_timeout_uninterruptible(t) kmapsim_schedule_timeout_state((t), TASK_UNINTERRUPTIBLE)
#define schedule_timeout_idle(t) kmapsim_schedule_timeout_state((t), TASK_IDLE)

/*
 * Allocation profiling (CONFIG_MEM_ALLOC_PROFILING) is off, so the tag an
 * allocation would be charged to is never swapped into current: 6.12's
 * alloc_hooks() (linux/slab.h) and its callers save and restore nothing.
 */
#define alloc_tag_save(_tag) NULL
#define alloc_tag_restore(_tag, _old) do { } while (0)

#endif /* _LINUX_SCHED_H */
