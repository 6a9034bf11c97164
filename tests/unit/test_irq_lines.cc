// Interrupt lines: disable_irq()/disable_irq_nosync()/enable_irq() keep a
// disable depth per line, and a disabled line's handlers do not fire;
// disable_irq() and synchronize_irq() may sleep; an unbalanced enable_irq()
// is the kernel's warning. (The handler's own rules: test_irq.cc.)
#include "unit.h"

using namespace kt;

namespace {

struct page *g_page;
void *volatile g_addr;
int g_fired;

ScriptSource irqs_always() {
  ScriptSource s;
  s.set_default(Site::Irq, 1);
  return s;
}

// disable_irq() keeps the line's handler out of the section it brackets:
// the same handler that reads the task's local address above is silent
// there, and fires (reported) once the line is enabled again around a
// mapping.
TEST(IrqLine, DisabledLineKeepsItsHandlerOutOfTheSection) {
  ScriptSource src = irqs_always();
  static int fired_inside;
  RunResult r = run("strict", +[] {
    g_addr = nullptr;
    g_fired = 0;
    g_page = HIGH_PAGE();
    request_irq(7, +[](int, void *) -> irqreturn_t {
      g_fired++;
      if (g_addr) (void)static_cast<volatile char *>(g_addr)[0];
      return IRQ_HANDLED;
    }, 0, "test-irq", nullptr);
    disable_irq(7);
    int before = g_fired;
    g_addr = kmap_local_page(g_page);
    cond_resched();  // no interrupt of line 7 here
    kunmap_local(g_addr);
    g_addr = nullptr;
    fired_inside = g_fired - before;
    enable_irq(7);
    cond_resched();  // it may fire again
    free_irq(7, nullptr);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(fired_inside, 0);
  EXPECT_GE(g_fired, 1);
}

TEST(IrqLine, DisableIrqNestsAndOnlyItsLineIsHeld) {
  ScriptSource src = irqs_always();
  static int line7, line8, line7_disabled, line7_after_one_enable, line7_end;
  RunResult r = run("strict", +[] {
    line7 = line8 = 0;
    request_irq(7, +[](int, void *) -> irqreturn_t { line7++; return IRQ_HANDLED; }, 0, "seven", nullptr);
    disable_irq(7);
    disable_irq_nosync(7);
    line7_disabled = line7;
    request_irq(8, +[](int, void *) -> irqreturn_t { line8++; return IRQ_HANDLED; }, 0, "eight", nullptr);
    for (int i = 0; i < 4; i++) cond_resched();  // only line 8 can fire
    enable_irq(7);
    for (int i = 0; i < 4; i++) cond_resched();  // still disabled once
    line7_after_one_enable = line7;
    enable_irq(7);
    for (int i = 0; i < 4; i++) cond_resched();
    line7_end = line7;
    free_irq(8, nullptr);
    free_irq(7, nullptr);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_GE(line8, 1);
  EXPECT_EQ(line7_after_one_enable, line7_disabled);
  EXPECT_GT(line7_end, line7_disabled);
}

TEST(IrqLine, UnbalancedEnableIrq) {
  RunResult r = run("strict", +[] {
    request_irq(7, +[](int, void *) -> irqreturn_t { return IRQ_HANDLED; }, 0, "test-irq", nullptr);
    disable_irq(7);
    enable_irq(7);
    enable_irq(7);
  });
  EXPECT_TRUE(Reported(r, BugClass::SubjectBug, {"enable_irq(7)", "unbalanced enable"}));
}

// disable_irq() and synchronize_irq() wait for a running handler and may
// sleep; disable_irq_nosync() is the form for atomic context.
TEST(IrqLine, DisableIrqUnderASpinlockMaySleep) {
  static DEFINE_SPINLOCK(lock);
  RunResult bad = run("strict", +[] {
    spin_lock_init(&lock);
    spin_lock(&lock);
    disable_irq(7);
    spin_unlock(&lock);
  });
  EXPECT_TRUE(Reported(bad, BugClass::SleepInAtomic, {"disable_irq"}));
  RunResult ok = run("strict", +[] {
    spin_lock_init(&lock);
    spin_lock(&lock);
    disable_irq_nosync(7);
    spin_unlock(&lock);
    synchronize_irq(7);
    enable_irq(7);
  });
  EXPECT_TRUE(Clean(ok));
}

}  // namespace
