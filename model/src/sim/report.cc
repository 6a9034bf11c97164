#include "report.h"

namespace kmapsim {

static const char *const kNames[] = {
    "none",
    "kmap-overrun",
    "kmap-escape",
    "kunmap-order",
    "kunmap-bad-address",
    "kmap-use-after-unmap",
    "kmap-leak",
    "kmap-slot-overflow",
    "sleep-in-atomic",
    "fault-in-atomic",
    "highmem-page-address",
    "lost-atomicity",
    "missing-flush-dcache",
    "pkmap-deadlock",
    "subject-bug",
    "soft-lockup",
    "memory-error",
};
static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<size_t>(BugClass::kCount));

const char *bug_class_name(BugClass c) { return kNames[static_cast<size_t>(c)]; }

BugClass bug_class_from_name(const std::string &name) {
  for (size_t i = 1; i < static_cast<size_t>(BugClass::kCount); i++)
    if (name == kNames[i]) return static_cast<BugClass>(i);
  return BugClass::None;
}

std::vector<Event> EventRing::recent() const {
  std::vector<Event> v;
  size_t count = n_ < kSize ? n_ : kSize;
  for (size_t i = n_ - count; i < n_; i++) v.push_back(ring_[i % kSize]);
  return v;
}

}  // namespace kmapsim
