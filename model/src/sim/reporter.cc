// The report part's events and labels: every event of the run goes through
// event(), which keeps the last ones for the report, hashes what another
// run could compare and keeps each mapping's call trace.
#include "reporter.h"

#include <cstdio>

#include "machine.h"

namespace kmapsim {

void Reporter::reset() {
  events_.clear();
  map_traces_.clear();
  dcache_calls_.clear();
  handovers_.clear();
  fault_trace_.n = 0;
  fault_check_ = false;
  obs_hash_ = kFnvBasis;
}

uint64_t Reporter::event(Ev kind, uint64_t a, uint64_t b, const char *what) {
  Machine &m = m_;
  const int task = m.cur_task();
  const Task *t = task >= 0 ? &m.task(task) : nullptr;
  Event e{};
  e.kind = kind;
  e.task = static_cast<int16_t>(task);
  e.cpu = static_cast<int16_t>(t ? t->cpu : -1);
  e.irq = m.cur_irq();
  e.a = a;
  e.b = b;
  e.what = what;
  const ApiSite *site = t ? &t->site : nullptr;
  e.pc = site ? site->pc : 0;
  outer_return_addresses(e.outer_pc, site ? site->fp : nullptr);
  // FNV-1a over whole words (one multiply per field, not per byte) with a
  // fold: every event pays this, and byte-wise hashing of the 40 bytes was
  // most of the cost of a lowmem kmap_local_page (tests/bench).
  const uint64_t mix[5] = {static_cast<uint64_t>(kind), a, b, static_cast<uint64_t>(e.task), static_cast<uint64_t>(e.cpu)};
  uint64_t h = obs_hash_;
  for (uint64_t w : mix) {
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 32;
  }
  obs_hash_ = h;
  // What another context could observe is progress (fairness, sched_fair.cc);
  // scheduling itself is not, nor is time passing.
  switch (kind) {
    case Ev::Switch:
    case Ev::Preempt:
    case Ev::Migrate:
    case Ev::IrqEnter:
    case Ev::IrqExit:
    case Ev::Block:
    case Ev::Stall: break;
    default: m.note_progress(); break;
  }
  uint64_t seq = events_.push(e);
  // A mapping's call trace, for the report that names it (a few loads).
  if ((kind == Ev::MapLocal || kind == Ev::Kmap) && site && site->fp) {
    map_traces_.emplace_back(seq, PcTrace{});
    capture_trace(map_traces_.back().second, site->fp);
  }
  if (log_events_) {
    std::string line;
    Event copy = e;
    copy.seq = seq;
    format_event(line, copy);
    fputs(line.c_str(), stderr);
  }
  return seq;
}

void Reporter::note_kernel_bug(const char *where) { report_note_ = std::string("kernel BUG at ") + where + "!"; }

void Reporter::note_dcache_call(Pfn pfn, const char *api) {
  dcache_calls_.push_back({pfn, m_.cur_task() >= 0 ? m_.cur().site.pc : 0, api, events_.seq()});
}

const char *Reporter::task_label(int task, int irq) const {
  char *b = label_buf_[label_next_++ & 3];
  if (task < 0 || static_cast<size_t>(task) >= m_.ntasks())
    snprintf(b, 64, "(none)");
  else if (irq)
    snprintf(b, 64, "irq#%d on %s", irq, m_.task(task).name.c_str());
  else
    snprintf(b, 64, "%s", m_.task(task).name.c_str());
  return b;
}

const char *Reporter::addr_str(const void *p) const {
  char *b = label_buf_[label_next_++ & 3];
  const char *c = static_cast<const char *>(p);
  if (m_.mem().in_region(c) || reinterpret_cast<uintptr_t>(p) < 0x10000) {
    snprintf(b, 64, "%p", p);
    return b;
  }
  for (size_t i = 0; i < m_.ntasks(); i++)
    if (m_.task(static_cast<int>(i)).fiber.contains(p)) {
      snprintf(b, 64, "a stack address of %s", m_.task(static_cast<int>(i)).name.c_str());
      return b;
    }
  // Fresh pages and kmalloc() memory hold 0x6b bytes (physmem.cc): a
  // pointer made of them was read from memory nothing wrote. The value is
  // the same every run, so it may be printed.
  if ((reinterpret_cast<uintptr_t>(p) >> 16) == (UINTPTR_MAX / 0xff * 0x6b) >> 16) {
    snprintf(b, 64, "%p (the 0x6b poison of fresh memory)", p);
    return b;
  }
  snprintf(b, 64, "a non-kmap address (heap, global or garbage)");
  return b;
}

}  // namespace kmapsim
