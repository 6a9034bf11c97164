// Random kernel-API programs for the soundness, completeness, determinism,
// profile-differential and broken-model properties.
//
// A Program is a list of steps per task (main and up to two kthreads), an
// optional interrupt handler program, and optionally one injected
// violation. The interpreter (interp.cc) makes every step legal in the
// state the run is actually in — a step that would break a rule there
// (sleeping inside kmap_atomic, unmapping out of order, a 17th local
// mapping) is skipped, as fuzz/api_sequence.c does — so any list of steps
// is a legal program, shrinking keeps it legal, and the schedule, the
// zones and the allocation failures can be anything. While it runs, the
// interpreter checks what it reads through every mapping against a shadow
// copy of each page and against the frame itself, and the model's own
// invariants after every step; it records a hash of every byte it reads
// (per task, so schedules do not change it).
//
// An injected program additionally breaks exactly one rule (one of the 13
// classes, in one of several ways) at a chosen step of main, and records
// the words the report must contain (the API, the page, the address, the
// contexts).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "harness.h"

namespace kprop {

enum class Op : uint8_t {
  Alloc,        // a: slot, b: gfp kind, c: order
  Free,         // a: slot
  Map,          // a: slot, b: subpage, c: variant (MapVariant), x: folio offset
  Unmap,        // x: offset inside the page passed to kunmap_*
  Write,        // a: which address, x: offset, y: length, v: byte
  Read,         // a: which address, x: offset, y: length
  Kmap,         // a: slot, b: subpage
  Kunmap,       // a: which kmap
  Helper,       // a, b: slots, c: helper, x: offset, y: length, v: byte
  PageAddress,  // a: slot, b: subpage, x: offset, y: length
  FlushUnused,  // kmap_flush_unused()
  Resched,      // cond_resched() (a non-sleeping scheduling point when atomic)
  PreemptOff,
  PreemptOn,
  IrqOff,
  IrqOn,
  SpinLock,
  SpinUnlock,
  MutexLock,
  MutexUnlock,
  UserCopy,     // a: direction, x: user offset, y: length
  UserRead,     // a: slot, b: subpage, x: offset, y: length (an aliased user mapping)
  PerCpu,       // v: token (only with preemption disabled)
  Kmalloc,      // a: slot
  kCount,
};

enum class MapVariant : uint8_t { LocalPage, LocalFolio, LocalPfn, Atomic, AtomicPfn, LocalPageProt, kCount };

struct Step {
  Op op = Op::Resched;
  uint8_t a = 0, b = 0, c = 0, v = 0;
  uint16_t x = 0, y = 0;
};

constexpr int kMaxWorkers = 2;
constexpr int kSlots = 4;      // page slots per task
constexpr int kMaxStack = 12;  // local mappings a task program keeps at most

struct Program {
  std::string profile = "strict";
  int source = 0;  // make_source() kind
  uint64_t seed = 1;
  int nworkers = 0;
  std::vector<Step> task[1 + kMaxWorkers];
  std::vector<Step> irq;  // the interrupt handler's steps; empty: no handler
  // Allocations never fail and user pages are present, so what each task
  // reads does not depend on the schedule (the profile differential).
  bool fixed_data = false;
  // Completeness: one violation of `inject` (variant `inject_variant`) at
  // main's step `inject_at`.
  BugClass inject = BugClass::None;
  int inject_variant = 0;
  size_t inject_at = 0;
};

void showValue(const Program &p, std::ostream &os);
std::string show_step(const Step &s);
// The same in a static buffer (for messages written inside a run).
const char *step_cstr(const Step &s);

// ---- generators (program_gen.cc: every weight in one place)

// A legal program on one of `profiles`, with one of the decision sources.
rc::Gen<Program> gen_program(const std::vector<std::string> &profiles);
// A legal program (main only with up to one kthread) plus one injected
// violation of cls, on a profile where cls is detectable.
rc::Gen<Program> gen_injected_program(BugClass cls);
// The profiles on which cls is detectable at all (BUG-CLASSES.md).
std::vector<std::string> profiles_detecting(BugClass cls);
// How many ways the interpreter knows to break cls's rule.
int inject_variants(BugClass cls);
// Whether variant v of cls can be injected on profile p.
bool inject_variant_ok(BugClass cls, int v, const std::string &profile);

// ---- the interpreter (interp.cc)

struct Outcome {
  RunResult result;
  std::string error;         // the interpreter's own finding: content, aliasing, invariants
  bool injected = false;     // the injected violation was reached
  bool missed = false;       // ... and the run went on past it
  std::vector<std::string> expect_words;  // words the report's first line must contain
  uint64_t obs[1 + kMaxWorkers] = {};     // hash of every byte each task read
  uint32_t nobs[1 + kMaxWorkers] = {};
  uint64_t steps_done = 0;
};

// Runs p once on its profile's machine, asking src (wrapped in a
// ForcingSource, unless `force` is false: replays, whose trace already
// holds the forced values) for every decision.
Outcome run_program(const Program &p, DecisionSource &src, bool force = true);
// Same, with the source p names (make_source(p.source, p.seed)).
Outcome run_program(const Program &p);

// A multi-line description of an outcome for failure messages.
std::string describe(const Program &p, const Outcome &o);

}  // namespace kprop
