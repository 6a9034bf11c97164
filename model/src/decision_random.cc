#include "decision_sources.h"

namespace kmapsim {

void RandomSource::begin_run() {
  frng_.seed_with(seed_ * 0xd1b54a32d192ed03ull + runs_);
  rng_.seed_with(seed_ * 0x9e3779b97f4a7c15ull + runs_++);
  if (walk_) switch_shift_ = static_cast<unsigned>(rng_.range(0, 6));
}

// One fallible call in 24 fails: most runs still reach the end of the
// subject, and a subject's few error paths are each taken often.
bool RandomSource::inject(Fault, uint64_t) { return inject_ && frng_.chance(1, 24); }

uint64_t RandomSource::pick(Site, uint64_t lo, uint64_t hi) {
  if (walk_ && hi > lo) {
    // The walk also favours the ends of a range (a quarter of its picks),
    // where sizes and counts overrun.
    uint64_t r = rng_.range(0, 7);
    if (r == 0) return lo;
    if (r == 1) return hi;
  }
  return rng_.range(lo, hi);
}

bool RandomSource::should(Site site) { return rng_.chance(site_weight(site), 256); }

size_t RandomSource::next_task(const Candidate *c, size_t n, int running) {
  if (!walk_ || switch_shift_ == 0 || running < 0 || c[0].task != running) return rng_.range(0, n - 1);
  if (rng_.range(0, (1u << switch_shift_) - 1) != 0) return 0;  // keep running
  return rng_.range(1, n - 1);
}

std::string RandomSource::describe() const {
  return std::string(walk_ ? "random walk, switch rate per run" : "uniform random") + " (seed " + std::to_string(seed_) + ")";
}

}  // namespace kmapsim
