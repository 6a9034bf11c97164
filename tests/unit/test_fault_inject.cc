// Every fallible call can fail, through the decision source (Site::Inject,
// the call's ordinal): user copies and fault_in with a bad user address,
// interruptible and killable waits with a signal, timed waits with their
// timeout; and the fault sweep (fail the Nth fallible call, N = 1, 2, ...
// until a run injects nothing) finds a kmap() leaked on an error path.
#include "unit.h"

using namespace kt;
using kmapsim::ReplaySource;

namespace {

// ---- case 3: a kmap() leaked on the -EFAULT path

bool g_fixed;
int g_ret;

int write_user_data(struct page *page, const char __user *ubuf, size_t len) {
  char *kaddr = static_cast<char *>(kmap(page));
  if (copy_from_user(kaddr, ubuf, len)) {
    if (g_fixed) kunmap(page);
    return -EFAULT;
  }
  kunmap(page);
  return 0;
}

void efault_path() {
  struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
  char __user *ubuf = static_cast<char __user *>(kmapsim_user_buffer(64));
  g_ret = write_user_data(page, ubuf, 64);
  if (g_fixed) __free_page(page);
}

TEST(FaultInject, KmapLeakedOnTheEfaultPath) {
  g_fixed = false;
  EXPECT_TRUE(Clean(run("strict", efault_path))) << "without a fault the error path is not taken";
  ScriptSource src;
  src.push(Site::Inject, 1);
  RunResult r = run("strict", efault_path, src);
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"kmap()", "never kunmap()ed"}));
  EXPECT_EQ(g_ret, -EFAULT);
}

TEST(FaultInject, FixedEfaultPathIsClean) {
  g_fixed = true;
  ScriptSource src;
  src.push(Site::Inject, 1);
  EXPECT_TRUE(Clean(run("strict", efault_path, src)));
  EXPECT_EQ(g_ret, -EFAULT);
}

// The sweep (unit.h's sweep()): run N fails fallible call #N; it ends when a run makes fewer.
TEST(FaultInject, SweepFindsTheLeakAndPassesTheFix) {
  g_fixed = false;
  SweepResult b = sweep(efault_path);
  EXPECT_TRUE(b.reported);
  EXPECT_TRUE(Reported(b.report, BugClass::KmapLeak));
  g_fixed = true;
  SweepResult f = sweep(efault_path);
  EXPECT_FALSE(f.reported) << f.report.report.text;
  EXPECT_EQ(f.runs, 2u) << "one fallible call: run 1 fails it, run 2 injects nothing";
}

TEST(FaultInject, AnInjectedRunReplays) {
  g_fixed = false;
  ScriptSource src;
  src.push(Site::Inject, 1);
  Machine &m = machine("strict");
  RunResult first = m.run(efault_path, src);
  ASSERT_TRUE(first.reported);
  kmapsim::Trace t = m.trace();
  bool has_inject = false;
  for (const kmapsim::Decision &d : t.decisions()) has_inject |= d.site == Site::Inject && d.value == 1;
  EXPECT_TRUE(has_inject);
  ReplaySource again(t);
  RunResult second = m.run(efault_path, again);
  EXPECT_EQ(first.report.text, second.report.text);
  EXPECT_TRUE(again.divergence().empty()) << again.divergence();
}

// ---- short copies

unsigned long g_left[4];
char g_kbuf[2 * 4096];

TEST(FaultInject, UserCopiesComeBackShortAtAPageBoundary) {
  ScriptSource src;
  src.push(Site::Inject, 1).push(Site::Inject, 2);
  RunResult r = run("strict", +[] {
    char __user *u = static_cast<char __user *>(kmapsim_user_buffer(4 * PAGE_SIZE));
    memset(g_kbuf, 0x5a, sizeof g_kbuf);
    g_left[0] = copy_to_user(u + PAGE_SIZE - 16, g_kbuf, 64);    // stops at the page boundary: page 1 is bad
    g_left[1] = copy_from_user(g_kbuf, u + 2 * PAGE_SIZE + 8, 32);  // one page: nothing copied, page 2 is bad
    g_left[2] = fault_in_readable(u + PAGE_SIZE - 8, 64);         // page 1 stays bad: 8 bytes faulted in
    g_left[3] = copy_to_user(u, g_kbuf, 16);                      // fallible call #3: not injected
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 48u);
  EXPECT_EQ(g_left[1], 32u);
  EXPECT_EQ(g_kbuf[0], 0) << "copy_from_user zero-fills what it did not copy";
  EXPECT_EQ(g_left[2], 56u);
  EXPECT_EQ(g_left[3], 0u);
}

size_t g_copied;

TEST(FaultInject, IovIterCopyComesBackShort) {
  ScriptSource src;
  src.push(Site::Inject, 1);
  RunResult r = run("strict", +[] {
    struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
    char __user *u = static_cast<char __user *>(kmapsim_user_buffer(2 * PAGE_SIZE));
    struct iov_iter iter;
    iov_iter_ubuf(&iter, ITER_DEST, u + PAGE_SIZE - 100, 400);
    g_copied = copy_page_to_iter(page, 0, 400, &iter);
    __free_page(page);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_copied, 100u) << "the bad address stays bad: the iterator's retry stops at it too";
}

// ---- interruptible, killable and timed waits

DEFINE_MUTEX(g_mx);
DECLARE_COMPLETION(g_done);
DECLARE_COMPLETION(g_holding);
int g_rc[4];

TEST(FaultInject, UncontendedMutexLockInterruptibleNeverFails) {
  ScriptSource src;
  src.push(Site::Inject, 1);
  RunResult r = run("strict", +[] {
    mutex_init(&g_mx);
    g_rc[0] = mutex_lock_interruptible(&g_mx);
    mutex_unlock(&g_mx);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_rc[0], 0);
}

void contended_lock() {
  mutex_init(&g_mx);
  init_completion(&g_holding);
  init_completion(&g_done);
  kthread_run(
      +[](void *) -> int {
        mutex_lock(&g_mx);
        complete(&g_holding);
        wait_for_completion(&g_done);
        mutex_unlock(&g_mx);
        return 0;
      },
      nullptr, "holder");
  wait_for_completion(&g_holding);
  g_rc[0] = mutex_lock_killable(&g_mx);
  complete(&g_done);
  if (g_rc[0] == 0) {
    mutex_unlock(&g_mx);
  } else {
    g_rc[1] = mutex_lock_interruptible(&g_mx);
    if (g_rc[1] == 0) mutex_unlock(&g_mx);
  }
}

TEST(FaultInject, ContendedMutexLockInterruptibleMayFailWithEintr) {
  ScriptSource src;
  src.push(Site::Inject, 1);
  ASSERT_TRUE(Clean(run("strict", contended_lock, src)));
  EXPECT_EQ(g_rc[0], -EINTR);
  // The fatal signal stays pending: the next sleep on the still-held
  // mutex, an interruptible one, ends at once as well.
  EXPECT_EQ(g_rc[1], -EINTR);
  // Without a signal the same run is a real deadlock: the holder waits for
  // a completion main only signals after it got the lock.
  ScriptSource none;
  EXPECT_TRUE(Reported(run("strict", contended_lock, none), BugClass::PkmapDeadlock, {"main waits for a mutex"}));
}

TEST(FaultInject, InterruptibleAndKillableWaitsMayBeInterrupted) {
  ScriptSource src;
  src.push(Site::Inject, 1).push(Site::Inject, 2);
  RunResult r = run("strict", +[] {
    init_completion(&g_done);
    g_rc[0] = wait_for_completion_interruptible(&g_done);
    g_rc[1] = wait_for_completion_killable(&g_done);
    complete(&g_done);
    g_rc[2] = wait_for_completion_interruptible(&g_done);  // done: no wait, no failure
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_rc[0], -ERESTARTSYS);
  EXPECT_EQ(g_rc[1], -ERESTARTSYS);
  EXPECT_EQ(g_rc[2], 0);
}

// signal_pending()/fatal_signal_pending(): a signal arrives when the run
// decides and then stays pending; only the current task's count.
int g_sig[8];

void signal_checks() {
  init_completion(&g_done);
  g_sig[0] = signal_pending(kmapsim_current());        // Inject #1
  g_sig[1] = fatal_signal_pending(kmapsim_current());  // #2
  g_sig[2] = fatal_signal_pending(kmapsim_current());  // #3
  g_sig[3] = signal_pending(kmapsim_current());        // #4
  g_sig[4] = wait_for_completion_killable(&g_done);  // #5
  struct task_struct *other = kthread_run(+[](void *) -> int { return 0; }, nullptr, "other");
  g_sig[5] = fatal_signal_pending(other);    // no decision: not the current task
  g_sig[6] = signal_pending_state(TASK_UNINTERRUPTIBLE, kmapsim_current());  // never
  g_sig[7] = signal_pending_state(TASK_KILLABLE, kmapsim_current());
}

TEST(FaultInject, SignalsStayPendingOnceTheyArrive) {
  // nothing sent: nothing pending, and the killable wait nobody completes
  // is a deadlock
  EXPECT_TRUE(Reported(run("strict", signal_checks), BugClass::PkmapDeadlock, {"every task is blocked"}));
  EXPECT_EQ(g_sig[0] | g_sig[1] | g_sig[2] | g_sig[3], 0);

  // a plain signal at the first check: signal_pending() stays true, a
  // fatal one arrives only at the third check, and from then on killable
  // sleeps end at once
  ScriptSource src;
  src.push(Site::Inject, 1).push(Site::Inject, 3);
  ASSERT_TRUE(Clean(run("strict", signal_checks, src)));
  EXPECT_EQ(g_sig[0], 1);
  EXPECT_EQ(g_sig[1], 0);
  EXPECT_EQ(g_sig[2], 1);
  EXPECT_EQ(g_sig[3], 1);
  EXPECT_EQ(g_sig[4], -ERESTARTSYS);
  EXPECT_EQ(g_sig[5], 0);
  EXPECT_EQ(g_sig[6], 0);
  EXPECT_EQ(g_sig[7], 1);

  // a plain signal does not end a killable sleep
  ScriptSource plain;
  plain.push(Site::Inject, 1);
  EXPECT_TRUE(Reported(run("strict", signal_checks, plain), BugClass::PkmapDeadlock, {"every task is blocked"}));
  EXPECT_EQ(g_sig[0], 1);
  EXPECT_EQ(g_sig[2], 0);
}

// need_resched(): true where the run decides, until the task next goes
// through the scheduler.
int g_resched[4];

TEST(FaultInject, NeedReschedHoldsUntilTheNextCondResched) {
  auto body = +[] {
    g_resched[0] = need_resched();  // Inject #1
    g_resched[1] = need_resched();  // #2
    cond_resched();
    g_resched[2] = need_resched();  // #3
    g_resched[3] = need_resched();  // #4
  };
  ASSERT_TRUE(Clean(run("strict", body)));
  EXPECT_EQ(g_resched[0] | g_resched[1] | g_resched[2] | g_resched[3], 0);
  ScriptSource src;
  src.push(Site::Inject, 1);
  ASSERT_TRUE(Clean(run("strict", body, src)));
  EXPECT_EQ(g_resched[0], 1);
  EXPECT_EQ(g_resched[1], 1);  // still set: nothing rescheduled
  EXPECT_EQ(g_resched[2], 0);  // cond_resched() rescheduled
  EXPECT_EQ(g_resched[3], 0);
}

unsigned long g_left_jiffies[3];

TEST(FaultInject, TimedWaits) {
  ScriptSource src;
  src.push(Site::Inject, 1);
  RunResult r = run("strict", +[] {
    init_completion(&g_done);
    g_left_jiffies[0] = wait_for_completion_timeout(&g_done, msecs_to_jiffies(100));  // injected: times out
    g_left_jiffies[1] = wait_for_completion_timeout(&g_done, msecs_to_jiffies(100));  // nobody completes: times out, no deadlock
    complete(&g_done);
    g_left_jiffies[2] = wait_for_completion_timeout(&g_done, msecs_to_jiffies(100));  // completed
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left_jiffies[0], 0u);
  EXPECT_EQ(g_left_jiffies[1], 0u);
  EXPECT_GT(g_left_jiffies[2], 0u);
}

TEST(FaultInject, UninterruptibleWaitNobodyCompletesIsStillADeadlock) {
  RunResult r = run("strict", +[] {
    init_completion(&g_done);
    wait_for_completion(&g_done);
  });
  EXPECT_TRUE(Reported(r, BugClass::PkmapDeadlock, {"every task is blocked"}));
}

// ---- kmap_local_page_try_from_panic

void *g_addr[2];

TEST(FaultInject, KmapLocalPageTryFromPanic) {
  RunResult r = run("strict", +[] {
    struct page *high = HIGH_PAGE();
    struct page *low = LOW_PAGE();
    g_addr[0] = kmap_local_page_try_from_panic(high);
    g_addr[1] = kmap_local_page_try_from_panic(low);
    __free_page(high);
    __free_page(low);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_addr[0], nullptr);
  EXPECT_NE(g_addr[1], nullptr);
}

}  // namespace

// ---- the fuzzer's bytes: faults from the optional trailer only

namespace {
using kmapsim::BytesSource;

std::vector<uint8_t> with_trailer(std::vector<uint8_t> in, std::vector<uint8_t> faults) {
  in.insert(in.end(), faults.begin(), faults.end());
  in.push_back(static_cast<uint8_t>(faults.size()));
  in.insert(in.end(), BytesSource::kInjectMagic, BytesSource::kInjectMagic + sizeof BytesSource::kInjectMagic);
  return in;
}
}  // namespace

TEST(FaultInject, BytesWithoutTrailerNeverInject) {
  g_fixed = false;
  // Every byte 0xff (which a trailer would read as "fail"): an input
  // without the magic at its end injects nothing, as before the trailer.
  std::vector<uint8_t> in(64, 0xff);
  BytesSource src(in.data(), in.size());
  EXPECT_EQ(src.fault_bytes(), 0u);
  EXPECT_TRUE(Clean(run("strict", efault_path, src)));
  EXPECT_EQ(g_ret, 0);
}

TEST(FaultInject, BytesTrailerFailsTheMarkedCall) {
  g_fixed = false;
  std::vector<uint8_t> in = with_trailer({}, {0xf0});
  BytesSource src(in.data(), in.size());
  EXPECT_EQ(src.fault_bytes(), 1u);
  RunResult r = run("strict", efault_path, src);
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"kmap()", "never kunmap()ed"}));
  EXPECT_EQ(g_ret, -EFAULT);
  g_fixed = true;
  BytesSource again(in.data(), in.size());
  EXPECT_TRUE(Clean(run("strict", efault_path, again)));
  EXPECT_EQ(g_ret, -EFAULT);
  // A fault byte below 0xf0 leaves the call alone.
  g_fixed = false;
  std::vector<uint8_t> no = with_trailer({}, {0xef});
  BytesSource none(no.data(), no.size());
  EXPECT_TRUE(Clean(run("strict", efault_path, none)));
  EXPECT_EQ(g_ret, 0);
}

TEST(FaultInject, BytesTrailerIsNotADecisionByte) {
  // The same decision bytes with and without a trailer make the same
  // non-fault decisions: the trailer is cut off before the back of the
  // stream, where scheduling decisions are read.
  std::vector<uint8_t> plain = {7, 1, 2, 3, 0x10, 0x80};
  std::vector<uint8_t> tr = with_trailer(plain, {0x00, 0x00});
  BytesSource a(plain.data(), plain.size()), b(tr.data(), tr.size());
  for (int i = 0; i < 3; i++) {
    EXPECT_EQ(a.should(Site::Highmem), b.should(Site::Highmem));
    EXPECT_EQ(a.pick(Site::Pick, 0, 255), b.pick(Site::Pick, 0, 255));
  }
  // A count byte that does not fit the input: no trailer, all decision bytes.
  std::vector<uint8_t> bad = with_trailer({}, {0xff});
  bad[0] = 0xff;
  bad[1] = 200;  // n = 200 > what precedes it
  BytesSource c(bad.data(), bad.size());
  EXPECT_EQ(c.fault_bytes(), 0u);
  EXPECT_FALSE(c.inject(kmapsim::Fault::UserCopy, 1));
}

TEST(FaultInject, LenientReplayKeepsAnEntryForItsOwnSite) {
  kmapsim::Trace t;
  t.push(Site::Pick, 5);
  t.push(Site::Highmem, 1);
  ReplaySource src(t, ReplaySource::Mode::Lenient);
  src.begin_run();
  EXPECT_FALSE(src.should(Site::AllocFail));  // not the next entry's site: the lowest choice, entry kept
  EXPECT_EQ(src.pick(Site::Pick, 0, 3), 0u);  // out of range: the lowest value (entry consumed)
  EXPECT_TRUE(src.should(Site::Highmem));
  EXPECT_EQ(src.pick(Site::Pick, 2, 9), 2u);  // past the end: the lowest value
  EXPECT_TRUE(src.divergence().empty());
}
