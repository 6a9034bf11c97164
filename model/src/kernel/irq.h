// Interrupts (irq.cc): request_irq()/free_irq() and the firing of a
// registered handler at a scheduling point, nested on the interrupted task.
#pragma once

#include <cstddef>
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
  // At a scheduling point with interrupts enabled: the run may fire one.
  void maybe_fire();
  // Runs handler `which` now, nested on the current task.
  void fire(size_t which);
  size_t handlers() const { return handlers_.size(); }
  int fired() const { return counter_; }  // interrupt instances of this run
  void reset() {
    handlers_.clear();
    counter_ = 0;
  }

 private:
  Machine &m_;
  std::vector<IrqHandler> handlers_;
  int counter_ = 0;
};

}  // namespace kmapsim
