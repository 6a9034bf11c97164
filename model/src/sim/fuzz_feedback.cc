#include "fuzz_feedback.h"

#include <cstdint>
#include <cstdlib>

// Layout: [0, 64) the peak share of the PKMAP pool held (64ths, every level
// reached is marked), [64, 80) PKMAP waiters at once, [80, 96) the kmap_local
// depth of a context that was switched out, [96, 160) switches from task i
// to task j (i, j mod 8; counted, so libFuzzer sees how often).
extern "C" {
__attribute__((section("__libfuzzer_extra_counters"), used)) uint8_t kmapsim_feedback_counters[160];
}

namespace kmapsim::feedback {

namespace {
// KMAPSIM_FEEDBACK=0 leaves the counters alone (to measure what they buy).
const bool g_on = [] {
  const char *e = getenv("KMAPSIM_FEEDBACK");
  return !(e && e[0] == '0');
}();

inline void bump(unsigned i) {
  uint8_t &c = kmapsim_feedback_counters[i];
  if (c != 255) c++;
}
}  // namespace

void pkmap_held(unsigned held, unsigned total) {
  if (!g_on || !total) return;
  unsigned level = static_cast<unsigned>(static_cast<uint64_t>(held) * 64 / total);
  if (level > 63) level = 63;
  kmapsim_feedback_counters[level] = 1;
}

void pkmap_waiters(unsigned waiters) {
  if (!g_on) return;
  bump(64 + (waiters > 15 ? 15 : waiters));
}

void context_switch(int from, int to, unsigned depth) {
  if (!g_on) return;
  if (from >= 0) bump(80 + (depth > 15 ? 15 : depth));
  unsigned f = static_cast<unsigned>(from + 1) & 7, t = static_cast<unsigned>(to + 1) & 7;
  bump(96 + f * 8 + t);
}

}  // namespace kmapsim::feedback
