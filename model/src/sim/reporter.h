// The report part: what the kernel's oops path prints (the BUG line, the
// context, the call traces, the log before it), for the model. It keeps the
// run's events (the ring every report prints, the hash of what was
// observable, the call trace of each mapping) and what the next report
// names beyond them (the faulting access, BUG()'s note, the
// kmapsim_user_map()/flush_dcache_page() calls, the hand-overs of local
// mappings), and composes a report as data (report.h's Report) rendered to
// text by render_report_text().
//
// Events and labels: reporter.cc; hand-overs: handover.cc; composing:
// report_format.cc. Formatting happens in members and in the Report being
// composed (Machine's, a member), never in heap-owning locals of a frame
// the report abandons: a report ends the run by leaving the fiber's stack
// behind, destructors and all.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arena.h"
#include "decision.h"
#include "report.h"

namespace kmapsim {

class Machine;

class Reporter {
 public:
  explicit Reporter(Machine &m) : m_(m) {}
  Reporter(const Reporter &) = delete;
  // A fresh run: no events, traces, user-map/flush calls or hand-overs
  // (Machine::reset). The replay hint and event logging stay.
  void reset();

  // ---- events (reporter.cc)
  // Records an event of the running context; returns its sequence number.
  uint64_t event(Ev kind, uint64_t a, uint64_t b, const char *what);
  const EventRing &events() const { return events_; }
  // Hash of this run's observable events, for determinism checks.
  uint64_t obs_hash() const { return obs_hash_; }
  // Print every event to stderr as it happens (repro --events).
  void set_log_events(bool on) { log_events_ = on; }
  // Appended to every report: the command that replays this run.
  void set_replay_hint(std::string s) { replay_hint_ = std::move(s); }

  // ---- what the next report names
  // The faulting access's call trace and direction (fault.cc, the
  // watchdog's landing, the sanitizer's death callback): the report's
  // "access" site.
  PcTrace &fault_trace() { return fault_trace_; }
  void set_fault_write(bool w) { fault_write_ = w; }
  // The fault trace is a sanitizer check's (UBSan), not an access.
  void set_fault_check() { fault_check_ = true; }
  // BUG() at `where` ("file:line"): the next report adds "kernel BUG at
  // file:line!".
  void note_kernel_bug(const char *where);
  // A kmapsim_user_map() or flush_dcache_page() of pfn by the running
  // context, for missing-flush-dcache's report.
  void note_dcache_call(Pfn pfn, const char *api);
  // obj reached another context through api (handover.cc): records each
  // live local mapping it points into, for kmap-escape's report; with
  // scan_object, also those the words of the object holding obj point
  // into (a marked store hands over the stored value alone).
  void note_handover(const void *obj, const char *api, bool scan_object = true);

  // ---- labels (reporter.cc): static-buffer strings, four alive at a time.
  const char *task_label(int task, int irq) const;
  // An address for a report: model addresses (direct map, windows) and
  // small ones print as numbers — they are the same in every process —
  // anything else (stack, heap, globals: ASLR) as a description, so
  // replayed reports stay byte-for-byte identical.
  const char *addr_str(const void *p) const;

  // ---- composing (report_format.cc)
  // Fills r (the run's result, a Machine member) with a report of class
  // cls whose first line ends in `line`; window >= 0 adds the mapping's
  // description, pfn >= 0 the page's.
  void compose(Report &r, BugClass cls, int window, int64_t pfn, const char *line);
  // Adds a sanitizer's own report (normalised text, one line each) to the
  // memory-error report r and renders r's text again.
  void add_sanitizer_lines(Report &r, const std::string &detail) const;

 private:
  // This run's kmapsim_user_map() and flush_dcache_page() calls: {pfn, the
  // subject's call site, API, the event before}.
  struct DcacheCall {
    Pfn pfn;
    uintptr_t pc;
    const char *api;
    uint64_t seq;
  };
  // An address inside a live local/atomic mapping seen passing through a
  // hand-off the model sees (kthread_run's data, the object holding a work
  // item, request_irq's dev_id): the window, the event, the API and the
  // call's trace.
  struct Handover {
    int window;
    uint64_t seq;
    const char *api;
    PcTrace trace;
  };
  // The first hand-over of window's current mapping, nullptr if none.
  const Handover *handover_of(int window) const;

  void describe_context(std::string &out) const;
  void describe_window(std::string &out, int w) const;
  void describe_page(std::string &out, Pfn pfn) const;
  void format_event(std::string &out, const Event &e) const;
  ReportEvent report_event(const Event &e) const;
  void report_sites(Report &r, int window) const;
  void report_details(Report &r, BugClass cls, int window, int64_t pfn);

  Machine &m_;
  EventRing events_;
  uint64_t obs_hash_ = kFnvBasis;
  bool log_events_ = false;
  std::string replay_hint_;
  // Call traces of this run's map events (by event sequence number, in
  // order), and the faulting access's for the report being composed.
  std::vector<std::pair<uint64_t, PcTrace>> map_traces_;
  PcTrace fault_trace_;
  bool fault_write_ = false;
  bool fault_check_ = false;
  std::string report_note_;  // a line the next report adds (BUG()'s "kernel BUG at ...")
  std::vector<DcacheCall> dcache_calls_;
  std::vector<Handover> handovers_;
  mutable char label_buf_[4][64];
  mutable int label_next_ = 0;
};

}  // namespace kmapsim
