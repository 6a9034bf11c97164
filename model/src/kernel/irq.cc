// Interrupts: a registered handler fires at a scheduling point where
// interrupts are enabled, nested on the interrupted task's fiber, on its
// CPU, with current being that task, so its kmap_local pushes land on the
// task's own kmap_ctrl stack — exactly as in the kernel. The handler runs as
// its own context: the task's mappings are not accessible to it, and its
// own must be gone when it returns.
#include <linux/interrupt.h>

#include "irq.h"

#include "machine.h"

namespace kmapsim {

int Irq::request_irq(unsigned irq, int (*handler)(int, void *), const char *name, void *dev_id) {
  m_.might_sleep("request_irq");
  if (!handler) return -EINVAL;
  handlers_.push_back({irq, handler, dev_id, name ? name : "irq"});
  m_.sched_point("request_irq");
  return 0;
}

void Irq::free_irq(unsigned irq, void *dev_id) {
  m_.might_sleep("free_irq");
  for (size_t i = 0; i < handlers_.size(); i++)
    if (handlers_[i].irq == irq && handlers_[i].dev_id == dev_id) {
      handlers_.erase(handlers_.begin() + static_cast<long>(i));
      m_.executor().synchronize_irq(dev_id);  // torture mode: handlers still running on other CPUs
      m_.sched_point("free_irq");
      return;
    }
  m_.report(BugClass::SubjectBug, -1, -1, "free_irq(%u) of an interrupt that is not requested", irq);
}

void Irq::maybe_fire() {
  Task &t = m_.cur();
  if (handlers_.empty() || t.irqs_off || m_.in_irq()) return;
  if (!m_.decide(Site::Irq)) return;
  size_t which = 0;
  if (handlers_.size() > 1) {
    which = m_.decide_index(Site::IrqWhich, handlers_.size() - 1);
  }
  fire(which);
}

// Runs handler `which` now, nested on the current task (maybe_fire_irq's
// choice, or a fair schedule letting an interrupt end a lone spin).
void Irq::fire(size_t which) {
  Task &t = m_.cur();
  IrqHandler h = handlers_[which];
  size_t depth = t.kmap_ctrl.size();
  int pc = t.preempt_count, pf = t.pagefault_disabled, am = t.atomic_maps, ls = t.local_sections, io = t.irqs_off;
  int instance = ++counter_;
  m_.enter_irq(instance);
  m_.event(Ev::IrqEnter, h.irq, 0, h.name);
  m_.local().sched_out_in(m_.cur_task(), instance);
  t.irqs_off++;  // hardirq handlers run with interrupts disabled
  // Called through its real type (irq_handler_t returns an enum): calling
  // through int (*)(int, void *) is undefined and trips -fsanitize=function.
  auto handler = [](void *arg) {
    const IrqHandler &hh = *static_cast<const IrqHandler *>(arg);
    reinterpret_cast<irq_handler_t>(hh.handler)(static_cast<int>(hh.irq), hh.dev_id);
  };
  m_.executor().run_subject(h.dev_id, handler, &h);  // subject code (torture mode: without the model lock)
  t.irqs_off--;
  if (t.kmap_ctrl.size() > depth) {
    const LocalMap &m = t.kmap_ctrl.back();
    m_.report(BugClass::KmapLeak, m.window, m.pfn, "interrupt handler %s returned holding %s() of pfn %u", h.name, m.api, m.pfn);
  }
  // ARM's kmap_high_get() mappings are not on kmap_ctrl.
  m_.pkmap().check_high_gets_at_return(t, instance, Pkmap::Returning::IrqHandler, h.name);
  if (t.atomic_maps != am)
    m_.report(BugClass::KmapLeak, -1, -1, "interrupt handler %s returned with a kmap_atomic() never kunmap_atomic()ed", h.name);
  if (t.preempt_count != pc || t.pagefault_disabled != pf || t.irqs_off != io)
    m_.report(BugClass::SleepInAtomic, -1, -1, "interrupt handler %s returned with unbalanced preempt/pagefault/irq state", h.name);
  t.local_sections = ls;  // direct-mapped local maps are not tracked by the kernel either
  m_.event(Ev::IrqExit, h.irq, 0, h.name);
  m_.enter_irq(0);
  m_.local().sched_out_in(m_.cur_task(), 0);
}

}  // namespace kmapsim
