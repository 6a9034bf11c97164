// The harness every property family shares (no kernel-style headers here:
// files that run kernel-style code include <kmapsim/subject.h> last).
//
//   KMAPSIM_PROP(Suite, Name, (args))   a rapidcheck property as a GoogleTest
//       test, with rapidcheck's own configuration (RC_PARAMS: seed,
//       max_success, reproduce=...) scaled up in long mode.
//   machine(profile)     one Machine per profile per process, reused.
//   run(profile, body, src)   one run (its trace is kept for the replay line).
//   replay_hint(...)     the command that replays a failing run.
//
// Long mode (README.md): KMAPSIM_PROPERTIES_LONG=1 multiplies every
// property's max_success by 20, or by N with KMAPSIM_PROPERTIES_LONG=N.
//
// Replay: a failing property prints a kmapsim replay line and, at exit,
// rapidcheck prints RC_PARAMS="reproduce=...". Every decision of a run
// comes from its generated case (the Program's seed and source, or the
// steering commands), so the reproduce string alone replays the failing
// run exactly; KMAPSIM_EVENTS=1 prints every event of each run as it
// happens. The line also carries the run's decision trace (hex of
// Trace::encode()), which ReplaySource replays (the determinism property
// checks that it does).
#pragma once

// The kernel-style headers shadow the system's <linux/...>: gtest's
// <sys/stat.h> pulls <linux/stat.h>, which needs <asm/types.h> first.
#include <asm/types.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdint>
#include <memory>
#include <string>

#include "decision_sources.h"
#include "machine.h"

namespace kprop {

using kmapsim::BugClass;
using kmapsim::DecisionSource;
using kmapsim::Machine;
using kmapsim::RunResult;
using kmapsim::Site;
using kmapsim::Trace;

// ---- rapidcheck glue

bool long_mode();
int long_factor();
// Runs `property` under rapidcheck the way RC_GTEST_PROP does, with
// max_success scaled in long mode. Failures become a GoogleTest failure
// carrying rapidcheck's message (counterexample, shrinks, our text).
void check_property(const rc::detail::Property &property);

#define KMAPSIM_PROP(Suite, Name, ArgList)                                                    \
  void kmapsim_prop_##Suite##_##Name ArgList;                                                 \
  TEST(Suite, Name) { ::kprop::check_property(rc::detail::toProperty(&kmapsim_prop_##Suite##_##Name)); } \
  void kmapsim_prop_##Suite##_##Name ArgList

// ---- machines and runs

// Profiles a property may run on. HIGHMEM ones, the 64-bit one, and the
// tiny-pool variants.
const std::vector<std::string> &all_profile_names();
const std::vector<std::string> &highmem_profile_names();

// One Machine per profile per process. Its sched_in is deliberately broken
// when broken_model() is on (the broken-model test) or the environment has
// KMAPSIM_BROKEN_SCHED_IN=1 (the failure-output test).
Machine &machine(const std::string &profile);
void set_broken_model(bool on);
bool broken_model();

// One run of body on profile's machine with src; its trace is kept for
// replay_hint().
RunResult run(const std::string &profile, void (*body)(), DecisionSource &src);

// "kmapsim replay: KMAPSIM_EVENTS=1 RC_PARAMS="reproduce=<printed by
// rapidcheck>" <this binary> --gtest_filter=<this test>", and the last
// run's trace on `profile`.
std::string replay_hint(const std::string &profile);

std::string hex(const std::string &bytes);
bool unhex(const std::string &text, std::string *bytes);

// A run's verdict in one line (the first report line, or "clean").
std::string verdict(const RunResult &r);

// ---- a decision source the body can steer (see ForcingSource below)

// Overrides a body arms just before the call that should take them; each
// is consumed by the decision it steers (one-shot) unless said otherwise.
struct Forcing {
  bool highmem = false;     // sticky: every Highmem decision says yes while set
  bool lowmem = false;      // sticky: every Highmem decision says no while set
  bool user_fault = false;  // sticky: every UserFault decision says "not present"
  bool no_user_fault = false;  // sticky: user pages are present
  int irq = -1;             // one-shot: fire handler #irq at the next Irq decision
  bool no_irq = false;      // sticky: no interrupts
  bool no_migrate = false;  // sticky: no migrations
  bool no_alloc_fail = false;  // sticky: allocations do not fail
  int want_task = -1;       // one-shot: the next NextTask choice runs this task if it is a candidate
};
extern Forcing g_force;

// Wraps any source; armed overrides win, everything else is the base's.
// The machine records the values actually used, so a trace recorded with
// forcing replays without it.
class ForcingSource : public DecisionSource {
 public:
  explicit ForcingSource(DecisionSource &base) : base_(base) {}
  void begin_run() override;
  bool end_run() override { return base_.end_run(); }
  uint64_t pick(Site site, uint64_t lo, uint64_t hi) override;
  bool should(Site site) override;
  size_t next_task(const kmapsim::Candidate *c, size_t n, int running) override;
  std::string describe() const override { return "forcing(" + base_.describe() + ")"; }

 private:
  DecisionSource &base_;
};

// A source for a case: seeded random, PCT or per-site streams, chosen by
// the case. `kind` 0: random, 1: PCT depth 2, 2: PCT depth 3, 3: per-site.
std::unique_ptr<DecisionSource> make_source(int kind, uint64_t seed);
std::string source_name(int kind);

}  // namespace kprop
