// Bug classes (shared BUG-CLASSES.md: stable, user-facing names) and the
// bounded ring of recent events every report prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kmapsim {

enum class BugClass : uint8_t {
  None = 0,
  KmapOverrun,
  KmapEscape,
  KunmapOrder,
  KunmapBadAddress,
  KmapUseAfterUnmap,
  KmapLeak,
  KmapSlotOverflow,
  SleepInAtomic,
  FaultInAtomic,
  HighmemPageAddress,
  LostAtomicity,
  MissingFlushDcache,
  PkmapDeadlock,
  // Not one of the 13 kmap classes: the subject broke its own assertion
  // (BUG_ON), freed a page twice, or called the API with garbage that is not
  // about kmap. Reported with the same contract.
  SubjectBug,
  // BUG-CLASSES.md's classes added after the first 13 follow, in its order.
  SoftLockup,
  // AddressSanitizer or UBSan flagged subject code (sanitizer_report.cc).
  MemoryError,
  kCount,
};

const char *bug_class_name(BugClass c);
// BugClass::None when the name is unknown.
BugClass bug_class_from_name(const std::string &name);

enum class Ev : uint8_t {
  Alloc,
  Free,
  Kmap,
  Kunmap,
  MapLocal,
  UnmapLocal,
  PkmapFlush,
  Switch,
  Preempt,
  Migrate,
  IrqEnter,
  IrqExit,
  TaskStart,
  TaskExit,
  Block,
  Wake,
  UserCopy,
  Pick,
  Note,
};

struct Event {
  uint64_t seq;
  Ev kind;
  int16_t task;
  int16_t cpu;
  int32_t irq;     // interrupt instance, 0 in task context
  uint64_t a, b;   // event-specific (pfn, slot, value, ...)
  const char *what;  // static string: the API or a short note
};

// The last kEventRing events of the run.
class EventRing {
 public:
  static constexpr size_t kSize = 24;
  void clear() {
    n_ = 0;
    seq_ = 0;
  }
  uint64_t push(const Event &e) {
    Event &slot = ring_[n_ % kSize];
    slot = e;
    slot.seq = ++seq_;
    n_++;
    return slot.seq;
  }
  uint64_t seq() const { return seq_; }
  // Oldest first.
  std::vector<Event> recent() const;

 private:
  Event ring_[kSize];
  size_t n_ = 0;
  uint64_t seq_ = 0;
};

struct Report {
  BugClass cls = BugClass::None;
  std::string first_line;  // "BUG: kmapsim: <class>: ..."
  std::string text;        // the whole report, first line included
};

}  // namespace kmapsim
