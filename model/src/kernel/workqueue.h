// The workqueues (workqueue.cc): the system workqueue, which every
// system_*_wq and schedule_work() use, and each one alloc_workqueue()
// makes. Each has one kworker task of its own, created on first use, that
// runs its items in order, each as its own context.
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
  // A new workqueue, its handle the model's until the run ends (its
  // kworker starts with its first item).
  struct workqueue_struct *alloc(const std::string &name);
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
    int worker = -1;                         // its kworker's task, -1 before the first item
    struct work_struct *running = nullptr;  // the item whose function runs now
    uint64_t running_seq = 0;
    uint64_t queued = 0;  // items queued so far
    bool destroyed = false;
    // An item queued at or before seq is queued or running still.
    bool holds_upto(uint64_t seq) const;
  };
  bool running(const struct work_struct *w) const;
  Machine &m_;
  std::deque<Queue> queues_;
};

}  // namespace kmapsim
