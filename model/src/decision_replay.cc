#include <cstdio>

#include "decision_sources.h"

namespace kmapsim {

uint64_t ReplaySource::next(Site site, uint64_t lo, uint64_t hi, uint64_t fallback) {
  if (mode_ == Mode::Lenient) {
    if (i_ >= t_.size() || t_.decisions()[i_].site != site) return fallback;  // the entry waits for its own site
    uint64_t v = t_.decisions()[i_++].value;
    return v < lo || v > hi ? fallback : v;
  }
  if (!diverged_.empty()) return fallback;
  if (i_ >= t_.size()) {
    if (mode_ == Mode::Extend) return fallback;
    diverged_ = std::string("the run asked for more decisions than the trace holds (at ") + site_name(site) + ")";
    return fallback;
  }
  const Decision &d = t_.decisions()[i_++];
  if (d.site != site || d.value < lo || d.value > hi) {
    char buf[200];
    snprintf(buf, sizeof buf, "decision %zu: trace has %s=%llu, the run asks for %s in [%llu, %llu]", i_ - 1, site_name(d.site),
             static_cast<unsigned long long>(d.value), site_name(site), static_cast<unsigned long long>(lo),
             static_cast<unsigned long long>(hi));
    diverged_ = buf;
    return fallback;
  }
  return d.value;
}

uint64_t ReplaySource::pick(Site site, uint64_t lo, uint64_t hi) { return next(site, lo, hi, lo); }

bool ReplaySource::should(Site site) { return next(site, 0, 1, 0) == 1; }

bool ReplaySource::inject(Fault f, uint64_t nth) {
  if (!diverged_.empty() || i_ >= t_.size()) return false;
  const Decision &d = t_.decisions()[i_];
  if (d.site != (f == Fault::Stall ? Site::Stall : Site::Inject) || d.value != nth) return false;
  i_++;
  return true;
}

size_t ReplaySource::next_task(const Candidate *, size_t n, int) { return next(Site::NextTask, 0, n - 1, 0); }

}  // namespace kmapsim
