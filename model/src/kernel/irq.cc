// Interrupts: a registered handler fires at a scheduling point where
// interrupts are enabled, nested on the interrupted task's fiber, on its
// CPU, with current being that task, so its kmap_local pushes land on the
// task's own kmap_ctrl stack — exactly as in the kernel. The handler runs as
// its own context: the task's mappings are not accessible to it, and its
// own must be gone when it returns. At its end, pending tasklets run on top
// of the task (softirq.cc).
#include <linux/interrupt.h>

#include "irq.h"

#include <cstdio>

#include "context_return.h"
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

bool Irq::busy(const IrqHandler &h) const {
  for (const IrqHandler &b : in_progress_)
    if (b.irq == h.irq && b.dev_id == h.dev_id && b.handler == h.handler) return true;
  return false;
}

size_t Irq::idle_handlers() const {
  if (in_progress_.empty() && depth_.empty()) return handlers_.size();
  size_t n = 0;
  for (const IrqHandler &h : handlers_) n += can_fire(h);
  return n;
}

void Irq::disable_line(unsigned irq, bool sync, const char *api) {
  if (sync) m_.might_sleep(api);
  if (int *d = depth_of(irq))
    ++*d;
  else
    depth_.push_back({irq, 1});
  m_.event(Ev::Note, irq, 0, api);
  if (sync) synchronize_line(irq, api);
  m_.sched_point(api);
}

void Irq::enable_line(unsigned irq, const char *api) {
  int *d = depth_of(irq);
  if (!d || *d == 0)
    m_.report(BugClass::SubjectBug, -1, -1, "%s(%u): unbalanced enable for IRQ %u: the line is not disabled (the kernel warns)", api, irq,
              irq);
  --*d;
  m_.event(Ev::Note, irq, 0, api);
  m_.sched_point(api);  // the line's handlers may fire from here on
}

// Every handler of the line, each by its dev_id as free_irq() waits (both
// executors track handlers in progress that way).
void Irq::synchronize_line(unsigned irq, const char *api) {
  m_.might_sleep(api);
  std::vector<const void *> devs;  // waiting lets others run: request_irq() may grow handlers_ meanwhile
  for (const IrqHandler &h : handlers_)
    if (h.irq == irq) devs.push_back(h.dev_id);
  for (const void *d : devs) m_.executor().synchronize_irq(d);
}

bool Irq::in_progress(const void *dev_id) const {
  for (const IrqHandler &b : in_progress_)
    if (b.dev_id == dev_id) return true;
  return false;
}

// With no handler in progress elsewhere (every run before a handler first
// spins on a lock held on another CPU) the decisions are exactly one
// Site::Irq and, with several handlers, one Site::IrqWhich among them all.
void Irq::maybe_fire() {
  Task &t = m_.cur();
  if (handlers_.empty() || t.irqs_off || m_.in_irq()) return;
  size_t n = idle_handlers();
  if (n == 0) return;
  if (!m_.decide(Site::Irq)) return;
  size_t which = 0;
  if (n > 1) {
    which = m_.decide_index(Site::IrqWhich, n - 1);
  }
  fire_idle(which);
}

void Irq::fire_idle(size_t k) {
  for (size_t i = 0; i < handlers_.size(); i++) {
    if (!can_fire(handlers_[i])) continue;
    if (k-- == 0) return fire(i);
  }
}

// Runs handler `which` now, nested on the current task (maybe_fire_irq's
// choice, or a fair schedule letting an interrupt end a lone spin).
void Irq::fire(size_t which) {
  Task &t = m_.cur();
  IrqHandler h = handlers_[which];
  ContextEntry entry = ContextEntry::of(t);
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
  in_progress_.push_back(h);
  m_.executor().run_subject(h.dev_id, handler, &h);  // subject code (torture mode: without the model lock)
  for (size_t i = in_progress_.size(); i-- > 0;)
    if (in_progress_[i].irq == h.irq && in_progress_[i].dev_id == h.dev_id && in_progress_[i].handler == h.handler) {
      in_progress_.erase(in_progress_.begin() + static_cast<long>(i));
      break;
    }
  if (m_.blocked_on(Wait::IrqSync)) m_.wake(Wait::IrqSync, done_key(), true);  // synchronize_irq()
  t.irqs_off--;
  char who[128];  // not a std::string: a report leaves this frame without unwinding it
  snprintf(who, sizeof who, "interrupt handler %s", h.name);
  check_context_return(m_, t, entry, who, instance, Pkmap::Returning::IrqHandler, h.name);
  m_.event(Ev::IrqExit, h.irq, 0, h.name);
  m_.enter_irq(0);
  m_.local().sched_out_in(m_.cur_task(), 0);
  // The tasklets the handler (or anyone) queued on this CPU run now, on top
  // of the interrupted task, unless it is in softirq context or has bottom
  // halves disabled.
  m_.softirq().irq_exit("softirqs at irq_exit");
}

}  // namespace kmapsim
