// The system workqueue (workqueue.cc): one kworker task, created on first
// use, runs work items in order, each as its own context.
#pragma once

#include <vector>

struct work_struct;

namespace kmapsim {

class Machine;

class Workqueue {
 public:
  explicit Workqueue(Machine &m) : m_(m) {}
  bool schedule_work(struct work_struct *w);
  bool flush_work(struct work_struct *w);
  // cancel_work_sync(): a pending item is dropped (true); a running one is
  // waited for.
  bool cancel_work_sync(struct work_struct *w);
  void flush_scheduled_work();
  // The kworker's body.
  void worker_loop();
  bool idle() const { return queue_.empty(); }
  void reset() {
    queue_.clear();
    worker_ = -1;
    running_ = nullptr;
  }

 private:
  Machine &m_;
  std::vector<struct work_struct *> queue_;
  int worker_ = -1;  // the kworker's task, -1 before the first item
  struct work_struct *running_ = nullptr;  // the item whose function runs now
};

}  // namespace kmapsim
