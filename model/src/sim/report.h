// Bug classes (shared BUG-CLASSES.md: stable, user-facing names), the
// bounded ring of recent events every report prints, call sites, and the
// report itself: structured data (what --json writes) and its text.
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
  Stall,  // a delay lasted long (Machine::stall()): a: its ordinal, b: seconds (| kStallOfDevice)
};

// Ev::Stall's b: the device held its answer (a register read, mmio.cc),
// not the task its delay.
constexpr uint64_t kStallOfDevice = 1ull << 63;

// A call trace as captured: return addresses, innermost first (the first
// one may be a faulting instruction's address + 1, so that every entry is
// looked up at pc - 1). Capturing costs a few loads; symbolizing happens
// only when a report is composed (symbolize.cc).
struct PcTrace {
  static constexpr int kDepth = 8;
  uint8_t n = 0;
  uintptr_t pc[kDepth];
};

// The frame that called frame f (f[0]), or null at the end of the chain:
// a null or non-ascending frame (a fiber's first frame has a null one).
inline const uintptr_t *caller_frame(const uintptr_t *f) {
  const uintptr_t *next = reinterpret_cast<const uintptr_t *>(f[0]);
  if (next <= f || reinterpret_cast<uintptr_t>(next) - reinterpret_cast<uintptr_t>(f) > (1u << 20) ||
      (reinterpret_cast<uintptr_t>(next) & 7))
    return nullptr;
  return next;
}

// Walks the frame-pointer chain from frame fp (fp[0] the caller's frame,
// fp[1] the return address), up to kDepth entries.
inline void capture_trace(PcTrace &t, const void *fp) {
  t.n = 0;
  const uintptr_t *f = static_cast<const uintptr_t *>(fp);
  while (f && t.n < PcTrace::kDepth) {
    uintptr_t pc = f[1];
    if (!pc) break;
    t.pc[t.n++] = pc;
    f = caller_frame(f);
  }
}

// The return addresses of the frames out from the API entry's frame fp
// (where the API's caller was called from, and so on), 0 past the chain's
// end. Subjects are compiled at -O0, where a static inline of kmapsim's
// headers (udelay(), readl() and the __raw_readl() under it) is a function
// of its own; its lines are kmapsim's and reports leave them out, so an
// event made inside it is placed at the first caller outside them.
constexpr int kOuterPcs = 3;
inline void outer_return_addresses(uintptr_t (&out)[kOuterPcs], const void *fp) {
  const uintptr_t *f = static_cast<const uintptr_t *>(fp);
  for (uintptr_t &pc : out) {
    f = f ? caller_frame(f) : nullptr;
    pc = f ? f[1] : 0;
  }
}

// The trace of an access at pc (a return address, or a faulting
// instruction's address + 1) in the function whose frame is fp, as a
// sanitizer's report or a signal's context gives them: the frame chain, pc
// first unless the chain already starts with it.
inline void capture_trace_at(PcTrace &t, uintptr_t pc, const void *fp) {
  capture_trace(t, fp);
  if (t.n && t.pc[0] == pc) return;
  if (t.n == PcTrace::kDepth) t.n--;
  for (int i = t.n; i > 0; i--) t.pc[i] = t.pc[i - 1];
  t.pc[0] = pc;
  t.n++;
}

// Where subject code called the kmapsim API (the outermost API entry of the
// running context): the C API's KMAPSIM_API (capi/api_entry.h) records it,
// events and reports read it.
struct ApiSite {
  uintptr_t pc = 0;           // return address into the caller
  const void *fp = nullptr;   // the API entry's frame, for the trace
  const char *api = nullptr;  // the entry point's name
};

struct Event {
  uint64_t seq;
  Ev kind;
  int16_t task;
  int16_t cpu;
  int32_t irq;     // interrupt instance, 0 in task context
  uint64_t a, b;   // event-specific (pfn, slot, value, ...)
  const char *what;  // static string: the API or a short note
  uintptr_t pc;      // the subject's call site (ApiSite::pc), 0 if none
  uintptr_t outer_pc[kOuterPcs];  // the frames further out (outer_return_addresses()), for when pc is kmapsim's
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

// One frame of a symbolized trace; file is relative to the subject's
// directory (or to kmapsim's tree), never an absolute build path.
struct Frame {
  std::string function, file;
  int line = 0;
};

// A place in the subject the report names: the offending access or call
// ("access", "call") or the call that made the mapping involved
// ("mapped"), with its trace (innermost first, kmapsim's own frames left
// out; empty when the place is not in subject code).
struct ReportSite {
  std::string role;  // "access", "call", "mapped", ...
  std::string what;  // "write", "kunmap_local()", "kmap_local_page()", ...
  std::vector<Frame> trace;
};

struct ReportEvent {
  uint64_t seq = 0;
  std::string context;  // task label
  int cpu = -1;
  std::string kind, site, detail;  // site: "file:line" or "-"
};

// Everything a report says, as data; text is render_report_text() of it.
struct Report {
  BugClass cls = BugClass::None;
  std::string first_line;  // "BUG: kmapsim: <class>: ..."
  std::string text;        // the whole report, first line included
  std::string profile;
  std::string context;               // the offending context, "" if none
  std::vector<ReportSite> sites;           // offending place first, then the mapping's
  std::vector<std::string> details;  // class-specific lines (the slot stack, ...)
  std::string mapping, page;         // "" when the report names none
  std::vector<ReportEvent> events;   // oldest first
  std::vector<std::string> sanitizer;  // memory-error: the sanitizer's report lines
  uint64_t decisions = 0, steps = 0;
  std::string replay;                // the replay command, "" if unknown
};

// The report's text; the CLI's report_text.py renders the same bytes from
// the --json form.
std::string render_report_text(const Report &r);
// One line of the event list, newline included.
std::string render_event_line(const ReportEvent &e);
// "file:line" of the first subject frame of pc's inline chain, "" if none.
std::string site_of_pc(uintptr_t pc);
// What the kmapsim_pick() called at pc set, read from its source line
// ("off" for `off = kmapsim_pick(...)`), "" when the line does not say.
std::string pick_target(uintptr_t pc);
// Symbolizes t into frames, kmapsim's own frames left out.
std::vector<Frame> symbolize_trace(const PcTrace &t);
// Seconds this process spent waiting for the symbolizer: composing a
// report's first text starts llvm-symbolizer (about a second in a build
// without a sanitizer runtime), which a search's time to its first report
// (--stats) should not count as search.
double symbolizer_seconds();
// A path as reports print it: relative to its subject's directory, or to
// kmapsim's tree; "" for kmapsim's own sources and the host's libraries.
std::string report_path(const std::string &file);
// "file:line" of a subject's assertion as BUG_ON() prints it (the path as
// report_path() gives it, "?" for none), into buf: no heap-owning local is
// left on the caller's stack, which a report abandons.
void site_text(char *buf, size_t n, const char *file, int line);
// The same, but kmapsim's own sources relative to its tree and anything
// else by its base name (for text that names every frame: a sanitizer's).
std::string display_path(const std::string &file);

}  // namespace kmapsim
