// Wait queues (linux/wait.h): the wake functions and the sleep.
//
// The queue itself, its lock and its entries are the kernel's C structures
// (the header walks them as __wake_up() does); what the model adds is the
// sleeping task. An entry's default wake function marks the entry
// WQ_FLAG_WOKEN and, if its task sleeps on that queue, makes it runnable.
// kmapsim_wait_queue_sleep() does not sleep when the entry is already
// woken: a wake-up that came between prepare_to_wait() and the sleep (the
// window set_current_state() closes in the kernel) is never lost. As with
// completions, an interruptible or killable sleep may end with a signal and
// a timed one with its timeout (fault injection), and a timed sleeper also
// wakes when nothing else can run.
#include "api_entry.h"
#include "machine.h"

#include <kmapsim/subject.h>
#include <linux/list.h>
#undef current

struct wait_queue_head;

namespace {
// linux/wait.h's values (that header is C only: its entry has a field named
// `private`, so the model gets the entry's flags and task, not the entry)
constexpr unsigned kExclusive = 0x01;       // WQ_FLAG_EXCLUSIVE
constexpr unsigned kWoken = 0x02;           // WQ_FLAG_WOKEN
constexpr long kErestartsys = 512;          // the kernel's ERESTARTSYS
}  // namespace

extern "C" {

int kmapsim_wake_entry(unsigned int *entry_flags, struct task_struct *task, unsigned int mode) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard g(m);
  if (!task) return 0;
  int id = task->kmapsim_id;
  if (id < 0 || static_cast<size_t>(id) >= m.ntasks()) return 0;
  kmapsim::Task &q = m.task(id);
  // try_to_wake_up(): a task state that matches the mode goes back to
  // TASK_RUNNING (an open-coded prepare_to_wait() + schedule() wakes here).
  m.sched().wake_state(q, mode, "wake_up");
  // An interruptible-only wake-up (wake_up_interruptible) leaves an
  // uninterruptible sleeper asleep, as try_to_wake_up()'s state test does.
  bool interruptible_only = (mode & kmapsim::kTaskNormal) == kmapsim::kTaskInterruptible;
  bool asleep = q.state == kmapsim::TaskState::Blocked && q.wait == kmapsim::Wait::Queue;
  if (interruptible_only && asleep && !q.wq_interruptible) return 0;
  *entry_flags |= kWoken;
  if (asleep) {
    q.timed_wait = false;
    m.sched().make_runnable(q, "wake_up");
  }
  return 1;
}

// Under the model lock, as wq->lock is held in the kernel: in torture mode
// a wake_up() walks the list while another task links or unlinks.
void kmapsim_wq_link(struct list_head *entry, struct list_head *head, int unlinked_only) {
  kmapsim::GuardIfRunning g;
  if (unlinked_only && entry->next != entry) return;  // queued already
  entry->next = head->next;
  entry->prev = head;
  head->next->prev = entry;
  head->next = entry;
}

void kmapsim_wq_unlink(struct list_head *entry) {
  kmapsim::GuardIfRunning g;
  if (entry->next == entry) return;
  entry->next->prev = entry->prev;
  entry->prev->next = entry->next;
  entry->next = entry->prev = entry;
}

void kmapsim_wq_prepare(struct list_head *entry, struct list_head *head, unsigned int *entry_flags, int state) {
  kmapsim::GuardIfRunning g;
  kmapsim::Machine *running = kmapsim::Machine::running();
  *entry_flags &= ~(kExclusive | kWoken);
  kmapsim_wq_link(entry, head, 1);
  if (running && running->in_run() && !running->in_irq() && running->cur_task() >= 0) {
    running->cur().sleep_state = static_cast<unsigned>(state);
    running->cur().state_woken = false;
  }
}

// __wake_up(): the walk runs inside this API call, so the wake functions'
// plain accesses are no scheduling points (plain_access.cc) and no task can
// change the list under it, as with wq->lock held.
void kmapsim_wake_up(struct list_head *head, size_t entry_offset, unsigned int mode, int nr_exclusive, void *key,
                     int (*call)(void *entry, unsigned int mode, void *key, unsigned int *wflags)) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard g(m);
  for (struct list_head *node = head->next, *next; node != head; node = next) {
    next = node->next;
    unsigned int wflags = 0;
    int ret = call(reinterpret_cast<char *>(node) - entry_offset, mode, key, &wflags);
    if (ret < 0) break;
    if (ret && (wflags & kExclusive) && !--nr_exclusive) break;
  }
}

// Reached from wait.h's macros, expanded in the waiting function itself:
// its return address is the wait's line, which the block event and the
// reports name, with the waiting API's name (wait_event, folio_lock, ...).
long kmapsim_wait_queue_sleep(struct wait_queue_head *wq, const unsigned int *entry_flags, int state, int timed, const char *api) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard g(m);
  kmapsim::SiteGuard site(m, reinterpret_cast<uintptr_t>(__builtin_return_address(0)), __builtin_frame_address(0), api);
  m.might_sleep(api);
  m.sched_point(api);
  if (*entry_flags & kWoken) return 0;
  bool killable = (state & kmapsim::kTaskWakeKill) != 0;
  if ((state & kmapsim::kTaskInterruptible) || killable) {
    if (m.signal_arrives(killable, killable ? "killable wait: fatal signal, -ERESTARTSYS" : "interruptible wait: signal, -ERESTARTSYS"))
      return -kErestartsys;
  }
  if (timed && m.fallible(kmapsim::Fault::Timeout, "timed wait: the timeout expired")) return 1;
  kmapsim::Task &t = m.cur();
  t.timed_wait = timed != 0;
  t.timed_out = false;
  t.wq_interruptible = (state & kmapsim::kTaskInterruptible) != 0;
  while (!(*entry_flags & kWoken)) {
    m.block(kmapsim::Wait::Queue, wq, api);
    if (t.timed_out || t.kicked) break;  // kicked: kthread_stop()'s wake_up_process(); the caller tests again
  }
  bool timed_out = t.timed_out && !(*entry_flags & kWoken);
  t.timed_wait = t.timed_out = t.kicked = false;
  t.wq_interruptible = false;
  return timed_out ? 1 : 0;
}

}  // extern "C"
