// Spinlocks, mutexes and completions. spin_lock disables preemption (and
// spins, keeping its CPU busy, while another CPU holds the lock); mutex_lock
// and wait_for_completion may sleep and are scheduling points.
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include "locking.h"

#include "machine.h"

#include <cerrno>

namespace kmapsim {

constexpr long ERESTARTSYS_VALUE = 512;  // the kernel's ERESTARTSYS

unsigned long owner_id(Machine &m) { return static_cast<unsigned long>(m.cur_task()) + 1; }

void Locking::spin_lock(struct spinlock *l, bool irq, unsigned long *flags) {
  m_.sched_point("spin_lock");
  if (irq) *flags = m_.irq_save();
  m_.preempt_disable();
  Task &t = m_.cur();
  while (l->owner) {
    // A tasklet run on top of the holder (where the CPU runs softirqs:
    // softirq.h): the lock, shared with softirq context, was taken
    // without spin_lock_bh().
    if (l->owner == owner_id(m_) && !m_.in_irq() && t.serving_softirq > l->softirq)
      m_.report(BugClass::PkmapDeadlock, -1, -1,
                "spin_lock(%s) in %s while %s holds it without disabling bottom halves: it runs on top of the holder "
                "where this CPU runs softirqs (an interrupt's end, local_bh_enable()); spin_lock_bh() where the lock is "
                "shared with softirq context",
                l->name ? l->name : "?", t.softirq_item, t.name.c_str());
    spin_wait(l, l->owner, l->name, "spin_lock");
  }
  l->owner = owner_id(m_);
  l->softirq = t.serving_softirq;
}

// One turn of a spin on a lock held by the task owner - 1 (0: holders the
// lock does not name, an rwlock's readers). Spinning on one's own lock is
// a recursive deadlock. An interrupt handler spins like any context. It
// deadlocks only when the holder cannot run until the handler returns: the
// interrupted task itself, or another task queued on this CPU (the
// interrupted task and its handler keep the CPU busy). A holder running on
// another CPU releases the lock meanwhile: the handler's task blocks
// spinning, keeping its CPU, and the scheduler runs the others (in torture
// mode the holder's own host thread does). A holder that never releases
// ends as every spin does: every task blocked (pkmap-deadlock) or no fair
// schedule making progress (soft-lockup).
void Locking::spin_wait(const void *lock, unsigned long owner, const char *name, const char *api) {
  const char *n = name ? name : "?";
  if (owner == owner_id(m_) && !m_.in_irq())
    m_.report(BugClass::PkmapDeadlock, -1, -1, "%s(%s): %s already holds it (recursive locking deadlock)", api, n, m_.cur().name.c_str());
  if (owner && m_.in_irq()) {
    int holder = static_cast<int>(owner - 1);
    bool same_cpu = owner == owner_id(m_) || (!m_.policy().parallel && m_.task(holder).cpu == m_.cpu_of_current());
    if (same_cpu)
      m_.report(BugClass::PkmapDeadlock, -1, -1, "%s(%s) in an interrupt handler while %s holds it without disabling interrupts", api, n,
                m_.task(holder).name.c_str());
  }
  m_.block(Wait::Spin, lock, api);
}

void Locking::spin_unlock(struct spinlock *l, bool irq, unsigned long flags) {
  if (l->owner != owner_id(m_)) m_.report(BugClass::SubjectBug, -1, -1, "spin_unlock(%s) of a lock this task does not hold", l->name ? l->name : "?");
  l->owner = 0;
  m_.wake(Wait::Spin, l, true);
  m_.preempt_enable(!irq);
  if (irq) m_.irq_restore(flags);
}

bool Locking::spin_trylock(struct spinlock *l) {
  m_.sched_point("spin_trylock");
  if (l->owner) return false;
  m_.preempt_disable();
  l->owner = owner_id(m_);
  l->softirq = m_.cur().serving_softirq;
  return true;
}

// A scheduling point first, so that a waiter on another CPU can have
// reached its spin: the holder's lock-break path (drop the lock, let the
// waiter in, take it again) is then a choice of the schedule.
bool Locking::contended(const void *lock, const char *api) {
  m_.sched_point(api);
  for (size_t i = 0; i < m_.ntasks(); i++) {
    const Task &t = m_.task(static_cast<int>(i));
    if (t.state == TaskState::Blocked && t.wait == Wait::Spin && t.wait_obj == lock) return true;
  }
  return false;
}

void Locking::mutex_lock(struct mutex *mx) { mutex_lock_mode(mx, WaitMode::Uninterruptible, "mutex_lock"); }

// mutex_lock and its _interruptible/_killable forms: as in the kernel, a
// pending signal only matters once the task would have to sleep for the
// lock (the uncontended fast path takes it without looking): -EINTR then.
int Locking::mutex_lock_mode(struct mutex *mx, WaitMode mode, const char *api) {
  m_.might_sleep(api);
  m_.sched_point(api);
  while (mx->owner) {
    if (mx->owner == owner_id(m_))
      m_.report(BugClass::PkmapDeadlock, -1, -1, "%s(%s): %s already holds it (recursive locking deadlock)", api, mx->name ? mx->name : "?",
             m_.cur().name.c_str());
    if (mode != WaitMode::Uninterruptible && m_.signal_arrives(mode == WaitMode::Killable, mode == WaitMode::Killable ? "mutex_lock_killable: fatal signal, -EINTR" : "mutex_lock_interruptible: signal, -EINTR"))
      return -EINTR;
    Task &t = m_.cur();
    t.sleep_interruptible = mode == WaitMode::Interruptible;  // kthread_stop() wakes it: the signal test above ends it
    m_.block(Wait::Mutex, mx, api);
    t.sleep_interruptible = t.kicked = false;
  }
  mx->owner = owner_id(m_);
  return 0;
}

bool Locking::mutex_trylock(struct mutex *mx) {
  m_.sched_point("mutex_trylock");
  if (mx->owner) return false;
  mx->owner = owner_id(m_);
  return true;
}

void Locking::mutex_unlock(struct mutex *mx) {
  if (mx->owner != owner_id(m_)) m_.report(BugClass::SubjectBug, -1, -1, "mutex_unlock(%s) of a mutex this task does not hold", mx->name ? mx->name : "?");
  mx->owner = 0;
  m_.wake(Wait::Mutex, mx, false);
  m_.sched_point("mutex_unlock");
}

void Locking::complete(struct completion *c, bool all) {
  if (all)
    c->done = 1u << 30;
  else if (c->done < (1u << 30))
    c->done++;
  m_.wake(Wait::Completion, c, all);
  m_.sched_point("complete");
}

void Locking::wait_for_completion(struct completion *c) { wait_for_completion_mode(c, WaitMode::Uninterruptible, "wait_for_completion"); }

// The wait_for_completion family. As in the kernel, a completion that is
// already done is taken without sleeping, whatever the form; only a wait
// that has to sleep can end early: with a signal (-ERESTARTSYS, the
// _interruptible and _killable forms) or with its timeout (the _timeout
// form returns 0). A timed waiter also times out when nothing else can run,
// so a completion nobody signals is no deadlock for it. Returns 0 when the
// completion was taken, else the failure (-ERESTARTSYS, or 1 for a timeout).
long Locking::wait_for_completion_mode(struct completion *c, WaitMode mode, const char *api) {
  m_.might_sleep(api);
  m_.sched_point(api);
  if (!c->done) {
    bool killable = mode == WaitMode::Killable || mode == WaitMode::KillableTimeout;
    bool signals = killable || mode == WaitMode::Interruptible || mode == WaitMode::InterruptibleTimeout;
    bool timed = mode == WaitMode::Timeout || mode == WaitMode::InterruptibleTimeout || mode == WaitMode::KillableTimeout;
    if (signals && m_.signal_arrives(killable, killable ? "killable wait: fatal signal, -ERESTARTSYS" : "interruptible wait: signal, -ERESTARTSYS"))
      return -ERESTARTSYS_VALUE;
    if (timed && m_.fallible(Fault::Timeout, "timed wait: the timeout expired"))
      return 1;
    Task &t = m_.cur();
    t.timed_wait = timed;
    t.timed_out = false;
    t.sleep_interruptible = signals && !killable;  // what kthread_stop()'s signal ends
    while (!c->done) {
      m_.block(Wait::Completion, c, api);
      if (t.timed_out || t.kicked) break;
    }
    bool timed_out = t.timed_out && !c->done;
    bool stopped = t.kicked && !c->done;
    t.timed_wait = t.timed_out = t.kicked = t.sleep_interruptible = false;
    if (stopped) return -ERESTARTSYS_VALUE;
    if (timed_out) return 1;
  }
  if (c->done < (1u << 30)) c->done--;
  return 0;
}

}  // namespace kmapsim
