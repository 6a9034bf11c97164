// Device registers (asm/io.h, mm/mmio.cc): a register's first answers are
// picked and later ones alternate, and the first later read of a register
// per command (a write to its window) is where the device may stall: the
// register then holds its answer for Mmio::kHeldReads reads, and the clocks
// move on as for a stalled delay. A poll bounded by a count of reads takes
// its timeout path only that way (a mapping left behind there is reported,
// the fixed poll is clean, the fault sweep gets there by itself); an
// unbounded poll waits the hold out and ends clean, even when every delay
// in it stalls too.
#include "unit.h"

#include <linux/delay.h>

#include "mmio.h"

using namespace kt;
using kmapsim::Mmio;
using kmapsim::ReplaySource;

namespace {

constexpr unsigned kStatus = 0x10, kCmd = 0x20, kReady = 0x1;

std::vector<uint64_t> stalls_of(const kmapsim::Trace &t) {
  std::vector<uint64_t> v;
  for (const kmapsim::Decision &d : t.decisions())
    if (d.site == Site::Stall) v.push_back(d.value);
  return v;
}

// The reads of the status register, and the jiffies around the fifth.
uint32_t g_reads[Mmio::kHeldReads + 8];
unsigned g_nreads;
unsigned long g_before, g_after;
bool g_command;

void reads(unsigned n) {
  void __iomem *regs = ioremap(0xfe000000, 0x100);
  g_nreads = 0;
  if (!regs) return;
  for (unsigned i = 0; i < n; i++) {
    if (i == 4) g_before = jiffies;
    if (i == 6 && g_command) writel(1, static_cast<char __iomem *>(regs) + kCmd);
    g_reads[g_nreads++] = readl(static_cast<char __iomem *>(regs) + kStatus);
  }
  g_after = jiffies;
  iounmap(regs);
}

TEST(Mmio, AStallHoldsTheRegistersAnswer) {
  auto body = +[] { reads(Mmio::kHeldReads + 6); };
  g_command = false;
  ASSERT_TRUE(Clean(run("strict", body)));
  ASSERT_EQ(g_nreads, Mmio::kHeldReads + 6);
  EXPECT_EQ(g_reads[4], ~g_reads[3]) << "without a stall the fifth read alternates";
  EXPECT_EQ(g_reads[5], g_reads[3]);
  EXPECT_LT(g_after - g_before, 60ul * HZ);
  EXPECT_TRUE(stalls_of(machine("strict").trace()).empty());

  ScriptSource src;
  src.push(Site::Stall, 1);  // the fifth read: the run's first delay
  ASSERT_TRUE(Clean(run("strict", body, src)));
  for (unsigned i = 4; i < 4 + Mmio::kHeldReads; i++) ASSERT_EQ(g_reads[i], g_reads[3]) << "read " << i + 1 << " is held";
  EXPECT_EQ(g_reads[4 + Mmio::kHeldReads], ~g_reads[3]) << "then the register alternates again";
  EXPECT_GE(g_after - g_before, 60ul * HZ) << "the clocks moved on";
  EXPECT_EQ(stalls_of(machine("strict").trace()), std::vector<uint64_t>{1});
}

TEST(Mmio, TheDeviceMayStallOncePerRegisterAndCommand) {
  auto body = +[] { reads(12); };
  // Delay 2 is the seventh read only when a command came before it: the
  // sixth read asked nothing (the fifth asked for this command already).
  for (bool command : {false, true}) {
    g_command = command;
    ScriptSource src;
    src.push(Site::Stall, 2);
    ASSERT_TRUE(Clean(run("strict", body, src)));
    ASSERT_EQ(g_nreads, 12u);
    EXPECT_EQ(g_reads[4], ~g_reads[3]);
    EXPECT_EQ(g_reads[5], g_reads[3]);
    if (command) {
      for (unsigned i = 6; i < 12; i++) EXPECT_EQ(g_reads[i], g_reads[5]) << "read " << i + 1 << " is held";
      EXPECT_EQ(stalls_of(machine("strict").trace()), std::vector<uint64_t>{2});
    } else {
      EXPECT_EQ(g_reads[6], ~g_reads[5]) << "no second question without a command";
      EXPECT_TRUE(stalls_of(machine("strict").trace()).empty());
    }
  }
}

// ---- a poll bounded by a count of reads, inside a mapping

constexpr int kTries = 1000;
bool g_fixed;
int g_ret;

int pio_wait(void __iomem *regs, struct page *page) {
  char *buf = static_cast<char *>(kmap_local_page(page));
  int i;
  for (i = 0; i < kTries; i++) {
    if (readl(static_cast<char __iomem *>(regs) + kStatus) & kReady) break;
    udelay(1);
  }
  if (i == kTries) {
    if (g_fixed) kunmap_local(buf);
    return -ETIMEDOUT;
  }
  buf[0] = 1;
  kunmap_local(buf);
  return 0;
}

void pio() { pio_harness(pio_wait, &g_ret); }

TEST(Mmio, ACountedPollTimesOutOnlyWhenTheDeviceStalls) {
  g_fixed = false;
  ASSERT_TRUE(Clean(run("strict", pio)));
  EXPECT_EQ(g_ret, 0);
  // Picks of 0 (the script's default) are not ready: a udelay() after each
  // of the four picked reads is delays 1 to 4, the fifth read delay 5.
  ScriptSource src;
  src.push(Site::Stall, 5);
  RunResult r = run("strict", pio, src);
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak)) << r.report.text;
  EXPECT_EQ(g_ret, -ETIMEDOUT);
  EXPECT_TRUE(TextHas(r, "readl (delay #5): the device held its answer for 60 s")) << r.report.text;
  kmapsim::Trace t = machine("strict").trace();
  ReplaySource again(t);
  RunResult back = run("strict", pio, again);
  EXPECT_EQ(again.divergence(), "");
  EXPECT_EQ(back.report.text, r.report.text);

  g_fixed = true;
  ScriptSource fixed;
  fixed.push(Site::Stall, 5);
  EXPECT_TRUE(Clean(run("strict", pio, fixed)));
  EXPECT_EQ(g_ret, -ETIMEDOUT);
}

TEST(Mmio, TheFaultSweepReachesTheCountedTimeout) {
  expect_sweep_reaches(pio, +[] { return g_ret == -ETIMEDOUT; }, &g_fixed);
}

// ---- an unbounded poll waits the hold out

TEST(Mmio, AnUnboundedPollWaitsOutTheHold) {
  auto body = +[] {
    void __iomem *regs = ioremap(0xfe000000, 0x100);
    g_nreads = 0;
    if (!regs) return;
    do g_nreads++;
    while (!(readl(static_cast<char __iomem *>(regs) + kStatus) & kReady) && (cpu_relax(), true));
    iounmap(regs);
  };
  // The fifth read holds (cpu_relax() after each of the four picks is
  // delays 1 to 4), and every cpu_relax() stalls as well: a stalled delay
  // is no progress, but each held read is, so no fair schedule is stuck and
  // the poll ends inside the step bound.
  ScriptSource src;
  src.push(Site::Stall, 5);
  for (uint64_t n = 6; n <= 6 + Mmio::kHeldReads; n++) src.push(Site::Stall, n);
  RunResult r = run("strict", body, src);
  EXPECT_TRUE(Clean(r)) << r.report.text;
  EXPECT_FALSE(r.livelock);
  EXPECT_EQ(g_nreads, 4 + Mmio::kHeldReads + 1) << "the hold, then the read that alternates";
}

}  // namespace
