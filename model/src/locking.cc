// Spinlocks, mutexes and completions. spin_lock disables preemption (and
// spins, keeping its CPU busy, while another CPU holds the lock); mutex_lock
// and wait_for_completion may sleep and are scheduling points.
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include "machine.h"

namespace kmapsim {

static unsigned long owner_id(Machine &m) { return static_cast<unsigned long>(m.cur_task()) + 1; }

void Machine::spin_lock(struct spinlock *l, bool irq, unsigned long *flags) {
  sched_point("spin_lock");
  if (irq) *flags = irq_save();
  preempt_disable();
  while (l->owner) {
    if (l->owner == owner_id(*this) && !irq_instance_)
      report(BugClass::PkmapDeadlock, -1, -1, "spin_lock(%s): %s already holds it (recursive locking deadlock)", l->name ? l->name : "?", cur().name.c_str());
    // In torture mode a holder on another CPU releases it while the
    // handler spins; the deterministic model cannot spin inside a handler.
    if (irq_instance_ && !(torture_ && l->owner != owner_id(*this)))
      report(BugClass::PkmapDeadlock, -1, -1, "spin_lock(%s) in an interrupt handler while %s holds it without disabling interrupts", l->name ? l->name : "?",
             tasks_[l->owner - 1]->name.c_str());
    block(Wait::Spin, l, "spin_lock");
  }
  l->owner = owner_id(*this);
}

void Machine::spin_unlock(struct spinlock *l, bool irq, unsigned long flags) {
  if (l->owner != owner_id(*this)) report(BugClass::SubjectBug, -1, -1, "spin_unlock(%s) of a lock this task does not hold", l->name ? l->name : "?");
  l->owner = 0;
  wake(Wait::Spin, l, true);
  preempt_enable(!irq);
  if (irq) irq_restore(flags);
}

bool Machine::spin_trylock(struct spinlock *l) {
  sched_point("spin_trylock");
  if (l->owner) return false;
  preempt_disable();
  l->owner = owner_id(*this);
  return true;
}

void Machine::mutex_lock(struct mutex *mx) {
  might_sleep("mutex_lock");
  sched_point("mutex_lock");
  while (mx->owner) {
    if (mx->owner == owner_id(*this))
      report(BugClass::PkmapDeadlock, -1, -1, "mutex_lock(%s): %s already holds it (recursive locking deadlock)", mx->name ? mx->name : "?",
             cur().name.c_str());
    block(Wait::Mutex, mx, "mutex_lock");
  }
  mx->owner = owner_id(*this);
}

bool Machine::mutex_trylock(struct mutex *mx) {
  sched_point("mutex_trylock");
  if (mx->owner) return false;
  mx->owner = owner_id(*this);
  return true;
}

void Machine::mutex_unlock(struct mutex *mx) {
  if (mx->owner != owner_id(*this)) report(BugClass::SubjectBug, -1, -1, "mutex_unlock(%s) of a mutex this task does not hold", mx->name ? mx->name : "?");
  mx->owner = 0;
  wake(Wait::Mutex, mx, false);
  sched_point("mutex_unlock");
}

void Machine::complete(struct completion *c, bool all) {
  if (all)
    c->done = 1u << 30;
  else if (c->done < (1u << 30))
    c->done++;
  wake(Wait::Completion, c, all);
  sched_point("complete");
}

void Machine::wait_for_completion(struct completion *c) {
  might_sleep("wait_for_completion");
  sched_point("wait_for_completion");
  while (!c->done) block(Wait::Completion, c, "wait_for_completion");
  if (c->done < (1u << 30)) c->done--;
}

}  // namespace kmapsim
