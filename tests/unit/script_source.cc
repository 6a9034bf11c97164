#include "script_source.h"

namespace kmapsim {

uint64_t ScriptSource::next(Site s, uint64_t fallback) {
  size_t i = static_cast<size_t>(s);
  if (pos_[i] < q_[i].size()) return q_[i][pos_[i]++];
  return fallback;
}

uint64_t ScriptSource::pick(Site site, uint64_t lo, uint64_t hi) {
  uint64_t d = def_[static_cast<size_t>(site)];
  uint64_t v = next(site, d == UINT64_MAX ? lo : d);
  return v < lo ? lo : v > hi ? hi : v;
}

bool ScriptSource::inject(Fault f, uint64_t nth) {
  size_t i = static_cast<size_t>(f == Fault::Stall ? Site::Stall : Site::Inject);
  if (pos_[i] < q_[i].size() && q_[i][pos_[i]] == nth) {
    pos_[i]++;
    return true;
  }
  return false;
}

size_t ScriptSource::next_task(const Candidate *, size_t n, int) {
  uint64_t v = next(Site::NextTask, def_[static_cast<size_t>(Site::NextTask)]);  // set_default applies here too
  return v < n ? v : n - 1;
}

}  // namespace kmapsim
