// Interrupts: a registered handler fires at a scheduling point where
// interrupts are enabled, nested on the interrupted task's fiber, on its
// CPU, with current being that task, so its kmap_local pushes land on the
// task's own kmap_ctrl stack — exactly as in the kernel. The handler runs as
// its own context: the task's mappings are not accessible to it, and its
// own must be gone when it returns.
#include <linux/interrupt.h>

#include "machine.h"
#include "torture.h"

namespace kmapsim {

int Machine::request_irq(unsigned irq, int (*handler)(int, void *), const char *name, void *dev_id) {
  might_sleep("request_irq");
  if (!handler) return -EINVAL;
  irqs_.push_back({irq, handler, dev_id, name ? name : "irq"});
  sched_point("request_irq");
  return 0;
}

void Machine::free_irq(unsigned irq, void *dev_id) {
  might_sleep("free_irq");
  for (size_t i = 0; i < irqs_.size(); i++)
    if (irqs_[i].irq == irq && irqs_[i].dev_id == dev_id) {
      irqs_.erase(irqs_.begin() + static_cast<long>(i));
      if (torture_) torture_->synchronize_irq(dev_id);  // handlers still running on other CPUs
      sched_point("free_irq");
      return;
    }
  report(BugClass::SubjectBug, -1, -1, "free_irq(%u) of an interrupt that is not requested", irq);
}

void Machine::maybe_fire_irq() {
  Task &t = cur();
  if (irqs_.empty() || t.irqs_off || irq_instance_) return;
  if (!decide(Site::Irq)) return;
  size_t which = 0;
  if (irqs_.size() > 1) {
    which = src_->pick(Site::IrqWhich, 0, irqs_.size() - 1);
    if (which >= irqs_.size()) which = 0;
    trace_.push(Site::IrqWhich, which);
  }
  fire_irq(which);
}

// Runs handler `which` now, nested on the current task (maybe_fire_irq's
// choice, or a fair schedule letting an interrupt end a lone spin).
void Machine::fire_irq(size_t which) {
  Task &t = cur();
  IrqHandler h = irqs_[which];
  size_t depth = t.kmap_ctrl.size();
  int pc = t.preempt_count, pf = t.pagefault_disabled, am = t.atomic_maps, ls = t.local_sections, io = t.irqs_off;
  irq_instance_ = ++irq_counter_;
  event(Ev::IrqEnter, h.irq, 0, h.name);
  activate_context(cur_task_, irq_instance_);
  t.irqs_off++;  // hardirq handlers run with interrupts disabled
  // Called through its real type (irq_handler_t returns an enum): calling
  // through int (*)(int, void *) is undefined and trips -fsanitize=function.
  auto handler = [&h] { reinterpret_cast<irq_handler_t>(h.handler)(static_cast<int>(h.irq), h.dev_id); };
  if (torture_) {
    torture_->run_handler(h.dev_id, handler);  // without the model lock, like all subject code
  } else {
    int depth = api_depth_;  // the handler is subject code: the watchdog may interrupt it
    api_depth_ = 0;
    handler();
    api_depth_ = depth;
  }
  t.irqs_off--;
  if (t.kmap_ctrl.size() > depth) {
    const LocalMap &m = t.kmap_ctrl.back();
    report(BugClass::KmapLeak, m.window, m.pfn, "interrupt handler %s returned holding %s() of pfn %u", h.name, m.api, m.pfn);
  }
  // ARM (kmap_high_get()): a kmap_local_page()/kmap_atomic() of a page that
  // had a PKMAP address took a pkmap_count reference instead of a fixmap
  // slot, so it is not on kmap_ctrl; a handler that returns without
  // kunmap_local() leaves that reference behind and the slot can never be
  // flushed.
  for (const auto &[slot, owner] : t.high_gets)
    if (owner == irq_instance_) {
      int w = pkmap_window(slot);
      report(BugClass::KmapLeak, w, pkmap_page_[slot],
             "interrupt handler %s returned holding a local mapping of pfn %d at its PKMAP address %p (kmap_high_get(): "
             "a pkmap_count reference of slot %u never dropped)",
             h.name, pkmap_page_[slot], static_cast<void *>(window_addr(w)), slot);
    }
  if (t.atomic_maps != am)
    report(BugClass::KmapLeak, -1, -1, "interrupt handler %s returned with a kmap_atomic() never kunmap_atomic()ed", h.name);
  if (t.preempt_count != pc || t.pagefault_disabled != pf || t.irqs_off != io)
    report(BugClass::SleepInAtomic, -1, -1, "interrupt handler %s returned with unbalanced preempt/pagefault/irq state", h.name);
  t.local_sections = ls;  // direct-mapped local maps are not tracked by the kernel either
  event(Ev::IrqExit, h.irq, 0, h.name);
  irq_instance_ = 0;
  activate_context(cur_task_, 0);
}

}  // namespace kmapsim
