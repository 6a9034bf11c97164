// Per-CPU data and lost atomicity (percpu.cc): each (variable, cpu)
// instance carries a version that changes whenever another task touches it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace kmapsim {

class Machine;
struct Task;

class Percpu {
 public:
  explicit Percpu(Machine &m) : m_(m) {}
  // expr: the accessor's argument as written (imported code), which names
  // a DEFINE_PER_CPU variable in reports.
  void *percpu_ptr(void *base, size_t size, int cpu, bool explicit_cpu, const char *expr = nullptr);
  // The end of t's local-mapping section: lost-atomicity if an instance it
  // used was touched by another task meanwhile.
  void check_section_end(Task &t);
  void reset() { stamps_.clear(); }

  struct Stamp {
    uint64_t version = 0;
    int last_task = -1;
  };

 private:
  Machine &m_;
  std::map<std::pair<const void *, int>, Stamp> stamps_;
};

// Names of per-CPU variables: registered by a subject's DEFINE_PER_CPU
// constructor, or taken from the first accessor of an imported one.
std::map<const void *, std::string> &percpu_names();

}  // namespace kmapsim
