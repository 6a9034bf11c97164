// Spinlocks, mutexes and completions (locking.cc), rw_semaphores (rwsem.cc),
// rwlocks (rwlock.cc), semaphores (semaphore.cc). The locks' state lives in
// the subject's own structures (owner, done); the part holds none.
#pragma once

#include <cstdint>

struct spinlock;
struct mutex;
struct completion;
struct rw_semaphore;
struct rwlock;
struct semaphore;

namespace kmapsim {

class Machine;
enum class WaitMode : uint8_t;

// What a lock's owner field holds for the running task (0 is "nobody"):
// spinlocks, mutexes, rwlocks and rw_semaphores alike.
unsigned long owner_id(Machine &m);

class Locking {
 public:
  explicit Locking(Machine &m) : m_(m) {}
  void spin_lock(struct spinlock *l, bool irq, unsigned long *flags);
  void spin_unlock(struct spinlock *l, bool irq, unsigned long flags);
  bool spin_trylock(struct spinlock *l);
  // spin_is_contended()/rwlock_is_contended(): whether another context
  // spins on the lock now.
  bool contended(const void *lock, const char *api);
  void mutex_lock(struct mutex *m);
  // mutex_lock and its _interruptible/_killable forms: 0 or -EINTR.
  int mutex_lock_mode(struct mutex *m, WaitMode mode, const char *api);
  bool mutex_trylock(struct mutex *m);
  void mutex_unlock(struct mutex *m);
  void complete(struct completion *c, bool all);
  void wait_for_completion(struct completion *c);
  // wait_for_completion and friends: 0 when completed, else the failure
  // (-ERESTARTSYS for a signal, 1 for a timeout: see capi/locking_api.cc).
  long wait_for_completion_mode(struct completion *c, WaitMode mode, const char *api);
  // rw_semaphores (rwsem.cc): the sleeping downs return 0 or -EINTR.
  int down_read(struct rw_semaphore *s, WaitMode mode, const char *api);
  bool down_read_trylock(struct rw_semaphore *s);
  void up_read(struct rw_semaphore *s);
  int down_write(struct rw_semaphore *s, WaitMode mode, const char *api);
  bool down_write_trylock(struct rw_semaphore *s);
  void up_write(struct rw_semaphore *s);
  void downgrade_write(struct rw_semaphore *s);
  // rwlock_t (rwlock.cc): spin_lock()'s rules with a shared side.
  void rw_read_lock(struct rwlock *l, bool irq, unsigned long *flags);
  void rw_read_unlock(struct rwlock *l, bool irq, unsigned long flags);
  void rw_write_lock(struct rwlock *l, bool irq, unsigned long *flags);
  void rw_write_unlock(struct rwlock *l, bool irq, unsigned long flags);
  bool rw_read_trylock(struct rwlock *l);
  bool rw_write_trylock(struct rwlock *l);
  // Counting semaphores (semaphore.cc): down() and its forms return 0,
  // -EINTR or -ETIME; down_trylock() whether it took a unit.
  int down(struct semaphore *s, WaitMode mode, const char *api);
  bool down_trylock(struct semaphore *s);
  void up(struct semaphore *s);

 private:
  // One turn of a spin on a held lock (locking.cc): the deadlocks a spin
  // cannot leave are reported, else the task blocks spinning.
  void spin_wait(const void *lock, unsigned long owner, const char *name, const char *api);

  Machine &m_;
};

}  // namespace kmapsim
