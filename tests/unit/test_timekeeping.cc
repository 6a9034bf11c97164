// The clocks (linux/timekeeping.h, capi/time_api.cc): one clock, the
// jiffies' (ktime_get() is the time since boot the jiffies count); a read
// is a scheduling point and may find that 60 s went by (a fallible call of
// kind clock-jump), which takes a poll with a deadline to its timeout path:
// a mapping left behind there is reported, the fixed poll is clean, and the
// fault sweep gets there by itself.
#include "unit.h"

#include <linux/ktime.h>

using namespace kt;

namespace {

constexpr u64 kNsPerTick = 1000000000ull / HZ;

u64 g_ns[3];
unsigned long g_jiffies[3];
u64 g_real;
time64_t g_secs;
struct timespec64 g_ts;

void read_clocks() {
  for (int i = 0; i < 3; i++) {
    g_ns[i] = ktime_get_ns();
    g_jiffies[i] = jiffies;
  }
  g_real = ktime_get_real_ns();
  g_secs = ktime_get_seconds();
  ktime_get_ts64(&g_ts);
}

TEST(Timekeeping, TheClockIsTheJiffies) {
  ASSERT_TRUE(Clean(run("strict", read_clocks)));
  for (int i = 0; i < 3; i++) EXPECT_EQ(g_ns[i], (g_jiffies[i] - INITIAL_JIFFIES) * kNsPerTick) << i;
  EXPECT_LT(g_ns[0], g_ns[1]) << "a read is a scheduling point: the clock moves on";
  EXPECT_LT(g_ns[1], g_ns[2]);
  EXPECT_LT(g_ns[2] - g_ns[0], 1000000000ull) << "no jump without the run deciding one";
  // 2026-01-01 00:00 UTC at boot
  EXPECT_GT(g_real, 1767225600ull * 1000000000ull);
  EXPECT_LT(g_real, 1767225601ull * 1000000000ull);
  EXPECT_EQ(g_secs, 0);
  EXPECT_GE(g_ts.tv_nsec, 0);
  EXPECT_LT(g_ts.tv_nsec, 1000000000L);
}

TEST(Timekeeping, AJumpIsSixtySecondsOnEveryClockAndTheJiffies) {
  ScriptSource src;
  src.push(Site::Inject, 2);  // the second read finds 60 s gone
  ASSERT_TRUE(Clean(run("strict", read_clocks, src)));
  EXPECT_GE(g_ns[1] - g_ns[0], 60ull * 1000000000ull);
  EXPECT_LT(g_ns[2] - g_ns[1], 1000000000ull) << "one jump: the third read did not";
  EXPECT_GE(g_jiffies[1] - g_jiffies[0], 60ul * HZ);
  EXPECT_EQ(g_ns[1], (g_jiffies[1] - INITIAL_JIFFIES) * kNsPerTick);
  EXPECT_GE(g_real, 1767225600ull * 1000000000ull + 60ull * 1000000000ull);
  EXPECT_EQ(g_secs, 60);
}

// ---- a driver's PIO with a bounded poll, inside a mapping

constexpr unsigned kStatus = 0x10, kReady = 0x1;
bool g_fixed;
int g_ret;

// Waits up to 100 ms for READY, the way drivers poll with ktime; on the
// timeout path the buggy version returns with the page still mapped.
int pio_wait(void __iomem *regs, struct page *page) {
  char *buf = static_cast<char *>(kmap_local_page(page));
  ktime_t deadline = ktime_add_ms(ktime_get(), 100);
  while (!(readl(static_cast<char __iomem *>(regs) + kStatus) & kReady)) {
    if (ktime_after(ktime_get(), deadline)) {
      if (g_fixed) kunmap_local(buf);
      return -ETIMEDOUT;
    }
    cpu_relax();
  }
  buf[0] = 1;
  kunmap_local(buf);
  return 0;
}

void pio() { pio_harness(pio_wait, &g_ret); }

TEST(Timekeeping, ADeviceThatAnswersInTimeNeverTimesOut) {
  g_fixed = false;
  ASSERT_TRUE(Clean(run("strict", pio)));
  EXPECT_EQ(g_ret, 0);
}

TEST(Timekeeping, TheTimeoutPathRunsWhenTheClockJumps) {
  g_fixed = false;
  ScriptSource src;
  src.push(Site::Inject, 2);  // (a highmem page, by default) the first clock read in the loop jumps
  RunResult r = run("strict", pio, src);
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak)) << r.report.text;
  EXPECT_EQ(g_ret, -ETIMEDOUT);
  g_fixed = true;
  ScriptSource again;
  again.push(Site::Inject, 2);
  EXPECT_TRUE(Clean(run("strict", pio, again)));
  EXPECT_EQ(g_ret, -ETIMEDOUT);
}

TEST(Timekeeping, TheFaultSweepReachesTheTimeout) {
  expect_sweep_reaches(pio, +[] { return g_ret == -ETIMEDOUT; }, &g_fixed);
}

}  // namespace
