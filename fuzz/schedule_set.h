// The set of distinct run hashes an exploration has seen (the "distinct
// schedules" of its summary). One insert per run, so it is on the hot path
// of bounded-exhaustive enumeration (millions of runs): an open-addressing
// table of the 64-bit hashes themselves, without std::unordered_set's
// allocation per element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kmapsim::driver {

class ScheduleSet {
 public:
  void insert(uint64_t h) {
    if (h == 0) {  // 0 marks an empty slot: counted on the side
      size_ += !has_zero_;
      has_zero_ = true;
      return;
    }
    if ((used_ + 1) * 2 > slots_.size()) grow();
    if (place(h)) {
      used_++;
      size_++;
    }
  }
  size_t size() const { return size_; }

 private:
  // Whether h was new.
  bool place(uint64_t h) {
    size_t mask = slots_.size() - 1;
    // The run hash is FNV-based; mix it so that the low bits index well.
    uint64_t x = h ^ (h >> 31);
    x *= 0x7fb5d329728ea185ull;
    x ^= x >> 27;
    for (size_t i = static_cast<size_t>(x) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == h) return false;
      if (slots_[i] == 0) {
        slots_[i] = h;
        return true;
      }
    }
  }
  void grow() {
    std::vector<uint64_t> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    for (uint64_t h : old)
      if (h) place(h);
  }
  std::vector<uint64_t> slots_;
  size_t used_ = 0, size_ = 0;
  bool has_zero_ = false;
};

}  // namespace kmapsim::driver
