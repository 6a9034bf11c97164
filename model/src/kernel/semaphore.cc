// Counting semaphores (linux/semaphore.h). The count and the sleepers'
// list live in the subject's struct semaphore. A sleeper's entry is on its
// own stack, as the kernel's struct semaphore_waiter is: up() takes the
// first entry off the list, marks its unit handed over and wakes that task,
// so nobody can take the unit between the up() and the sleeper's return.
#include <linux/semaphore.h>

#include "locking.h"

#include "machine.h"

#include <cerrno>

namespace kmapsim {
namespace {

struct SemWaiter {
  struct list_head list;  // first member: the list links point at it
  int task;
  bool up;
};

const char *name_of(const struct semaphore *s) { return s->name ? s->name : "?"; }

// The list is linked here rather than with linux/list.h, whose
// WRITE_ONCE() tells the scheduler of a shared access (a scheduling point
// for subject code), which the model's own code must not make halfway
// through a link.
//
// A semaphore that was never initialised (zeroed memory) has a NULL list:
// treat it as empty, as sema_init() would have made it.
bool no_sleepers(struct semaphore *s) { return s->wait_list.next == nullptr || s->wait_list.next == &s->wait_list; }

void add_tail(struct list_head *e, struct list_head *head) {
  if (head->next == nullptr) head->next = head->prev = head;
  e->prev = head->prev;
  e->next = head;
  head->prev->next = e;
  head->prev = e;
}

void del(struct list_head *e) {
  e->prev->next = e->next;
  e->next->prev = e->prev;
  e->next = e->prev = e;
}

}  // namespace

// down() and its _interruptible/_killable/_timeout forms: a free unit is
// taken without sleeping, whatever the form. Only a down that has to sleep
// can end early: -EINTR for a signal (the run decides whether one arrives,
// each time the sleeper looks), -ETIME when its timeout expires (the run
// decides at once, or it expires when nothing else can run).
int Locking::down(struct semaphore *s, WaitMode mode, const char *api) {
  m_.might_sleep(api);
  m_.sched_point(api);
  if (s->count > 0) {
    s->count--;
    return 0;
  }
  bool killable = mode == WaitMode::Killable;
  bool signals = killable || mode == WaitMode::Interruptible;
  bool timed = mode == WaitMode::Timeout;
  if (timed && m_.fallible(Fault::Timeout, "down_timeout: the timeout expired")) return -ETIME;
  Task &t = m_.cur();
  SemWaiter w{{nullptr, nullptr}, t.id, false};
  add_tail(&w.list, &s->wait_list);
  int ret = 0;
  for (;;) {
    if (signals && m_.signal_arrives(killable, killable ? "down_killable: fatal signal, -EINTR" : "down_interruptible: signal, -EINTR")) {
      ret = -EINTR;
      break;
    }
    t.timed_wait = timed;
    t.timed_out = false;
    t.sleep_interruptible = mode == WaitMode::Interruptible;  // kthread_stop() wakes it: the signal test above ends it
    m_.block(Wait::Semaphore, s, api);
    bool timed_out = t.timed_out;
    t.timed_wait = t.timed_out = t.sleep_interruptible = t.kicked = false;
    if (w.up) return 0;
    if (timed_out) {
      ret = -ETIME;
      break;
    }
  }
  del(&w.list);
  return ret;
}

bool Locking::down_trylock(struct semaphore *s) {
  m_.sched_point("down_trylock");
  if (s->count == 0) return false;
  s->count--;
  return true;
}

void Locking::up(struct semaphore *s) {
  if (no_sleepers(s)) {
    if (s->count == ~0u) m_.report(BugClass::SubjectBug, -1, -1, "up(%s): the count overflows", name_of(s));
    s->count++;
  } else {
    auto *w = reinterpret_cast<SemWaiter *>(s->wait_list.next);
    del(&w->list);
    w->up = true;
    Task &q = m_.task(w->task);
    if (q.state == TaskState::Blocked && q.wait == Wait::Semaphore && q.wait_obj == s) m_.sched().make_runnable(q, "up");
  }
  m_.sched_point("up");
}

}  // namespace kmapsim
