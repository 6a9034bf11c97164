// The unit tests' decision source: per-site queues of scripted values.
// Only tests use it, so it lives with them rather than in the model.
#pragma once

#include <cstdint>
#include <vector>

#include "decision.h"

namespace kmapsim {

// Per-site queues of scripted values, consumed in order; when a
// site's queue is empty its default applies (highmem pages, no failure, no
// fault, no interrupt or migration, keep the current task, pick = lo).
class ScriptSource : public DecisionSource {
 public:
  ScriptSource &push(Site s, uint64_t v) {
    q_[static_cast<size_t>(s)].push_back(v);
    return *this;
  }
  ScriptSource &set_default(Site s, uint64_t v) {
    def_[static_cast<size_t>(s)] = v;
    return *this;
  }
  void begin_run() override { pos_.assign(static_cast<size_t>(Site::kCount), 0); }
  uint64_t pick(Site site, uint64_t lo, uint64_t hi) override;
  bool should(Site site) override { return next(site, def_[static_cast<size_t>(site)]) != 0; }
  size_t next_task(const Candidate *, size_t n, int) override;
  // push(Site::Inject, n): the nth fallible call fails; push(Site::Stall,
  // n): the nth delay stalls (each queue in order).
  bool inject(Fault f, uint64_t nth) override;
  std::string describe() const override { return "script"; }

 private:
  uint64_t next(Site s, uint64_t fallback);
  std::vector<uint64_t> q_[static_cast<size_t>(Site::kCount)];
  uint64_t def_[static_cast<size_t>(Site::kCount)] = {UINT64_MAX, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<size_t> pos_ = std::vector<size_t>(static_cast<size_t>(Site::kCount), 0);
};

}  // namespace kmapsim

