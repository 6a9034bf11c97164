// linux/timekeeping.h's clocks: one simulated clock, the jiffies'
// (Sched::uptime_ns()). A read is a scheduling point, and a fallible call of
// kind clock-jump: where the run decides, the reading task was held up for
// Sched::kHeldUpSeconds first (preempted, interrupted, its CPU stalled: in a
// preemptible kernel any amount of time may pass between two instructions),
// so a deadline it set has passed. 60 s is past the timeouts drivers give
// their polls (microseconds to a few seconds), so the jump takes a bounded
// poll (read_poll_timeout(), a driver's own `ktime_after(ktime_get(),
// deadline)` loop) to its -ETIMEDOUT path, the one a device model that
// answers in time never reaches; a poll without a deadline is unaffected.
#include "api_entry.h"

#include <linux/jiffies.h>
#include <linux/timekeeping.h>

namespace {

// CLOCK_REALTIME at boot: 2026-01-01 00:00:00 UTC (a fixed date: a run's
// clocks do not depend on the host's).
constexpr uint64_t kBootRealtimeSeconds = 1767225600;

}  // namespace

extern "C" u64 kmapsim_clock_ns(int clock, const char *api) {
  KMAPSIM_API;
  m.sched_point(api);
  if (m.fallible(kmapsim::Fault::ClockJump, "clock read: the task was held up for 60 s"))
    m.sched().clock_jump(kmapsim::Sched::kHeldUpSeconds * HZ);
  uint64_t ns = m.sched().uptime_ns();
  return clock == KMAPSIM_CLOCK_REALTIME ? ns + kBootRealtimeSeconds * 1000000000ull : ns;
}
