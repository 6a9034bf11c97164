// Reader-writer spinlocks (linux/spinlock.h's rwlock_t): spin_lock()'s
// rules with a shared side. Taking either side is a scheduling point and
// disables preemption (and interrupts for the _irq forms); a task that
// cannot take it spins, keeping its CPU, until the holder releases it. A
// reader waits only while a writer holds the lock: read_lock() may nest,
// in one task or in an interrupt handler over a reader, as the kernel's
// qrwlock allows.
#include <linux/spinlock.h>

#include "locking.h"

#include "machine.h"

namespace kmapsim {

static unsigned long owner_id(Machine &m) { return static_cast<unsigned long>(m.cur_task()) + 1; }

static const char *name_of(const struct rwlock *l) { return l->name ? l->name : "?"; }

void Locking::rw_read_lock(struct rwlock *l, bool irq, unsigned long *flags) {
  m_.sched_point("read_lock");
  if (irq) *flags = m_.irq_save();
  m_.preempt_disable();
  while (l->count < 0) {
    if (l->owner == owner_id(m_) && !m_.in_irq())
      m_.report(BugClass::PkmapDeadlock, -1, -1, "read_lock(%s): %s already holds it for writing (recursive locking deadlock)", name_of(l),
                m_.cur().name.c_str());
    if (m_.in_irq() && l->owner == owner_id(m_))
      m_.report(BugClass::PkmapDeadlock, -1, -1, "read_lock(%s) in an interrupt handler while %s holds it for writing without disabling interrupts",
                name_of(l), m_.cur().name.c_str());
    m_.block(Wait::Spin, l, "read_lock");
  }
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
  while (l->count != 0) {
    if (l->owner == owner_id(m_))
      m_.report(BugClass::PkmapDeadlock, -1, -1, "write_lock(%s): %s already holds it (recursive locking deadlock)", name_of(l), m_.cur().name.c_str());
    m_.block(Wait::Spin, l, "write_lock");
  }
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
