#include <cstdio>

#include "decision_sources.h"

namespace kmapsim {

bool FaultSweepSource::should(Site site) {
  switch (site) {
    case Site::Highmem: return true;  // the dangerous world, as the fuzzer's defaults
    case Site::AllocFail: return ++calls_ == target_;
    default: return false;
  }
}

std::string FaultSweepSource::describe() const {
  char buf[96];
  snprintf(buf, sizeof buf, "fault sweep (fail fallible call #%llu)", static_cast<unsigned long long>(target_));
  return buf;
}

}  // namespace kmapsim
