#include <cmath>
#include <cstdio>

#include "decision_sources.h"

namespace kmapsim {

PctSource::PctSource(uint64_t seed, unsigned depth, unsigned steps, unsigned tasks)
    : seed_(seed), d_(depth ? depth : 1), k_(steps ? steps : 1), n_(tasks ? tasks : 1), rng_(seed) {}

void PctSource::begin_run() {
  frng_.seed_with(seed_ * 0xd1b54a32d192ed03ull + runs_);
  rng_.seed_with(seed_ * 0x2545f4914f6cdd1dull + runs_++);
  step_ = 0;
  prio_.clear();
  change_points_.clear();
  for (unsigned i = 1; i < d_; i++) change_points_.push_back(static_cast<unsigned>(rng_.range(1, k_)));
}

bool PctSource::end_run() {
  // Learn k and n from what runs really took, so the stated bound is honest.
  if (step_ > max_steps_seen_) max_steps_seen_ = step_;
  if (prio_.size() > max_tasks_seen_) max_tasks_seen_ = static_cast<unsigned>(prio_.size());
  if (max_steps_seen_ > k_) k_ = max_steps_seen_;
  if (max_tasks_seen_ > n_) n_ = max_tasks_seen_;
  return true;
}

int64_t PctSource::priority(int task) {
  while (prio_.size() <= static_cast<size_t>(task))
    // Initial priorities lie above every change-point priority (1..d-1).
    prio_.push_back(static_cast<int64_t>(d_ + rng_.range(0, 1u << 20)));
  return prio_[task];
}

bool PctSource::inject(Fault, uint64_t) { return inject_ && frng_.chance(1, 24); }

uint64_t PctSource::pick(Site, uint64_t lo, uint64_t hi) { return rng_.range(lo, hi); }

bool PctSource::should(Site site) {
  // Interrupts and migrations are scheduling events too: rarer than data choices.
  return rng_.chance(site_weight(site), 256);
}

size_t PctSource::next_task(const Candidate *c, size_t n, int running) {
  step_++;
  for (size_t i = 0; i < change_points_.size(); i++)
    if (change_points_[i] == step_ && running >= 0) {
      priority(running);
      prio_[running] = static_cast<int64_t>(d_ - 1 - i);  // below all initial priorities
    }
  size_t best = 0;
  int64_t bp = INT64_MIN;
  for (size_t i = 0; i < n; i++) {
    int64_t p = priority(c[i].task);
    if (p > bp) {
      bp = p;
      best = i;
    }
  }
  return best;
}

double PctSource::bound() const { return 1.0 / (static_cast<double>(n_) * std::pow(static_cast<double>(k_), d_ - 1)); }

std::string PctSource::describe() const {
  char buf[160];
  snprintf(buf, sizeof buf, "PCT (seed %llu, n=%u tasks, k=%u steps, d=%u)", static_cast<unsigned long long>(seed_), n_, k_, d_);
  return buf;
}

std::string PctSource::guarantee() const {
  char buf[200];
  snprintf(buf, sizeof buf, "PCT d=%u: each run finds a depth-%u bug with probability >= 1/(n k^(d-1)) = %.3g (n=%u, k=%u)", d_, d_,
           bound(), n_, k_);
  return buf;
}

}  // namespace kmapsim
