#include <algorithm>
#include <cstdio>

#include "decision_sources.h"

namespace kmapsim {

ExhaustiveSource::ExhaustiveSource(unsigned max_preemptions, uint64_t max_runs, unsigned max_faults)
    : k_(max_preemptions), max_runs_(max_runs), f_(max_faults) {}

void ExhaustiveSource::begin_run() {
  pos_ = 0;
  used_ = 0;
  faults_ = 0;
}

// Depth-first: replay the stack's prefix, extend with choice 0, and after a
// run advance the deepest node that has another choice. A node's width
// already leaves out the choices the preemption budget cannot afford (the
// budget spent before it is fixed by its prefix), so backtracking needs no
// cost check of its own.
uint32_t ExhaustiveSource::choose(uint32_t width) {
  if (pos_ < stack_.size()) return std::min(stack_[pos_++].choice, width - 1);
  stack_.push_back({0, width});
  pos_++;
  return 0;
}

bool ExhaustiveSource::end_run() {
  runs_++;
  stack_.resize(pos_);
  while (!stack_.empty() && stack_.back().choice + 1 >= stack_.back().width) stack_.pop_back();
  if (stack_.empty()) {
    complete_ = true;
    return false;
  }
  stack_.back().choice++;
  return runs_ < max_runs_;
}

uint64_t ExhaustiveSource::pick(Site, uint64_t lo, uint64_t hi) {
  pick_domain_.clear();
  auto add = [&](uint64_t v) {
    if (v >= lo && v <= hi && std::find(pick_domain_.begin(), pick_domain_.end(), v) == pick_domain_.end()) pick_domain_.push_back(v);
  };
  add(lo);
  add(hi);
  add(lo + 1);
  if (hi > 0) add(hi - 1);
  add(lo + (hi - lo) / 2);
  for (uint64_t b = 4096; b <= hi && b <= (4u << 12); b += 4096) {
    if (b + 4096 <= lo) continue;
    add(b - 1);
    add(b);
    add(b + 1);
  }
  if (hi - lo >= pick_domain_.size()) sampled_ = true;
  uint32_t i = choose(static_cast<uint32_t>(pick_domain_.size()));
  return pick_domain_[i];
}

bool ExhaustiveSource::should(Site site) {
  bool costs = site == Site::Irq || site == Site::Migrate;
  if (costs && used_ >= k_) {  // out of budget: only the default
    cut_ = true;
    return false;
  }
  bool yes = choose(2) == 1;
  if (costs && yes) used_++;
  return yes;
}

size_t ExhaustiveSource::next_task(const Candidate *c, size_t n, int) {
  allowed_.clear();
  for (size_t i = 0; i < n; i++)
    if (!c[i].preempts || used_ < k_) allowed_.push_back(i);
  if (allowed_.size() < n) cut_ = true;
  if (allowed_.size() == 1) return allowed_[0];
  size_t pick = allowed_[choose(static_cast<uint32_t>(allowed_.size()))];
  if (c[pick].preempts) used_++;
  return pick;
}

// Without a fault budget a fallible call never fails here, so its failures
// are choices this enumeration leaves out; with one, both answers are
// enumerated while the run has failures left.
bool ExhaustiveSource::inject(Fault, uint64_t) {
  saw_fallible_ = true;
  if (faults_ >= f_) {
    (f_ ? cut_ : fallible_) = true;
    return false;
  }
  bool fail = choose(2) == 1;
  if (fail) faults_++;
  return fail;
}

std::string ExhaustiveSource::describe() const {
  char buf[96];
  if (f_)
    snprintf(buf, sizeof buf, "bounded-exhaustive (K=%u preemptions, up to %u failed calls)", k_, f_);
  else
    snprintf(buf, sizeof buf, "bounded-exhaustive (K=%u preemptions)", k_);
  return buf;
}

std::string ExhaustiveSource::guarantee() const {
  char buf[160];
  if (whole_space())
    snprintf(buf, sizeof buf, "all schedules with <= %u preemptions explored (%llu runs, every run the subject can take)", k_,
             static_cast<unsigned long long>(runs_));
  else if (complete_)
    snprintf(buf, sizeof buf, "all schedules with <= %u preemptions explored (%llu runs, boundary data values)", k_,
             static_cast<unsigned long long>(runs_));
  else
    snprintf(buf, sizeof buf, "enumeration with <= %u preemptions incomplete after %llu runs", k_, static_cast<unsigned long long>(runs_));
  return buf;
}

}  // namespace kmapsim
