// The workqueues: the system workqueue and each alloc_workqueue()'s. An
// ordered queue has one kworker task, which runs its items in order; any
// other has up to two (workqueue.h, kMaxWorkers), so an item that sleeps
// does not hold up the next one, and two items may touch shared state at
// once, as under the kernel's concurrency-managed pools. A kworker starts
// when an item is queued and more items could start than kworkers are free.
// An item is not re-entrant: queued again while it runs, it waits until
// that run ends, as the kernel's find_worker_executing_work() arranges.
// A work item is its own context: it must not use a local mapping its
// submitter made, and must return holding none. As in the kernel, an item
// is no longer pending once its function starts, and the function may
// queue it again or free it: the worker never touches the item after the
// call (which item runs is the worker's own record).
#include <linux/workqueue.h>

#include <cstddef>

#include "workqueue.h"

#include "context_return.h"
#include "machine.h"

namespace kmapsim {

constexpr unsigned long kWorkPending = 1;  // WORK_STRUCT_PENDING_BIT's value, as work_pending() reads it

static_assert(sizeof(struct workqueue_struct) == sizeof(int) && offsetof(struct workqueue_struct, kmapsim_wq) == 0,
              "struct workqueue_struct is Queue::handle");

struct workqueue_struct *Workqueue::alloc(const std::string &name, bool ordered) {
  queues_.push_back({static_cast<int>(queues_.size()), name});
  if (ordered) queues_.back().max_workers = 1;
  return reinterpret_cast<struct workqueue_struct *>(&queues_.back().handle);
}

bool Workqueue::Queue::busy() const {
  for (const Worker &k : workers)
    if (k.running) return true;
  return false;
}

void Workqueue::start_worker(int wq) {
  Queue &q = queues_[wq];
  size_t n = q.workers.size() + 1;
  // The first kworker keeps the name reports have always given it.
  std::string name = wq == kSystem ? "kworker/0:" + std::to_string(n) : "kworker/u:" + q.name;
  if (wq != kSystem && n > 1) name += "/" + std::to_string(n);
  q.workers.push_back({-1});
  int task = m_.create_task(name, nullptr, nullptr, nullptr, wq);
  queues_[wq].workers[n - 1].task = task;
}

// Whether queue q starts a kworker for its items: while the items that
// could start now outnumber its idle kworkers, up to kMaxWorkers; beyond
// that when none of its kworkers runs (each sleeps in its item), as the
// kernel's pool, whose nr_running is then 0, wakes its last idle worker to
// start another (wq_worker_sleeping(), maybe_create_worker()). So an item
// that waits for one queued behind it (two items waiting for a third) is
// not stuck behind the sleepers. An ordered queue runs one item at a time,
// sleeping or not: there such a wait is the kernel's deadlock too.
bool Workqueue::needs_worker(const Queue &q) const {
  size_t idle = 0, ready = 0;
  for (const Queue::Worker &k : q.workers) idle += k.running == nullptr;
  for (const Queue::Item &it : q.items) ready += !running(it.work);
  if (ready <= idle) return false;
  if (q.workers.size() < q.max_workers) return true;
  if (q.max_workers == 1 || q.workers.size() >= kMaxActive) return false;
  for (const Queue::Worker &k : q.workers) {
    const Task &t = m_.task(k.task);
    if (t.state != TaskState::Blocked || keeps_cpu(t.wait)) return false;  // it runs (or spins): nr_running > 0
  }
  return true;
}

void Workqueue::worker_sleeping(int wq) {
  if (valid(wq) && needs_worker(queues_[wq])) start_worker(wq);
}

bool Workqueue::queue_work(int wq, struct work_struct *w) {
  Queue &q = queues_[wq];
  if (w->state & kWorkPending) return false;
  w->state |= kWorkPending;
  q.items.push_back({w, ++q.queued});
  // A kworker more while the items that could start now outnumber the
  // kworkers running none, as a kernel pool wakes another worker for work
  // that waits (an item queued again while it runs waits for its kworker).
  if (needs_worker(q)) start_worker(wq);
  m_.wake(Wait::IdleWorker, &q, true);
  m_.sched_point(wq == kSystem ? "schedule_work" : "queue_work");
  return true;
}

void Workqueue::worker_loop(int wq) {
  Task &t = m_.cur();
  for (;;) {
    Queue &q = queues_[wq];
    size_t self = 0;
    while (q.workers[self].task != t.id) self++;
    // The first item no kworker runs now: an item queued again while it
    // runs waits for that run to end.
    size_t i = 0;
    while (i < q.items.size() && running(q.items[i].work)) i++;
    if (i == q.items.size()) {
      if (m_.executor().stopping()) return;  // torture mode ends the worker's host thread
      m_.block(Wait::IdleWorker, &q, "worker_thread");
      continue;
    }
    struct work_struct *w = q.items[i].work;
    q.workers[self].running_seq = q.items[i].seq;
    q.items.erase(q.items.begin() + static_cast<long>(i));
    w->state &= ~kWorkPending;
    q.workers[self].running = w;
    m_.event(Ev::Note, 0, 0, "work item starts");
    ContextEntry entry = ContextEntry::of(t);
    // Subject code (torture mode: without the model lock).
    m_.executor().run_subject(nullptr, [](void *arg) { static_cast<struct work_struct *>(arg)->func(static_cast<struct work_struct *>(arg)); }, w);
    check_context_return(m_, t, entry, "work item", 0, Pkmap::Returning::WorkItem, nullptr);
    queues_[wq].workers[self].running = nullptr;
    m_.wake(Wait::Work, w, true);  // the address only: the item may be gone
    m_.wake(Wait::Work, &queues_[wq], true);  // flush_workqueue()'s waiters
    m_.sched_point("worker_thread");
  }
}

bool Workqueue::running(const struct work_struct *w) const {
  for (const Queue &q : queues_)
    for (const Queue::Worker &k : q.workers)
      if (k.running == w) return true;
  return false;
}

bool Workqueue::idle() const {
  for (const Queue &q : queues_)
    if (!q.items.empty()) return false;
  return true;
}

bool Workqueue::Queue::holds_upto(uint64_t seq) const {
  for (const Worker &k : workers)
    if (k.running && k.running_seq <= seq) return true;
  for (const Item &it : items)
    if (it.seq <= seq) return true;
  return false;
}

bool Workqueue::cancel_work(struct work_struct *w) {
  for (Queue &q : queues_)
    for (size_t i = 0; i < q.items.size(); i++)
      if (q.items[i].work == w) {
        q.items.erase(q.items.begin() + static_cast<long>(i));
        w->state = 0;
        m_.wake(Wait::Work, &q, true);  // a flush may have waited for it
        return true;
      }
  return false;
}

bool Workqueue::cancel_work_sync(struct work_struct *w) {
  if (cancel_work(w)) return true;
  flush_work(w);
  return false;
}

// Both wait on the queue itself: a work item of this queue that flushes or
// drains it waits for its own run to end, which is the kernel's deadlock too.
void Workqueue::flush(int wq, const char *api) {
  m_.might_sleep(api);
  m_.sched_point(api);
  uint64_t upto = queues_[wq].queued;
  while (queues_[wq].holds_upto(upto)) m_.block(Wait::Work, &queues_[wq], api);
}

void Workqueue::drain(int wq, const char *api) {
  m_.might_sleep(api);
  m_.sched_point(api);
  while (!queues_[wq].items.empty() || queues_[wq].busy()) m_.block(Wait::Work, &queues_[wq], api);
}

bool Workqueue::destroy(int wq) {
  if (!valid(wq) || wq == kSystem) return false;
  drain(wq, "destroy_workqueue");
  queues_[wq].destroyed = true;
  return true;
}

bool Workqueue::flush_work(struct work_struct *w) {
  m_.might_sleep("flush_work");
  m_.sched_point("flush_work");
  bool waited = false;
  while ((w->state & kWorkPending) || running(w)) {
    waited = true;
    m_.block(Wait::Work, w, "flush_work");
  }
  return waited;
}

}  // namespace kmapsim
