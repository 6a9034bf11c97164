// The one source of nondeterminism. Every choice a run makes — which task
// runs at a scheduling point, whether an interrupt fires, whether a page is
// highmem, whether an allocation fails or a user page faults, every
// kmapsim_pick() — is a Question asked through the run's DecisionPath: the
// path asks the DecisionSource and records the answer in the run's Trace.
// Same decisions, same run: a Trace replays the run byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kmapsim {

// Named decision sites (the BUGGIFY idea: fault sites live in one enum).
enum class Site : uint8_t {
  Pick = 0,       // kmapsim_pick(lo, hi)
  NextTask = 1,   // which candidate runs next (index 0: keep running the current one)
  Highmem = 2,    // a __GFP_HIGHMEM allocation comes from ZONE_HIGHMEM
  AllocFail = 3,  // an allocation without __GFP_NOFAIL fails
  UserFault = 4,  // a user page is not present when first touched
  Irq = 5,        // an interrupt fires at this scheduling point
  IrqWhich = 6,   // which registered handler
  Migrate = 7,    // the current task migrates at this scheduling point
  MigrateTo = 8,  // to which other CPU
  Inject = 9,     // a fallible call fails (value: its ordinal among the run's fallible calls)
  Stall = 10,     // a delay lasts long: the task was held up (value: its ordinal among the run's delays)
  kCount = 11,
};

const char *site_name(Site s);

// The fallible calls besides allocations (whose failure is Site::AllocFail):
// each may fail wherever a real kernel's could. The run numbers its fallible
// calls 1, 2, ...; a source that fails one records Site::Inject with that
// ordinal, so old traces (without Inject decisions) replay unchanged.
// Delays are numbered apart (Site::Stall, Machine::stall()): they were no
// fallible calls before, and counting them among those would renumber the
// fallible calls of an old trace.
enum class Fault : uint8_t {
  UserCopy = 0,     // copy_{to,from}_user and the iov_iter copies: a bad user address (short copy)
  Interrupted = 1,  // mutex_lock_interruptible/_killable, wait_for_completion_interruptible/_killable: a signal
  Timeout = 2,      // wait_for_completion_timeout: the timeout expires first
  FaultIn = 3,      // fault_in_readable/_writeable: a bad user address
  Resched = 4,      // need_resched(): the scheduler wants the CPU back (sched.cc)
  ClockJump = 5,    // a clock read (ktime_get(), ...): the task was held up for a long time (time_api.cc)
  Stall = 6,        // a delay (udelay(), msleep(), ...): the task was held up for a long time (Site::Stall)
  kCount = 7,
};

const char *fault_name(Fault f);

// A candidate in a NextTask choice. Index 0 is always "continue the current
// task" when the current task can continue; `preempts` says whether choosing
// it takes the CPU from a task that could have continued (counted against
// the preemption bound of the exhaustive source and by PCT).
struct Candidate {
  int task;
  bool preempts;
};

// One question to a decision source: the site, and the range its answer
// must lie in. Should-sites (Highmem, AllocFail, UserFault, Irq, Migrate)
// are [0, 1]; NextTask is an index into `cands` (hi + 1 of them); Inject
// asks whether the run's fallible call number `hi` (of kind `fault`) fails,
// Stall whether its delay number `hi` lasts long (fault: Fault::Stall).
struct Question {
  Site site;
  uint64_t lo = 0, hi = 1;
  const Candidate *cands = nullptr;  // NextTask: the candidates
  int running = -1;                  // NextTask: the task now on the CPU, or -1
  Fault fault = Fault::UserCopy;     // Inject, Stall: the kind of call
};

class DecisionSource {
 public:
  virtual ~DecisionSource() = default;
  // A new run starts; sources that explore many runs reset per-run state.
  virtual void begin_run() {}
  // The run ended; returns false when the source has nothing more to explore.
  virtual bool end_run() { return true; }
  // A value in [lo, hi].
  virtual uint64_t pick(Site site, uint64_t lo, uint64_t hi) = 0;
  virtual bool should(Site site) = 0;
  // Index into cands (n >= 2). `running` is the task now on the CPU, or -1.
  virtual size_t next_task(const Candidate *cands, size_t n, int running) = 0;
  // Whether the run's nth fallible call (1-based), of kind f, fails (for
  // Fault::Stall: whether its nth delay lasts long). Sources
  // that do not inject (the fuzzer's bytes, exhaustive enumeration) keep the
  // default: old inputs and traces replay as recorded.
  virtual bool inject(Fault, uint64_t) { return false; }
  virtual std::string describe() const = 0;
  // Why the source stopped, and what it guarantees (e.g. exhaustive).
  virtual std::string guarantee() const { return ""; }
  // Answers any question, by its site, from the methods above (Inject and
  // Stall: 1 when the call fails).
  uint64_t answer(const Question &q);
};

// One recorded decision.
struct Decision {
  Site site;
  uint64_t value;
};

// The compact record of a run's decisions: a site byte and a LEB128 value.
class Trace {
 public:
  void clear() { d_.clear(); }
  void push(Site s, uint64_t v) { d_.push_back({s, v}); }
  const std::vector<Decision> &decisions() const { return d_; }
  size_t size() const { return d_.size(); }
  std::string encode() const;
  // False on malformed input (truncated varint, unknown site).
  static bool decode(const std::string &bytes, Trace *out);
  uint64_t hash() const;

 private:
  std::vector<Decision> d_;
};

// The one path every decision of a run takes. It asks the run's source,
// brings an answer outside the question's range back to its lowest value,
// and records it in the trace (an Inject or a Stall only when the call
// fails, so traces without failures replay unchanged): recording wraps the source,
// and no call site records anything itself.
class DecisionPath {
 public:
  // A run starts with `src`: an empty trace.
  void attach(DecisionSource *src) {
    src_ = src;
    trace_.clear();
  }
  void detach() { src_ = nullptr; }
  // Torture mode keeps no trace (its runs are not replayed): it drops the
  // record now and then so that it does not grow without bound.
  void forget_trace() { trace_.clear(); }
  uint64_t ask(const Question &q);
  const Trace &trace() const { return trace_; }

 private:
  DecisionSource *src_ = nullptr;
  Trace trace_;
};

// The project's own PRNG (xoshiro256**, seeded by splitmix64) and bounded
// mapping: no <random> distributions, whose output differs between standard
// libraries.
class Rng {
 public:
  explicit Rng(uint64_t seed = 1) { seed_with(seed); }
  void seed_with(uint64_t seed);
  uint64_t next();
  // Uniform in [lo, hi], unbiased (rejection).
  uint64_t range(uint64_t lo, uint64_t hi);
  bool chance(uint32_t num, uint32_t den) { return range(0, den - 1) < num; }

 private:
  uint64_t s_[4];
};

// The FNV-1a step used for every hash kmapsim prints.
inline uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = static_cast<const unsigned char *>(p);
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 0x100000001b3ull;
  }
  return h;
}
constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ull;

// Per-site probabilities (out of 256) shared by the random and PCT sources.
uint32_t site_weight(Site s);

}  // namespace kmapsim
