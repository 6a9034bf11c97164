#include "decision_sources.h"

namespace kmapsim {

void RandomSource::begin_run() {
  frng_.seed_with(seed_ * 0xd1b54a32d192ed03ull + runs_);
  rng_.seed_with(seed_ * 0x9e3779b97f4a7c15ull + runs_++);
}

// One fallible call in 24 fails: most runs still reach the end of the
// subject, and a subject's few error paths are each taken often.
bool RandomSource::inject(Fault, uint64_t) { return inject_ && frng_.chance(1, 24); }

uint64_t RandomSource::pick(Site, uint64_t lo, uint64_t hi) { return rng_.range(lo, hi); }

bool RandomSource::should(Site site) { return rng_.chance(site_weight(site), 256); }

size_t RandomSource::next_task(const Candidate *, size_t n, int) { return rng_.range(0, n - 1); }

std::string RandomSource::describe() const { return "uniform random (seed " + std::to_string(seed_) + ")"; }

}  // namespace kmapsim
