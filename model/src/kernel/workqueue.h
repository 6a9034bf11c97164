// The workqueues (workqueue.cc): the system workqueue, which every
// system_*_wq and schedule_work() use, and each one alloc_workqueue()
// makes. Each has kworker tasks of its own, created as its items need
// them: one for an ordered queue (or max_active 1), which runs its items
// in order; two for the others, so two items may run at once, as on a
// kernel workqueue. An item is never run by two kworkers at once.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

struct work_struct;
struct workqueue_struct;

namespace kmapsim {

class Machine;

class Workqueue {
 public:
  static constexpr int kSystem = 0;  // the system workqueue's index

  explicit Workqueue(Machine &m) : m_(m) { reset(); }
  // A new workqueue, its handle the model's until the run ends (its first
  // kworker starts with its first item). ordered: __WQ_ORDERED or
  // max_active 1, one item at a time.
  struct workqueue_struct *alloc(const std::string &name, bool ordered);
  bool queue_work(int wq, struct work_struct *w);
  bool schedule_work(struct work_struct *w) { return queue_work(kSystem, w); }
  bool flush_work(struct work_struct *w);
  // cancel_work_sync(): a pending item is dropped (true); a running one is
  // waited for. cancel_work(): dropped if pending, not waited for.
  bool cancel_work_sync(struct work_struct *w);
  bool cancel_work(struct work_struct *w);
  // flush_workqueue(): until every item queued on wq before the call has
  // run (or was cancelled); what they queue meanwhile is not waited for.
  void flush(int wq, const char *api);
  // drain_workqueue(): until wq is empty, what its items queue again
  // included.
  void drain(int wq, const char *api);
  // destroy_workqueue(): drained; its kworker stays idle. false for the
  // system workqueue.
  bool destroy(int wq);
  bool valid(int wq) const { return wq >= 0 && static_cast<size_t>(wq) < queues_.size() && !queues_[wq].destroyed; }
  void flush_scheduled_work() { flush(kSystem, "flush_scheduled_work"); }
  // A kworker's body.
  void worker_loop(int wq);
  bool idle() const;
  void reset() {
    queues_.clear();
    queues_.push_back({kSystem, "events"});
  }
  // A kworker of queue wq goes to sleep (Sched::block): another may start.
  void worker_sleeping(int wq);
  // kworkers a queue that is not ordered starts for items queued while
  // the others run: two items at once is what a bug between concurrent
  // items needs, and each kworker more is a task the explorer must
  // schedule. Fewer than the kernel's max_active: a restriction of the
  // schedules. One more starts whenever every kworker of the queue sleeps
  // with an item waiting (needs_worker()), as the kernel's pool does, up
  // to its max_active (WQ_DFL_ACTIVE): items that wait for one another are
  // never a false deadlock.
  static constexpr size_t kMaxWorkers = 2;
  static constexpr size_t kMaxActive = 256;

 private:
  struct Queue {
    // What alloc_workqueue() returns: linux/workqueue.h's struct
    // workqueue_struct is this int (headers of the model's own C++ do not
    // see the kernel's; workqueue.cc checks the layout).
    int handle;
    std::string name;
    struct Item {
      struct work_struct *work;
      uint64_t seq;  // the queue's count of queueings, for flush_workqueue()
    };
    std::vector<Item> items;
    struct Worker {
      int task;                                // the kworker's task
      struct work_struct *running = nullptr;  // the item whose function it runs now
      uint64_t running_seq = 0;
    };
    std::vector<Worker> workers;  // made as items need them, kept until the run ends
    size_t max_workers = kMaxWorkers;
    uint64_t queued = 0;  // items queued so far
    bool destroyed = false;
    bool busy() const;  // an item is running
    // An item queued at or before seq is queued or running still.
    bool holds_upto(uint64_t seq) const;
  };
  bool running(const struct work_struct *w) const;
  bool needs_worker(const Queue &q) const;
  void start_worker(int wq);
  Machine &m_;
  std::deque<Queue> queues_;
};

}  // namespace kmapsim
