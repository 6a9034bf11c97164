// struct task_struct as C code sees it: current->mm, ->pid, ->comm, ->flags.
//
// The model keeps a task's real state in Task (machine.h); this is the
// kernel-shaped view of it that imported code and subjects read, one per
// task, rebuilt on first use in each run so every run starts from the same
// values. The subject's main task is a user task (the one a system call
// runs in): it has an address space, a zeroed struct mm_struct of the run.
// Kernel threads (kthread_run) and workqueue workers have PF_KTHREAD and no
// mm, as in the kernel. pids are 1000 + the task's id, in creation order.
#include <cstdlib>
#include <cstring>
#include <deque>

#include "machine.h"

#include <kmapsim/subject.h>
#undef current

namespace kmapsim {
namespace {

struct KernelTasks {
  std::deque<struct task_struct> tasks;  // by task id; a deque keeps addresses
  std::deque<uint64_t> made_in;          // the run each entry was made for
  struct mm_struct mm;                   // the main task's address space
  uint64_t mm_run = 0;
};

KernelTasks &state(Machine &m) {
  if (!m.kernel_tasks_) m.kernel_tasks_ = std::make_shared<KernelTasks>();
  return *static_cast<KernelTasks *>(m.kernel_tasks_.get());
}

}  // namespace

struct task_struct *kernel_task(Machine &m, int id) {
  KernelTasks &k = state(m);
  while (k.tasks.size() <= static_cast<size_t>(id)) {
    k.tasks.emplace_back();
    k.made_in.push_back(0);
  }
  // run_serial_ starts at 1 with the first run, so 0 is never current
  if (k.mm_run != m.run_serial_) {
    memset(&k.mm, 0, sizeof k.mm);
    k.mm_run = m.run_serial_;
  }
  struct task_struct &t = k.tasks[id];
  if (k.made_in[id] != m.run_serial_) {
    const Task &task = m.task(id);
    memset(&t, 0, sizeof t);
    t.kmapsim_id = id;
    t.pid = t.tgid = 1000 + id;
    bool kthread = task.subject == nullptr;  // kthread_run and workers run a function, not the subject
    t.flags = kthread ? PF_KTHREAD : 0;
    t.mm = t.active_mm = kthread ? nullptr : &k.mm;
    strncpy(t.comm, task.name.c_str(), TASK_COMM_LEN - 1);
    k.made_in[id] = m.run_serial_;
  }
  return &t;
}

}  // namespace kmapsim

extern "C" {

struct task_struct *kmapsim_current(void) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard g(m);
  return kmapsim::kernel_task(m, m.cur_task());
}

const char *kmapsim_task_comm(const struct task_struct *task) { return task->comm; }

}  // extern "C"
