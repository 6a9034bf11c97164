// Reader-writer spinlocks (linux/spinlock.h's rwlock_t): spin_lock()'s
// rules with a shared side. Taking either side is a scheduling point and
// disables preemption (and interrupts for the _irq forms); a task that
// cannot take it spins (Locking::spin_wait(), spin_lock()'s deadlock
// checks, interrupt handlers included), keeping its CPU, until the holder
// releases it. A reader waits only while a writer holds the lock:
// read_lock() may nest, in one task or in an interrupt handler over a
// reader, as the kernel's qrwlock allows.
#include <linux/spinlock.h>

#include "locking.h"

#include "machine.h"

namespace kmapsim {

static const char *name_of(const struct rwlock *l) { return l->name ? l->name : "?"; }

void Locking::rw_read_lock(struct rwlock *l, bool irq, unsigned long *flags) {
  m_.sched_point("read_lock");
  if (irq) *flags = m_.irq_save();
  m_.preempt_disable();
  while (l->count < 0) spin_wait(l, l->owner, l->name, "read_lock");
  l->count++;
}

void Locking::rw_read_unlock(struct rwlock *l, bool irq, unsigned long flags) {
  if (l->count <= 0) m_.report(BugClass::SubjectBug, -1, -1, "read_unlock(%s) of an rwlock not held for reading", name_of(l));
  if (--l->count == 0) m_.wake(Wait::Spin, l, true);
  m_.preempt_enable(!irq);
  if (irq) m_.irq_restore(flags);
}

void Locking::rw_write_lock(struct rwlock *l, bool irq, unsigned long *flags) {
  m_.sched_point("write_lock");
  if (irq) *flags = m_.irq_save();
  m_.preempt_disable();
  while (l->count != 0) spin_wait(l, l->owner, l->name, "write_lock");  // owner 0: readers hold it
  l->count = -1;
  l->owner = owner_id(m_);
}

void Locking::rw_write_unlock(struct rwlock *l, bool irq, unsigned long flags) {
  if (l->count >= 0 || l->owner != owner_id(m_))
    m_.report(BugClass::SubjectBug, -1, -1, "write_unlock(%s) of an rwlock this task does not hold for writing", name_of(l));
  l->count = 0;
  l->owner = 0;
  m_.wake(Wait::Spin, l, true);
  m_.preempt_enable(!irq);
  if (irq) m_.irq_restore(flags);
}

bool Locking::rw_read_trylock(struct rwlock *l) {
  m_.sched_point("read_trylock");
  if (l->count < 0) return false;
  m_.preempt_disable();
  l->count++;
  return true;
}

bool Locking::rw_write_trylock(struct rwlock *l) {
  m_.sched_point("write_trylock");
  if (l->count != 0) return false;
  m_.preempt_disable();
  l->count = -1;
  l->owner = owner_id(m_);
  return true;
}

}  // namespace kmapsim
