#include "decision_sources.h"

namespace kmapsim {

void SiteStreamSource::begin_run() {
  for (size_t i = 0; i < static_cast<size_t>(Site::kCount); i++) rng_[i].seed_with(seed_ * 0x9e3779b97f4a7c15ull + i);
}

}  // namespace kmapsim
