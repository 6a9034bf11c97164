// Interrupts (irq.cc): request_irq()/free_irq(), disable_irq()/enable_irq()
// of a line, and the firing of a registered handler at a scheduling point,
// nested on the interrupted task.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace kmapsim {

class Machine;

struct IrqHandler {
  unsigned irq;
  int (*handler)(int, void *);
  void *dev_id;
  const char *name;
};

class Irq {
 public:
  explicit Irq(Machine &m) : m_(m) {}
  int request_irq(unsigned irq, int (*handler)(int, void *), const char *name, void *dev_id);
  void free_irq(unsigned irq, void *dev_id);
  // The line's disable depth (the kernel's irq_desc depth): its handlers
  // fire only at depth 0. disable_irq() also waits for a handler of the
  // line in progress on another CPU (sync); enable_irq() at depth 0 is the
  // kernel's "Unbalanced enable for IRQ" warning, a subject-bug here.
  void disable_line(unsigned irq, bool sync, const char *api);
  void enable_line(unsigned irq, const char *api);
  // synchronize_irq(): waits until no handler of the line is in progress.
  void synchronize_line(unsigned irq, const char *api);
  // At a scheduling point with interrupts enabled: the run may fire one.
  void maybe_fire();
  // Runs handler `which` now, nested on the current task.
  void fire(size_t which);
  // Handlers that may fire now: as the kernel's interrupt core does, a line
  // whose handler is in progress on one CPU (its task switched away while
  // the handler spins on a lock) does not run it on another meanwhile, and
  // a disabled line runs none.
  size_t idle_handlers() const;
  // Runs the k-th handler that may fire now.
  void fire_idle(size_t k);
  // A handler of dev_id is in progress on some CPU (synchronize_irq waits).
  bool in_progress(const void *dev_id) const;
  // What a task waiting for a handler to finish blocks on (Wait::IrqSync).
  const void *done_key() const { return &in_progress_; }
  int fired() const { return counter_; }  // interrupt instances of this run
  void reset() {
    handlers_.clear();
    in_progress_.clear();
    depth_.clear();
    counter_ = 0;
  }

 private:
  bool busy(const IrqHandler &h) const;
  bool can_fire(const IrqHandler &h) const { return !busy(h) && !disabled(h.irq); }
  // The line's disable depth, nullptr for a line never disabled this run.
  const int *depth_of(unsigned irq) const {
    for (const auto &[line, depth] : depth_)
      if (line == irq) return &depth;
    return nullptr;
  }
  int *depth_of(unsigned irq) { return const_cast<int *>(std::as_const(*this).depth_of(irq)); }
  bool disabled(unsigned irq) const {
    const int *d = depth_of(irq);
    return d && *d > 0;
  }
  Machine &m_;
  std::vector<IrqHandler> handlers_;
  std::vector<IrqHandler> in_progress_;  // handlers running now, on any CPU (usually none)
  std::vector<std::pair<unsigned, int>> depth_;  // lines disable_irq()ed at least once this run: {irq, depth}
  int counter_ = 0;
};

}  // namespace kmapsim
