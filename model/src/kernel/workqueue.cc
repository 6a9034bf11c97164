// The system workqueue: one kworker task, created on first use, runs work
// items in order. A work item is its own context: it must not use a local
// mapping its submitter made, and must return holding none. As in the
// kernel, an item is no longer pending once its function starts, and the
// function may queue it again or free it: the worker never touches the
// item after the call (which item runs is the worker's own record).
#include <linux/workqueue.h>

#include "workqueue.h"

#include "machine.h"

namespace kmapsim {

constexpr unsigned long kWorkPending = 1;

bool Workqueue::schedule_work(struct work_struct *w) {
  if (w->state & kWorkPending) return false;
  w->state |= kWorkPending;
  queue_.push_back(w);
  if (worker_ < 0) worker_ = m_.create_task("kworker/0:1", nullptr, nullptr, nullptr, true);
  m_.wake(Wait::IdleWorker, nullptr, true);
  m_.sched_point("schedule_work");
  return true;
}

void Workqueue::worker_loop() {
  Task &t = m_.cur();
  for (;;) {
    if (queue_.empty()) {
      if (m_.executor().stopping()) return;  // torture mode ends the worker's host thread
      m_.block(Wait::IdleWorker, nullptr, "worker_thread");
      continue;
    }
    struct work_struct *w = queue_.front();
    queue_.erase(queue_.begin());
    w->state &= ~kWorkPending;
    running_ = w;
    m_.event(Ev::Note, 0, 0, "work item starts");
    // Subject code (torture mode: without the model lock).
    m_.executor().run_subject(nullptr, [](void *arg) { static_cast<struct work_struct *>(arg)->func(static_cast<struct work_struct *>(arg)); }, w);
    if (!t.kmap_ctrl.empty()) {
      const LocalMap &m = t.kmap_ctrl.back();
      m_.report(BugClass::KmapLeak, m.window, m.pfn, "work item returned holding %s() of pfn %u", m.api, m.pfn);
    }
    m_.pkmap().check_high_gets_at_return(t, 0, Pkmap::Returning::WorkItem, nullptr);  // ARM's kmap_high_get() mappings
    if (t.atomic_maps) m_.report(BugClass::KmapLeak, -1, -1, "work item returned with a kmap_atomic() never kunmap_atomic()ed");
    if (t.preempt_count || t.irqs_off)
      m_.report(BugClass::SleepInAtomic, -1, -1, "work item returned with preempt_count %d%s", t.preempt_count, t.irqs_off ? " and interrupts off" : "");
    t.local_sections = 0;
    running_ = nullptr;
    m_.wake(Wait::Work, w, true);  // the address only: the item may be gone
    m_.sched_point("worker_thread");
  }
}

bool Workqueue::cancel_work_sync(struct work_struct *w) {
  for (size_t i = 0; i < queue_.size(); i++)
    if (queue_[i] == w) {
      queue_.erase(queue_.begin() + static_cast<long>(i));
      w->state = 0;
      return true;
    }
  flush_work(w);
  return false;
}

void Workqueue::flush_scheduled_work() {
  while (!queue_.empty()) flush_work(queue_.back());
}

bool Workqueue::flush_work(struct work_struct *w) {
  m_.might_sleep("flush_work");
  m_.sched_point("flush_work");
  bool waited = false;
  while ((w->state & kWorkPending) || running_ == w) {
    waited = true;
    m_.block(Wait::Work, w, "flush_work");
  }
  return waited;
}

}  // namespace kmapsim
