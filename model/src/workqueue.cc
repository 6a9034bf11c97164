// The system workqueue: one kworker task, created on first use, runs work
// items in order. A work item is its own context: it must not use a local
// mapping its submitter made, and must return holding none.
#include <linux/workqueue.h>

#include "machine.h"
#include "torture.h"

namespace kmapsim {

constexpr unsigned long kWorkPending = 1, kWorkRunning = 2;

bool Machine::schedule_work(struct work_struct *w) {
  if (w->state & kWorkPending) return false;
  w->state |= kWorkPending;
  work_queue_.push_back(w);
  if (worker_ < 0) worker_ = create_task("kworker/0:1", nullptr, nullptr, nullptr, true);
  wake(Wait::IdleWorker, nullptr, true);
  sched_point("schedule_work");
  return true;
}

void Machine::worker_loop() {
  Task &t = cur();
  for (;;) {
    if (work_queue_.empty()) {
      if (torture_ && torture_->stopping()) return;  // torture mode ends the worker's host thread
      block(Wait::IdleWorker, nullptr, "worker_thread");
      continue;
    }
    struct work_struct *w = work_queue_.front();
    work_queue_.erase(work_queue_.begin());
    w->state = kWorkRunning;
    event(Ev::Note, 0, 0, "work item starts");
    if (torture_)
      torture_->unlocked([w] { w->func(w); });  // work items run without the model lock
    else
      w->func(w);
    if (!t.kmap_ctrl.empty()) {
      const LocalMap &m = t.kmap_ctrl.back();
      report(BugClass::KmapLeak, m.window, m.pfn, "work item returned holding %s() of pfn %u", m.api, m.pfn);
    }
    for (const auto &[slot, owner] : t.high_gets)  // ARM's kmap_high_get() mappings (see irq.cc)
      if (owner == 0)
        report(BugClass::KmapLeak, pkmap_window(slot), pkmap_page_[slot],
               "work item returned holding a local mapping of pfn %d at its PKMAP address (kmap_high_get(): a pkmap_count reference of slot %u never dropped)",
               pkmap_page_[slot], slot);
    if (t.atomic_maps) report(BugClass::KmapLeak, -1, -1, "work item returned with a kmap_atomic() never kunmap_atomic()ed");
    if (t.preempt_count || t.irqs_off)
      report(BugClass::SleepInAtomic, -1, -1, "work item returned with preempt_count %d%s", t.preempt_count, t.irqs_off ? " and interrupts off" : "");
    t.local_sections = 0;
    if (w->state == kWorkRunning) w->state = 0;
    else w->state &= ~kWorkRunning;
    wake(Wait::Work, w, true);
    sched_point("worker_thread");
  }
}

bool Machine::flush_work(struct work_struct *w) {
  might_sleep("flush_work");
  sched_point("flush_work");
  bool waited = false;
  while (w->state) {
    waited = true;
    block(Wait::Work, w, "flush_work");
  }
  return waited;
}

}  // namespace kmapsim
