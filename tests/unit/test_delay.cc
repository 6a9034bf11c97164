// Delays (linux/delay.h, Machine::stall()): udelay(), mdelay(), msleep(),
// usleep_range() and cpu_relax() are where a run may stall the task, which
// then finds the jiffies 60 s on. That takes a driver's poll on the
// jiffies to its timeout path (a mapping left behind there is reported,
// the fixed poll is clean, the fault sweep gets there by itself). Delays
// are numbered apart from the fallible calls, so traces recorded before
// they could stall mean what they meant; a stall is not progress, so a
// spin with a delay in it is still a soft-lockup.
#include "unit.h"

#include <linux/delay.h>

using namespace kt;
using kmapsim::BytesSource;
using kmapsim::Fault;
using kmapsim::ReplaySource;

namespace {

unsigned long g_before, g_after, g_end;

std::vector<uint64_t> recorded(const kmapsim::Trace &t, Site site) {
  std::vector<uint64_t> v;
  for (const kmapsim::Decision &d : t.decisions())
    if (d.site == site) v.push_back(d.value);
  return v;
}
std::vector<uint64_t> stalls_of(const kmapsim::Trace &t) { return recorded(t, Site::Stall); }

void three_delays() {
  g_before = jiffies;
  udelay(10);
  g_after = jiffies;
  msleep(1);
  usleep_range(10, 20);
  g_end = jiffies;
}

TEST(Delay, ADelayMovesTheJiffiesOnlyByItsSchedulingPoint) {
  ASSERT_TRUE(Clean(run("strict", three_delays)));
  EXPECT_LT(g_after - g_before, 5ul);
  EXPECT_LT(g_end - g_before, 10ul);
}

TEST(Delay, AStallIsSixtySecondsOnTheJiffies) {
  ScriptSource src;
  src.push(Site::Stall, 1);  // the udelay()
  ASSERT_TRUE(Clean(run("strict", three_delays, src)));
  EXPECT_GE(g_after - g_before, 60ul * HZ);
  EXPECT_LT(g_end - g_after, 10ul) << "one stall: the sleeps after it did not";
  ScriptSource late;
  late.push(Site::Stall, 3);  // the usleep_range()
  RunResult r = run("strict", three_delays, late);
  ASSERT_TRUE(Clean(r));
  EXPECT_LT(g_after - g_before, 5ul);
  EXPECT_GE(g_end - g_after, 60ul * HZ);
  EXPECT_EQ(stalls_of(machine("strict").trace()), std::vector<uint64_t>{3}) << "recorded only where it stalls";
}

// ---- numbered apart from the fallible calls

int g_copy_left;

void delay_then_copy() {
  char buf[16];
  char __user *ubuf = static_cast<char __user *>(kmapsim_user_buffer(sizeof buf));
  g_before = jiffies;
  mdelay(1);
  g_after = jiffies;
  g_copy_left = static_cast<int>(copy_from_user(buf, ubuf, sizeof buf));
}

TEST(Delay, TheDelayIsNoFallibleCall) {
  // As a trace recorded before delays could stall says it: Inject 1 is the
  // copy, the run's first fallible call; the delay before it is not counted.
  ScriptSource src;
  src.push(Site::Inject, 1);
  ASSERT_TRUE(Clean(run("strict", delay_then_copy, src)));
  EXPECT_GT(g_copy_left, 0) << "the copy failed";
  EXPECT_LT(g_after - g_before, 5ul) << "the delay did not stall";
  kmapsim::Trace t = machine("strict").trace();
  EXPECT_EQ(recorded(t, Site::Inject), std::vector<uint64_t>{1});
  EXPECT_TRUE(stalls_of(t).empty());
  ReplaySource again(t);
  ASSERT_TRUE(Clean(run("strict", delay_then_copy, again)));
  EXPECT_EQ(again.divergence(), "");
  EXPECT_TRUE(again.consumed_all());
  EXPECT_GT(g_copy_left, 0);
}

TEST(Delay, AStalledRunReplaysExactly) {
  ScriptSource src;
  src.push(Site::Stall, 1).push(Site::Inject, 1);
  ASSERT_TRUE(Clean(run("strict", delay_then_copy, src)));
  kmapsim::Trace t = machine("strict").trace();
  EXPECT_EQ(stalls_of(t), std::vector<uint64_t>{1});
  EXPECT_EQ(recorded(t, Site::Inject), std::vector<uint64_t>{1});
  ReplaySource again(t);
  ASSERT_TRUE(Clean(run("strict", delay_then_copy, again)));
  EXPECT_EQ(again.divergence(), "");
  EXPECT_TRUE(again.consumed_all());
  EXPECT_GE(g_after - g_before, 60ul * HZ);
  EXPECT_GT(g_copy_left, 0);
  kmapsim::Trace decoded;
  ASSERT_TRUE(kmapsim::Trace::decode(t.encode(), &decoded));
  EXPECT_EQ(decoded.hash(), t.hash());
}

TEST(Delay, TheFuzzersBytesTakeStallsFromTheFaultSectionsOtherEnd) {
  std::vector<uint8_t> in = {0, 0, 0, 0xff, 0x00, 2};  // decision bytes, f_1 = 0xff, f_2 = 0x00, n = 2
  in.insert(in.end(), BytesSource::kInjectMagic, BytesSource::kInjectMagic + sizeof BytesSource::kInjectMagic);
  BytesSource src(in.data(), in.size());
  EXPECT_TRUE(src.inject(Fault::UserCopy, 1));
  EXPECT_FALSE(src.inject(Fault::UserCopy, 2));
  EXPECT_FALSE(src.inject(Fault::Stall, 1)) << "the first delay takes f_2";
  EXPECT_TRUE(src.inject(Fault::Stall, 2)) << "the second takes f_1";
  EXPECT_FALSE(src.inject(Fault::Stall, 3));
}

// ---- a stall is not progress

int g_flag;

TEST(Delay, ASpinWithAStallingDelayIsStillASoftLockup) {
  ScriptSource src;
  for (uint64_t n = 1; n <= 20000; n++) src.push(Site::Stall, n);  // every delay stalls
  RunResult r = run("strict", +[] {
    g_flag = 0;
    while (!READ_ONCE(g_flag)) udelay(1);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::SoftLockup, {"main spins at READ_ONCE()"})) << r.report.text;
  EXPECT_FALSE(r.livelock) << "found by fairness, not by the step bound";
  // Found while the delays still stall, not once the script runs out.
  EXPECT_LT(stalls_of(machine("strict").trace()).size(), 6000u);  // kSpinLimit spins
}

// ---- a driver's PIO with a poll on the jiffies, inside a mapping

constexpr unsigned kStatus = 0x10, kReady = 0x1;
bool g_fixed;
int g_ret;

// Waits up to 100 ms for READY with a udelay() between reads, the way
// drivers poll on the jiffies; on the timeout path the buggy version
// returns with the page still mapped.
int pio_wait(void __iomem *regs, struct page *page) {
  char *buf = static_cast<char *>(kmap_local_page(page));
  unsigned long timeout = jiffies + msecs_to_jiffies(100);
  while (!(readl(static_cast<char __iomem *>(regs) + kStatus) & kReady)) {
    if (time_after(jiffies, timeout)) {
      if (g_fixed) kunmap_local(buf);
      return -ETIMEDOUT;
    }
    udelay(10);
  }
  buf[0] = 1;
  kunmap_local(buf);
  return 0;
}

void pio() { pio_harness(pio_wait, &g_ret); }

TEST(Delay, ADeviceThatAnswersInTimeNeverTimesOut) {
  g_fixed = false;
  ASSERT_TRUE(Clean(run("strict", pio)));
  EXPECT_EQ(g_ret, 0);
}

TEST(Delay, TheTimeoutPathRunsWhenADelayStalls) {
  g_fixed = false;
  ScriptSource src;
  src.push(Site::Stall, 1);
  RunResult r = run("strict", pio, src);
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak)) << r.report.text;
  EXPECT_EQ(g_ret, -ETIMEDOUT);
  EXPECT_TRUE(TextHas(r, "udelay (delay #1) lasted 60 s")) << r.report.text;
  g_fixed = true;
  ScriptSource again;
  again.push(Site::Stall, 1);
  EXPECT_TRUE(Clean(run("strict", pio, again)));
  EXPECT_EQ(g_ret, -ETIMEDOUT);
}

// As drivers poll with cpu_relax() between reads (memstick's r592 does).
int relax_poll(void __iomem *regs) {
  unsigned long timeout = jiffies + msecs_to_jiffies(1000);
  while (time_before(jiffies, timeout)) {
    if (readl(static_cast<char __iomem *>(regs) + kStatus) & kReady) return 0;
    cpu_relax();
  }
  return -ETIME;
}

TEST(Delay, CpuRelaxStallsAsADelayDoes) {
  auto body = +[] {
    void __iomem *regs = ioremap(0xfe000000, 0x100);
    if (regs) {
      g_ret = relax_poll(regs);
      iounmap(regs);
    }
  };
  ASSERT_TRUE(Clean(run("strict", body)));
  EXPECT_EQ(g_ret, 0);
  ScriptSource src;
  src.push(Site::Stall, 1);
  ASSERT_TRUE(Clean(run("strict", body, src)));
  EXPECT_EQ(g_ret, -ETIME);
}

TEST(Delay, TheFaultSweepReachesTheTimeout) {
  expect_sweep_reaches(pio, +[] { return g_ret == -ETIMEDOUT; }, &g_fixed);
}

}  // namespace
