// Shared helpers of the unit tests: one Machine per profile per test
// process (each reserves an address range, so they are kept and reused),
// run() with a ScriptSource, and assertions on a run's verdict.
//
// A test body is kernel-style code in a captureless lambda converted to
// void(*)(): it runs as the main task of a fresh simulated machine. A
// report abandons the body's stack, so bodies keep no heap-owning C++
// locals, and pass results out through globals (reset them in the body).
//
// The kernel-style headers define function-like macros (min, max, yield,
// current, BUG...), so every C++ header comes first and <kmapsim/subject.h>
// last; `current` is undefined again.
#pragma once

// The kernel-style headers shadow the system's <linux/...>: gtest includes
// <sys/stat.h>, whose <linux/stat.h> then gets kmapsim's <linux/types.h>
// and needs the __u16/__u32/__u64 types the real one provides. They come
// from <asm/types.h>, which nothing shadows.
#include <asm/types.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>

#include "decision_sources.h"
#include "script_source.h"
#include "machine.h"

#include <kmapsim/subject.h>
#include <asm/io.h>
#undef current

namespace kt {

using kmapsim::BugClass;
using kmapsim::Machine;
using kmapsim::RunResult;
using kmapsim::ScriptSource;
using kmapsim::Site;

inline Machine &machine(const std::string &profile) {
  static std::map<std::string, std::unique_ptr<Machine>> machines;
  std::unique_ptr<Machine> &m = machines[profile];
  if (!m) {
    const kmapsim::Profile *p = kmapsim::find_profile(profile);
    if (!p) {
      fprintf(stderr, "unit test: unknown profile %s\n", profile.c_str());
      abort();
    }
    m = std::make_unique<Machine>(*p);
  }
  return *m;
}

// A one-CPU variant of a profile: no migrations, so schedules are exactly
// the NextTask choices (used where a test counts schedules).
inline Machine &uniprocessor(const std::string &profile) {
  static std::map<std::string, std::unique_ptr<Machine>> machines;
  std::unique_ptr<Machine> &m = machines[profile];
  if (!m) {
    kmapsim::Profile p = *kmapsim::find_profile(profile);
    p.name += "-up";
    p.nr_cpus = 1;
    m = std::make_unique<Machine>(p);
  }
  return *m;
}

inline RunResult run(const std::string &profile, void (*body)(), kmapsim::DecisionSource &src) { return machine(profile).run(body, src); }

inline RunResult run(const std::string &profile, void (*body)()) {
  ScriptSource src;
  return run(profile, body, src);
}

// The run reported `cls`, its first line follows the report contract, and
// the first line contains every word of `words`.
inline ::testing::AssertionResult Reported(const RunResult &r, BugClass cls, std::initializer_list<const char *> words = {}) {
  const std::string name = kmapsim::bug_class_name(cls);
  if (!r.reported) return ::testing::AssertionFailure() << "expected " << name << ", but the run was clean";
  if (r.report.cls != cls) return ::testing::AssertionFailure() << "expected " << name << ", got:\n" << r.report.text;
  const std::string prefix = "BUG: kmapsim: " + name + ": ";
  if (r.report.first_line.rfind(prefix, 0) != 0)
    return ::testing::AssertionFailure() << "first line does not start with '" << prefix << "': " << r.report.first_line;
  if (r.report.text.rfind(r.report.first_line + "\n", 0) != 0)
    return ::testing::AssertionFailure() << "the report text does not start with its first line:\n" << r.report.text;
  for (const char *w : words)
    if (r.report.first_line.find(w) == std::string::npos)
      return ::testing::AssertionFailure() << "first line lacks '" << w << "': " << r.report.first_line;
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult Clean(const RunResult &r) {
  if (r.reported) return ::testing::AssertionFailure() << "expected a clean run, got:\n" << r.report.text;
  if (r.livelock) return ::testing::AssertionFailure() << "the run hit the step bound";
  return ::testing::AssertionSuccess();
}

inline bool TextHas(const RunResult &r, const char *word) { return r.report.text.find(word) != std::string::npos; }

// The fault sweep over a body on strict: run n fails the nth fallible call,
// failable allocation or delay, n = 1, 2, ... until a run fails nothing.
// The runs, the first report, and how many runs `hit` (when given) held
// after.
struct SweepResult {
  uint64_t runs = 0;
  bool reported = false;
  RunResult report;
  int hits = 0;
};
inline SweepResult sweep(void (*body)(), bool (*hit)() = nullptr) {
  SweepResult s;
  for (uint64_t n = 1; n < 1000; n++) {
    kmapsim::FaultSweepSource src(n);
    RunResult r = machine("strict").run(body, src);
    s.runs++;
    if (r.reported && !s.reported) {
      s.reported = true;
      s.report = r;
    }
    if (hit && hit()) s.hits++;
    if (!src.injected()) break;
  }
  return s;
}

// A driver's PIO wait as the delay, clock and register tests drive it: a
// register window and a highmem page, wait() on them, both freed. *ret is
// wait()'s answer, or 1 when no wait ran (the run failed the ioremap()),
// so a sweep never counts an earlier run's answer.
inline void pio_harness(int (*wait)(void __iomem *regs, struct page *page), int *ret) {
  void __iomem *regs = ioremap(0xfe000000, 0x100);
  struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
  *ret = 1;
  if (regs) {
    *ret = wait(regs, page);
    iounmap(regs);
  }
  __free_page(page);
}

// The fault sweep over a body with a buggy and a fixed variant (*fixed
// chooses): both get to the error path `hit` says was taken, and only the
// buggy one reports there.
inline void expect_sweep_reaches(void (*body)(), bool (*hit)(), bool *fixed) {
  for (bool f : {false, true}) {
    *fixed = f;
    SweepResult s = sweep(body, hit);
    EXPECT_GT(s.hits, 0) << "fixed=" << f;
    EXPECT_EQ(s.reported, !f) << "fixed=" << f;
  }
}

// Preemption exactly where a body asks for it, however many scheduling
// points the model puts before it: after arm_preemption(), the next NextTask
// choice (two or more candidates) picks candidate 1, the first other task;
// every other NextTask choice follows the ScriptSource rules.
inline bool g_preempt_armed = false;
inline void arm_preemption() { g_preempt_armed = true; }
class PreemptWhereAsked : public ScriptSource {
 public:
  void begin_run() override {
    g_preempt_armed = false;
    ScriptSource::begin_run();
  }
  size_t next_task(const kmapsim::Candidate *c, size_t n, int running) override {
    if (!g_preempt_armed) return ScriptSource::next_task(c, n, running);
    g_preempt_armed = false;
    return 1;
  }
};

// The machine running the body (inside a run only).
inline Machine &M() { return *Machine::running(); }

}  // namespace kt

// Allocations used by most bodies.
#define HIGH_PAGE() alloc_page(GFP_HIGHUSER | __GFP_NOFAIL)
#define LOW_PAGE() alloc_page(GFP_KERNEL | __GFP_NOFAIL)
