// The DecisionSource implementations, one file each.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "decision.h"

namespace kmapsim {

// Fuzzer bytes drive every decision. As in FuzzedDataProvider, data values
// (kmapsim_pick) are read from the front of the input and scheduling
// choices (task switches, interrupts, zones, faults) from the back, so a
// mutation that adds a preemption does not shift every later data value.
// When the bytes run out each site takes its harshest plausible default:
// highmem pages, absent user pages, the largest pick, no failure, no switch.
// So even a short input explores the dangerous world.
//
// Fault injection (Site::Inject) comes from an optional trailer, which only
// inputs made since it exists carry, so every older input and corpus entry
// means what it meant:
//
//   [decision bytes][f_1 .. f_n][n][kInjectMagic (8 bytes)]
//
// with 1 <= n <= 255: the run's ith fallible call fails when i <= n and f_i
// >= 0xf0 (one byte in 16), and its ith delay lasts long (Site::Stall) when
// f_(n+1-i) >= 0xf0: delays take the section from its other end, so the
// first fallible calls and the first delays of a run do not share a byte.
// An input without the magic at its end, or whose n does not fit, is all
// decision bytes and injects nothing.
class BytesSource : public DecisionSource {
 public:
  static constexpr unsigned char kInjectMagic[8] = {0xfe, 'k', 'm', 'I', 'N', 'J', 0x01, 0xfe};
  static constexpr size_t kTrailerOverhead = 1 + sizeof kInjectMagic;  // n and the magic
  BytesSource(const uint8_t *data, size_t size);
  uint64_t pick(Site site, uint64_t lo, uint64_t hi) override;
  bool should(Site site) override;
  size_t next_task(const Candidate *c, size_t n, int running) override;
  bool inject(Fault f, uint64_t nth) override;
  std::string describe() const override { return "fuzzer bytes"; }
  // The fault section's bytes (empty: an input without a trailer).
  size_t fault_bytes() const { return nfault_; }

 private:
  bool take_front(uint8_t *b);
  bool take_back(uint8_t *b);
  const uint8_t *p_;
  const uint8_t *end_;
  const uint8_t *fault_ = nullptr;
  size_t nfault_ = 0;
};

// Seeded uniform random: the baseline strategy (uniform over candidates).
class RandomSource : public DecisionSource {
 public:
  explicit RandomSource(uint64_t seed) : seed_(seed), rng_(seed) {}
  void begin_run() override;
  uint64_t pick(Site site, uint64_t lo, uint64_t hi) override;
  bool should(Site site) override;
  size_t next_task(const Candidate *c, size_t n, int running) override;
  // With fault injection on, each fallible call fails with a small
  // probability, drawn from a stream of its own (the other decisions stay
  // those of the same seed without injection).
  bool inject(Fault f, uint64_t nth) override;
  void set_fault_injection(bool on) { inject_ = on; }
  // A random walk with a switch rate drawn per run instead of uniform
  // choices: j is drawn per run in 0..6; with j = 0 the run is uniform,
  // otherwise at a scheduling point where the running task may continue it
  // is left running except with probability 2^-j (then a uniform choice
  // among the others). Long runs of one task ahead of the others, which
  // uniform choices almost never make (a bug after a long run of one task),
  // come up every few runs. A quarter of its kmapsim_pick()s take an end of
  // the range. The explorer's portfolio uses it beside the uniform baseline.
  void set_switch_rate_per_run(bool on) { walk_ = on; }
  std::string describe() const override;

 private:
  uint64_t seed_;
  uint64_t runs_ = 0;
  Rng rng_;
  bool inject_ = false;
  Rng frng_;
  bool walk_ = false;
  unsigned switch_shift_ = 1;
};

// PCT (Burckhardt et al., ASPLOS 2010): random task priorities, always run
// the highest-priority candidate, and lower the running task's priority at
// d-1 random change points among k steps. A bug of depth d in a program of n
// tasks and k steps is found by one run with probability >= 1/(n k^(d-1)).
// The scheduler offers only fair candidates (sched_fair.cc: a spinning task
// waits until the others ran), so the guarantee holds over fair schedules,
// and k counts the steps that offered a choice among them.
class PctSource : public DecisionSource {
 public:
  PctSource(uint64_t seed, unsigned depth, unsigned steps_estimate, unsigned tasks_estimate);
  void begin_run() override;
  bool end_run() override;
  uint64_t pick(Site site, uint64_t lo, uint64_t hi) override;
  bool should(Site site) override;
  size_t next_task(const Candidate *c, size_t n, int running) override;
  bool inject(Fault f, uint64_t nth) override;  // as RandomSource, when enabled
  void set_fault_injection(bool on) { inject_ = on; }
  std::string describe() const override;
  std::string guarantee() const override;
  double bound() const;

 private:
  int64_t priority(int task);
  bool inject_ = false;
  Rng frng_;
  uint64_t seed_;
  unsigned d_, k_, n_;
  uint64_t runs_ = 0;
  unsigned step_ = 0;
  unsigned max_steps_seen_ = 0;
  unsigned max_tasks_seen_ = 0;
  std::vector<unsigned> change_points_;
  std::vector<int64_t> prio_;
  Rng rng_;
};

// Bounded-exhaustive: depth-first enumeration of every run with at most K
// preemptions (a NextTask choice that takes the CPU from a task that could
// continue, an interrupt or a migration each count one). Under fairness
// (sched_fair.cc) a task that spins cannot continue until the others ran:
// switching away from it is no preemption, so every fair schedule with at
// most K preemptions is enumerated, and spin loops do not use up the bound. Data choices are
// enumerated too: every should(), and for pick(lo, hi) the boundary values
// lo, lo+1, hi-1, hi, the middle and the values around each page boundary.
//
// Fallible calls never fail under the default fault budget of 0 (their
// failures are the sweep's and the random sources'); with a budget F each
// one fails or not, at most F failing in a run.
//
// An enumeration that never had to leave a choice out — nothing cut by
// either budget, every pick()'s whole range in its domain, no fallible
// call left unfailed by a budget of 0 — covered the subject's whole
// decision tree: a run is a function of its decisions, so every run the
// subject can take on this profile has been run, and any further run
// repeats one (whole_space()).
class ExhaustiveSource : public DecisionSource {
 public:
  explicit ExhaustiveSource(unsigned max_preemptions, uint64_t max_runs = UINT64_MAX, unsigned max_faults = 0);
  void begin_run() override;
  bool end_run() override;
  uint64_t pick(Site site, uint64_t lo, uint64_t hi) override;
  bool should(Site site) override;
  size_t next_task(const Candidate *c, size_t n, int running) override;
  bool inject(Fault, uint64_t) override;
  std::string describe() const override;
  std::string guarantee() const override;
  bool complete() const { return complete_; }
  uint64_t runs() const { return runs_; }
  unsigned bound() const { return k_; }
  // Complete, and nothing was left out: see the class comment.
  bool whole_space() const { return complete_ && !cut_ && !sampled_ && !fallible_; }
  // Only the budgets left choices out: larger ones may cover the rest.
  bool only_budget_cut() const { return (cut_ || fallible_) && !sampled_; }
  // A run reached a fallible call (with a budget: its failures were tried).
  bool saw_fallible() const { return saw_fallible_; }

 private:
  struct Node {
    uint32_t choice;
    uint32_t width;
  };
  uint32_t choose(uint32_t width);
  unsigned k_;
  uint64_t max_runs_;
  uint64_t runs_ = 0;
  bool complete_ = false;
  std::vector<Node> stack_;
  size_t pos_ = 0;
  unsigned used_ = 0;
  unsigned f_;
  unsigned faults_ = 0;         // failures in this run
  bool cut_ = false;            // a run left a choice out for a budget
  bool sampled_ = false;        // a pick()'s range was wider than its boundary values
  bool fallible_ = false;       // a run reached a fallible call with a fault budget of 0
  bool saw_fallible_ = false;   // a run reached a fallible call (Site::Inject)
  std::vector<uint64_t> pick_domain_;
  std::vector<size_t> allowed_;
};

// Replays a recorded Trace, in one of three modes:
//  - Exact: a decision of another site than recorded, or a run that asks
//    for more decisions than recorded, is a divergence: kmapsim itself was
//    not deterministic, or the trace belongs to other code.
//  - Extend: a run that goes on past the end of the trace takes the first
//    choice at every further decision instead: a regression input recorded
//    when a run ended at a report replays the same prefix and then runs to
//    completion once the report no longer happens.
//  - Lenient (`kmapsim minimize`'s edited traces): the trace only steers
//    the run. An edit shifts or removes decisions, so the run soon asks for
//    something the list does not say: a decision at another site than the
//    next entry, outside the asked range, or past the end takes the lowest
//    choice, and the entry stays for the next decision at its own site.
//    Nothing diverges; the run is a new run, recorded as usual.
class ReplaySource : public DecisionSource {
 public:
  enum class Mode { Exact, Extend, Lenient };
  ReplaySource(Trace t, Mode mode) : t_(std::move(t)), mode_(mode) {}
  explicit ReplaySource(Trace t, bool extend = false) : ReplaySource(std::move(t), extend ? Mode::Extend : Mode::Exact) {}
  void begin_run() override { i_ = 0; diverged_.clear(); }
  uint64_t pick(Site site, uint64_t lo, uint64_t hi) override;
  bool should(Site site) override;
  size_t next_task(const Candidate *c, size_t n, int running) override;
  // The recorded run failed its nth fallible call exactly when the next
  // decision is Inject = nth; otherwise nothing is consumed.
  bool inject(Fault f, uint64_t nth) override;
  std::string describe() const override { return mode_ == Mode::Lenient ? "lenient replay" : "replay"; }
  const std::string &divergence() const { return diverged_; }
  bool consumed_all() const { return i_ == t_.size(); }

 private:
  uint64_t next(Site site, uint64_t lo, uint64_t hi, uint64_t fallback);
  Trace t_;
  Mode mode_;
  size_t i_ = 0;
  std::string diverged_;
};

}  // namespace kmapsim

namespace kmapsim {

// One seeded stream per decision site, so that a site one profile never asks
// (the zone of an allocation on a 64-bit machine) does not shift the values
// of the others: the same seed gives the same picks on every profile. Used
// by the profile-differential target.
class SiteStreamSource : public DecisionSource {
 public:
  explicit SiteStreamSource(uint64_t seed) : seed_(seed) {}
  void begin_run() override;
  uint64_t pick(Site site, uint64_t lo, uint64_t hi) override { return rng_[static_cast<size_t>(site)].range(lo, hi); }
  bool should(Site site) override { return rng_[static_cast<size_t>(site)].chance(site_weight(site), 256); }
  size_t next_task(const Candidate *, size_t n, int) override { return rng_[static_cast<size_t>(Site::NextTask)].range(0, n - 1); }
  std::string describe() const override { return "per-site seeded streams"; }

 private:
  uint64_t seed_;
  Rng rng_[static_cast<size_t>(Site::kCount)];
};

}  // namespace kmapsim

namespace kmapsim {

// SQLite's fault sweep: run N fails the Nth fallible call of the run (an
// allocation without __GFP_NOFAIL, a user copy, an interruptible or timed
// wait, a fault_in) and nothing else, on one fixed schedule: the current
// task keeps running, highmem pages, present user pages, no interrupt or
// migration, the lowest kmapsim_pick() value. The sweep ends when a run
// makes fewer than N fallible calls: then every single-fault path of that
// schedule was run.
class FaultSweepSource : public DecisionSource {
 public:
  explicit FaultSweepSource(uint64_t target) : target_(target) {}
  void begin_run() override { calls_ = 0; }
  uint64_t pick(Site, uint64_t lo, uint64_t) override { return lo; }
  bool should(Site site) override;
  size_t next_task(const Candidate *, size_t, int) override { return 0; }
  bool inject(Fault, uint64_t) override { return ++calls_ == target_; }
  std::string describe() const override;
  // The last run reached its target (false: the sweep is over).
  bool injected() const { return calls_ >= target_; }
  uint64_t calls() const { return calls_; }

 private:
  uint64_t target_;
  uint64_t calls_ = 0;
};

}  // namespace kmapsim
