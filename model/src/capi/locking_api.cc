// The C API's locking entry points (linux/spinlock.h with rwlock_t, mutex.h, rwsem.h,
// semaphore.h, completion.h): each adapts the signature and calls the Locking part; the
// few that only read a lock or a completion also work outside a run.
#include "api_entry.h"

#include <linux/semaphore.h>

extern "C" {

// ---- spinlock.h, mutex.h, completion.h
void spin_lock_init(spinlock_t *lock) {
  lock->owner = 0;
  lock->softirq = 0;
}
void spin_lock(spinlock_t *lock) { KMAPSIM_API; m.locking().spin_lock(lock, false, nullptr); }
void spin_unlock(spinlock_t *lock) { KMAPSIM_API; m.locking().spin_unlock(lock, false, 0); }
void spin_lock_irq(spinlock_t *lock) {
  KMAPSIM_API;
  unsigned long f;
  m.locking().spin_lock(lock, true, &f);
}
void spin_unlock_irq(spinlock_t *lock) { KMAPSIM_API; m.locking().spin_unlock(lock, true, 0); }
unsigned long kmapsim_spin_lock_irqsave(spinlock_t *lock) {
  KMAPSIM_API;
  unsigned long f = 0;
  m.locking().spin_lock(lock, true, &f);
  return f;
}
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags) { KMAPSIM_API; m.locking().spin_unlock(lock, true, flags); }
int spin_trylock(spinlock_t *lock) { KMAPSIM_API; return m.locking().spin_trylock(lock); }
void mutex_init(struct mutex *lock) { lock->owner = 0; }
void mutex_lock(struct mutex *lock) { KMAPSIM_API; m.locking().mutex_lock(lock); }
int mutex_lock_interruptible(struct mutex *lock) {
  KMAPSIM_API;
  return m.locking().mutex_lock_mode(lock, kmapsim::WaitMode::Interruptible, "mutex_lock_interruptible");
}
int mutex_lock_killable(struct mutex *lock) {
  KMAPSIM_API;
  return m.locking().mutex_lock_mode(lock, kmapsim::WaitMode::Killable, "mutex_lock_killable");
}
int mutex_trylock(struct mutex *lock) { KMAPSIM_API; return m.locking().mutex_trylock(lock); }
void mutex_unlock(struct mutex *lock) { KMAPSIM_API; m.locking().mutex_unlock(lock); }
bool mutex_is_locked(struct mutex *lock) {
  kmapsim::GuardIfRunning g;
  return lock->owner != 0;
}
void rwlock_init(rwlock_t *lock) {
  lock->count = 0;
  lock->owner = 0;
}
// irq: 0 the plain lock, 1 the _irq form, 2 _irqsave (the flags come back)
unsigned long kmapsim_read_lock(rwlock_t *lock, int irq) {
  KMAPSIM_API;
  unsigned long f = 0;
  m.locking().rw_read_lock(lock, irq != 0, &f);
  return f;
}
void kmapsim_read_unlock(rwlock_t *lock, int irq, unsigned long flags) { KMAPSIM_API; m.locking().rw_read_unlock(lock, irq != 0, irq == 2 ? flags : 0); }
unsigned long kmapsim_write_lock(rwlock_t *lock, int irq) {
  KMAPSIM_API;
  unsigned long f = 0;
  m.locking().rw_write_lock(lock, irq != 0, &f);
  return f;
}
void kmapsim_write_unlock(rwlock_t *lock, int irq, unsigned long flags) { KMAPSIM_API; m.locking().rw_write_unlock(lock, irq != 0, irq == 2 ? flags : 0); }
int read_trylock(rwlock_t *lock) { KMAPSIM_API; return m.locking().rw_read_trylock(lock); }
int kmapsim_lock_contended(const void *lock, const char *api) { KMAPSIM_API; return m.locking().contended(lock, api); }
int write_trylock(rwlock_t *lock) { KMAPSIM_API; return m.locking().rw_write_trylock(lock); }
void init_rwsem(struct rw_semaphore *sem) {
  sem->count = 0;
  sem->owner = 0;
  sem->writers_waiting = 0;
}
void down_read(struct rw_semaphore *sem) { KMAPSIM_API; m.locking().down_read(sem, kmapsim::WaitMode::Uninterruptible, "down_read"); }
int down_read_interruptible(struct rw_semaphore *sem) {
  KMAPSIM_API;
  return m.locking().down_read(sem, kmapsim::WaitMode::Interruptible, "down_read_interruptible");
}
int down_read_killable(struct rw_semaphore *sem) {
  KMAPSIM_API;
  return m.locking().down_read(sem, kmapsim::WaitMode::Killable, "down_read_killable");
}
int down_read_trylock(struct rw_semaphore *sem) { KMAPSIM_API; return m.locking().down_read_trylock(sem); }
void up_read(struct rw_semaphore *sem) { KMAPSIM_API; m.locking().up_read(sem); }
void down_write(struct rw_semaphore *sem) { KMAPSIM_API; m.locking().down_write(sem, kmapsim::WaitMode::Uninterruptible, "down_write"); }
int down_write_killable(struct rw_semaphore *sem) {
  KMAPSIM_API;
  return m.locking().down_write(sem, kmapsim::WaitMode::Killable, "down_write_killable");
}
int down_write_trylock(struct rw_semaphore *sem) { KMAPSIM_API; return m.locking().down_write_trylock(sem); }
void up_write(struct rw_semaphore *sem) { KMAPSIM_API; m.locking().up_write(sem); }
void downgrade_write(struct rw_semaphore *sem) { KMAPSIM_API; m.locking().downgrade_write(sem); }
int rwsem_is_locked(struct rw_semaphore *sem) {
  kmapsim::GuardIfRunning g;
  return sem->count != 0;
}

// ---- semaphore.h
void __kmapsim_sema_init(struct semaphore *sem, int val, const char *name) {
  sem->count = static_cast<unsigned>(val);
  sem->wait_list.next = sem->wait_list.prev = &sem->wait_list;
  sem->name = name;
}
void down(struct semaphore *sem) { KMAPSIM_API; m.locking().down(sem, kmapsim::WaitMode::Uninterruptible, "down"); }
int down_interruptible(struct semaphore *sem) { KMAPSIM_API; return m.locking().down(sem, kmapsim::WaitMode::Interruptible, "down_interruptible"); }
int down_killable(struct semaphore *sem) { KMAPSIM_API; return m.locking().down(sem, kmapsim::WaitMode::Killable, "down_killable"); }
// The jiffies only bound the wait: when it expires is the run's decision.
int down_timeout(struct semaphore *sem, long) { KMAPSIM_API; return m.locking().down(sem, kmapsim::WaitMode::Timeout, "down_timeout"); }
int down_trylock(struct semaphore *sem) { KMAPSIM_API; return m.locking().down_trylock(sem) ? 0 : 1; }
void up(struct semaphore *sem) { KMAPSIM_API; m.locking().up(sem); }

void init_completion(struct completion *x) { x->done = 0; }
void reinit_completion(struct completion *x) {
  kmapsim::GuardIfRunning g;
  x->done = 0;
}
void complete(struct completion *x) { KMAPSIM_API; m.locking().complete(x, false); }
void complete_all(struct completion *x) { KMAPSIM_API; m.locking().complete(x, true); }
void wait_for_completion(struct completion *x) { KMAPSIM_API; m.locking().wait_for_completion(x); }
int wait_for_completion_interruptible(struct completion *x) {
  KMAPSIM_API;
  return static_cast<int>(m.locking().wait_for_completion_mode(x, kmapsim::WaitMode::Interruptible, "wait_for_completion_interruptible"));
}
int wait_for_completion_killable(struct completion *x) {
  KMAPSIM_API;
  return static_cast<int>(m.locking().wait_for_completion_mode(x, kmapsim::WaitMode::Killable, "wait_for_completion_killable"));
}
// The _timeout forms: 0 when the timeout expired, else the jiffies left
// (simulated time does not pass: all of them, at least 1).
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout) {
  KMAPSIM_API;
  long r = m.locking().wait_for_completion_mode(x, kmapsim::WaitMode::Timeout, "wait_for_completion_timeout");
  return r ? 0 : (timeout ? timeout : 1);
}
// The _interruptible/_killable_timeout forms: 0 when the time ran out
// (mode result 1), the error when interrupted, else time left (>= 1).
static long timeout_wait_result(long r, unsigned long timeout) {
  if (r == 1) return 0;
  if (r) return r;
  return timeout ? static_cast<long>(timeout) : 1;
}
long wait_for_completion_interruptible_timeout(struct completion *x, unsigned long timeout) {
  KMAPSIM_API;
  return timeout_wait_result(
      m.locking().wait_for_completion_mode(x, kmapsim::WaitMode::InterruptibleTimeout, "wait_for_completion_interruptible_timeout"), timeout);
}
long wait_for_completion_killable_timeout(struct completion *x, unsigned long timeout) {
  KMAPSIM_API;
  return timeout_wait_result(
      m.locking().wait_for_completion_mode(x, kmapsim::WaitMode::KillableTimeout, "wait_for_completion_killable_timeout"), timeout);
}
bool try_wait_for_completion(struct completion *x) {
  kmapsim::GuardIfRunning g;
  if (!x->done) return false;
  if (x->done < (1u << 30)) x->done--;
  return true;
}
bool completion_done(struct completion *x) {
  kmapsim::GuardIfRunning g;
  return x->done != 0;
}

}  // extern "C"
