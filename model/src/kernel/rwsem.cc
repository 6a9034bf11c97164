// Read-write semaphores (linux/rwsem.h): the Locking part's sleeping
// reader/writer lock. The state lives in the subject's struct rw_semaphore
// (count, owner, writers_waiting), like the mutex's; waiters block on the
// semaphore and re-check when it is released.
#include <linux/rwsem.h>

#include "locking.h"

#include "machine.h"

#include <cerrno>

namespace kmapsim {

static const char *name_of(const struct rw_semaphore *s) { return s->name ? s->name : "?"; }

// A reader waits while a writer holds the lock or is queued for it (the
// kernel queues a reader behind waiters once readers own the lock, so
// writers are not starved).
static bool reader_must_wait(const struct rw_semaphore *s) { return s->count < 0 || s->writers_waiting > 0; }

int Locking::down_read(struct rw_semaphore *s, WaitMode mode, const char *api) {
  m_.might_sleep(api);
  m_.sched_point(api);
  while (reader_must_wait(s)) {
    if (s->owner == owner_id(m_))
      m_.report(BugClass::PkmapDeadlock, -1, -1, "%s(%s): %s already holds it for writing (recursive locking deadlock)", api, name_of(s),
                m_.cur().name.c_str());
    if (mode != WaitMode::Uninterruptible &&
        m_.signal_arrives(mode == WaitMode::Killable, mode == WaitMode::Killable ? "down_read_killable: fatal signal, -EINTR" : "down_read_interruptible: signal, -EINTR"))
      return -EINTR;
    Task &t = m_.cur();
    t.sleep_interruptible = mode == WaitMode::Interruptible;  // kthread_stop() wakes it: the signal test above ends it
    m_.block(Wait::Rwsem, s, api);
    t.sleep_interruptible = t.kicked = false;
  }
  s->count++;
  return 0;
}

bool Locking::down_read_trylock(struct rw_semaphore *s) {
  m_.sched_point("down_read_trylock");
  if (reader_must_wait(s)) return false;
  s->count++;
  return true;
}

void Locking::up_read(struct rw_semaphore *s) {
  if (s->count <= 0) m_.report(BugClass::SubjectBug, -1, -1, "up_read(%s) of an rw_semaphore not held for reading", name_of(s));
  if (--s->count == 0) m_.wake(Wait::Rwsem, s, true);
  m_.sched_point("up_read");
}

int Locking::down_write(struct rw_semaphore *s, WaitMode mode, const char *api) {
  m_.might_sleep(api);
  m_.sched_point(api);
  while (s->count != 0) {
    if (s->owner == owner_id(m_))
      m_.report(BugClass::PkmapDeadlock, -1, -1, "%s(%s): %s already holds it (recursive locking deadlock)", api, name_of(s), m_.cur().name.c_str());
    if (mode != WaitMode::Uninterruptible && m_.signal_arrives(true, "down_write_killable: fatal signal, -EINTR")) return -EINTR;
    s->writers_waiting++;
    m_.block(Wait::Rwsem, s, api);
    s->writers_waiting--;
  }
  s->count = -1;
  s->owner = owner_id(m_);
  return 0;
}

bool Locking::down_write_trylock(struct rw_semaphore *s) {
  m_.sched_point("down_write_trylock");
  if (s->count != 0) return false;
  s->count = -1;
  s->owner = owner_id(m_);
  return true;
}

// up_write() and downgrade_write() are the writer's alone.
static void check_writer(Machine &m, const struct rw_semaphore *s, const char *api) {
  if (s->count >= 0 || s->owner != owner_id(m))
    m.report(BugClass::SubjectBug, -1, -1, "%s(%s) of an rw_semaphore this task does not hold for writing", api, name_of(s));
}

void Locking::up_write(struct rw_semaphore *s) {
  check_writer(m_, s, "up_write");
  s->count = 0;
  s->owner = 0;
  m_.wake(Wait::Rwsem, s, true);
  m_.sched_point("up_write");
}

// The writer becomes one reader; readers waiting behind it (not writers) may
// now take it too.
void Locking::downgrade_write(struct rw_semaphore *s) {
  check_writer(m_, s, "downgrade_write");
  s->count = 1;
  s->owner = 0;
  m_.wake(Wait::Rwsem, s, true);
}

}  // namespace kmapsim
