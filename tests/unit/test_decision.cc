// Decision sources: the Trace encoding, the project's PRNG, and the
// exploring sources. ExhaustiveSource must enumerate every schedule within
// its preemption bound — no more, no fewer — and find a bug that needs two
// preemptions with K=2 but not with K=1; PCT must find that bug within a
// bounded number of runs.
#include <algorithm>
#include <iterator>
#include <set>
#include <vector>

#include "unit.h"

using namespace kt;
using kmapsim::Decision;
using kmapsim::ExhaustiveSource;
using kmapsim::PctSource;
using kmapsim::RandomSource;
using kmapsim::Rng;
using kmapsim::Trace;

namespace {

// ---- Trace

bool same(const Trace &a, const Trace &b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++)
    if (a.decisions()[i].site != b.decisions()[i].site || a.decisions()[i].value != b.decisions()[i].value) return false;
  return true;
}

TEST(Trace, EncodeDecodeRoundtrip) {
  Trace t;
  const uint64_t values[] = {0, 1, 127, 128, 255, 16383, 16384, 0xffffffffull, 1ull << 63, UINT64_MAX};
  for (unsigned s = 0; s < static_cast<unsigned>(Site::kCount); s++)
    for (uint64_t v : values) t.push(static_cast<Site>(s), v);
  std::string bytes = t.encode();
  Trace back;
  ASSERT_TRUE(Trace::decode(bytes, &back));
  EXPECT_TRUE(same(t, back));
  EXPECT_EQ(t.hash(), back.hash());
  EXPECT_EQ(back.encode(), bytes);
}

TEST(Trace, EncodingIsCompact) {
  Trace t;
  for (int i = 0; i < 100; i++) t.push(Site::NextTask, i % 2);
  EXPECT_EQ(t.encode().size(), 200u);  // a site byte and a one-byte varint each
  Trace big;
  big.push(Site::Pick, 300);
  EXPECT_EQ(big.encode(), std::string("\x00\xac\x02", 3));
}

TEST(Trace, EmptyTrace) {
  Trace t, back;
  back.push(Site::Pick, 5);
  EXPECT_EQ(t.encode(), "");
  ASSERT_TRUE(Trace::decode("", &back));
  EXPECT_EQ(back.size(), 0u);  // decode replaces what was there
}

TEST(Trace, DecodeRejectsGarbage) {
  Trace out;
  EXPECT_FALSE(Trace::decode(std::string("\x0b\x00", 2), &out)) << "site 11 does not exist";
  EXPECT_TRUE(Trace::decode(std::string("\x09\x01", 2), &out)) << "site 9 (inject) does";
  EXPECT_TRUE(Trace::decode(std::string("\x0a\x01", 2), &out)) << "site 10 (stall) does";
  EXPECT_FALSE(Trace::decode(std::string("\xff\x00", 2), &out)) << "site 255";
  EXPECT_FALSE(Trace::decode(std::string("\x01", 1), &out)) << "a site without a value";
  EXPECT_FALSE(Trace::decode(std::string("\x01\x80", 2), &out)) << "a varint cut short";
  EXPECT_FALSE(Trace::decode(std::string("\x01\x00\x02\xff\xff", 5), &out)) << "cut short after a good decision";
  EXPECT_FALSE(Trace::decode(std::string("\x00") + std::string(10, '\xff') + std::string("\x01", 1), &out)) << "an 11-byte varint";
  // Ten bytes reach bit 63; a tenth byte above 1 would need bit 64.
  std::string max = std::string("\x00", 1) + std::string(9, '\xff') + std::string("\x01", 1);
  ASSERT_TRUE(Trace::decode(max, &out));
  EXPECT_EQ(out.decisions()[0].value, UINT64_MAX);
  std::string over = std::string("\x00", 1) + std::string(9, '\xff') + std::string("\x02", 1);
  EXPECT_FALSE(Trace::decode(over, &out)) << "a varint beyond 64 bits";
}

TEST(Trace, RandomBytesNeverCrashTheDecoder) {
  Rng rng(99);
  int accepted = 0;
  for (int i = 0; i < 2000; i++) {
    std::string bytes(rng.range(0, 24), '\0');
    for (char &c : bytes) c = static_cast<char>(rng.range(0, 12) < 10 ? rng.range(0, 10) : rng.range(0, 255));
    Trace t;
    if (!Trace::decode(bytes, &t)) continue;
    accepted++;
    Trace again;
    ASSERT_TRUE(Trace::decode(t.encode(), &again));
    EXPECT_TRUE(same(t, again));
  }
  EXPECT_GT(accepted, 0);
}

TEST(Trace, HashSeesEveryDecision) {
  Trace a, b;
  a.push(Site::NextTask, 1);
  b.push(Site::NextTask, 1);
  EXPECT_EQ(a.hash(), b.hash());
  b.push(Site::NextTask, 0);
  EXPECT_NE(a.hash(), b.hash());
  Trace c;
  c.push(Site::Irq, 1);
  EXPECT_NE(a.hash(), c.hash());
}

// ---- Rng

TEST(Rng, KnownSequence) {
  // xoshiro256** seeded by splitmix64, computed independently of this code:
  // a change here changes every seeded exploration.
  Rng one(1), answer(42);
  EXPECT_EQ(one.next(), 0xb3f2af6d0fc710c5ull);
  EXPECT_EQ(one.next(), 0x853b559647364ceaull);
  EXPECT_EQ(one.next(), 0x92f89756082a4514ull);
  EXPECT_EQ(answer.next(), 0x15780b2e0c2ec716ull);
  EXPECT_EQ(answer.next(), 0x6104d9866d113a7eull);
}

TEST(Rng, SameSeedSameSequenceOtherSeedOtherSequence) {
  Rng a(7), b(7), c(8);
  int differ = 0;
  for (int i = 0; i < 1000; i++) {
    uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differ += x != c.next();
  }
  EXPECT_GT(differ, 990);
  a.seed_with(7);
  Rng fresh(7);
  EXPECT_EQ(a.next(), fresh.next());
}

TEST(Rng, RangeIsBoundedAndUniform) {
  Rng r(3);
  int bucket[6] = {};
  for (int i = 0; i < 6000; i++) {
    uint64_t v = r.range(10, 15);
    ASSERT_GE(v, 10u);
    ASSERT_LE(v, 15u);
    bucket[v - 10]++;
  }
  for (int b : bucket) {
    EXPECT_GT(b, 850);
    EXPECT_LT(b, 1150);
  }
  EXPECT_EQ(r.range(5, 5), 5u);
  EXPECT_EQ(r.range(9, 2), 9u);  // empty range: lo
  r.range(0, UINT64_MAX);        // full range: no endless rejection loop
  for (int i = 0; i < 100; i++) {
    EXPECT_FALSE(r.chance(0, 10));
    EXPECT_TRUE(r.chance(10, 10));
  }
}

// ---- a two-task program whose schedules can be counted by hand
//
//   main: kthread_run(B) [sp0]  log a  cond_resched [sp1]  log A
//   B:                          log b  cond_resched [sp2]  log B
//
// On one CPU with no interrupts the only decisions are NextTask choices at
// sp0, sp1, sp2. Its six interleavings need 0 (aAbB), 1 (abBA, bBaA),
// 2 (abAB, baAB) and 3 (baBA) preemptions.

char g_log[8];
int g_log_n;
void log_char(char c) {
  g_log[g_log_n++] = c;
  g_log[g_log_n] = 0;
}

void two_tasks() {
  g_log_n = 0;
  g_log[0] = 0;
  kthread_run(
      +[](void *) -> int {
        log_char('b');
        cond_resched();
        log_char('B');
        return 0;
      },
      nullptr, "B");
  log_char('a');
  cond_resched();
  log_char('A');
}

std::set<std::string> enumerate(unsigned k, uint64_t *runs) {
  Machine &m = uniprocessor("strict");
  ExhaustiveSource ex(k);
  std::set<std::string> logs;
  *runs = 0;
  while (!ex.complete() && *runs < 1000) {
    RunResult r = m.run(two_tasks, ex);
    EXPECT_TRUE(Clean(r));
    logs.insert(g_log);
    ++*runs;
  }
  EXPECT_TRUE(ex.complete());
  EXPECT_EQ(ex.runs(), *runs);
  return logs;
}

TEST(Exhaustive, EnumeratesEveryScheduleWithinTheBound) {
  const std::set<std::string> expect[4] = {
      {"aAbB"},
      {"aAbB", "abBA", "bBaA"},
      {"aAbB", "abBA", "bBaA", "abAB", "baAB"},
      {"aAbB", "abBA", "bBaA", "abAB", "baAB", "baBA"},
  };
  for (unsigned k = 0; k < 4; k++) {
    uint64_t runs;
    std::set<std::string> logs = enumerate(k, &runs);
    EXPECT_EQ(logs, expect[k]) << "K=" << k;
    EXPECT_EQ(runs, expect[k].size()) << "K=" << k << ": every run should be a distinct schedule";
  }
  uint64_t runs;
  EXPECT_EQ(enumerate(10, &runs), expect[3]);
  EXPECT_EQ(runs, 6u);
}

TEST(Exhaustive, GuaranteeAndRunLimit) {
  Machine &m = uniprocessor("strict");
  ExhaustiveSource limited(3, 2);
  m.run(two_tasks, limited);
  m.run(two_tasks, limited);
  EXPECT_FALSE(limited.complete());
  EXPECT_NE(limited.guarantee().find("incomplete"), std::string::npos) << limited.guarantee();
  uint64_t runs;
  ExhaustiveSource full(3);
  while (!full.complete()) m.run(two_tasks, full);
  EXPECT_NE(full.guarantee().find("all schedules with <= 3 preemptions explored"), std::string::npos) << full.guarantee();
  EXPECT_EQ(full.bound(), 3u);
  (void)runs;
}

TEST(Exhaustive, DataChoicesAreEnumeratedToo) {
  static std::set<unsigned long> *seen = new std::set<unsigned long>;  // not freed: a report could abandon it
  static bool high_seen[2];
  Machine &m = uniprocessor("strict");
  ExhaustiveSource ex(0);
  seen->clear();
  high_seen[0] = high_seen[1] = false;
  int runs = 0;
  while (!ex.complete() && runs < 1000) {
    RunResult r = m.run(+[] {
      struct page *p = HIGH_PAGE();
      high_seen[PageHighMem(p)] = true;
      seen->insert(kmapsim_pick(0, 2 * PAGE_SIZE));
      __free_page(p);
    }, ex);
    ASSERT_TRUE(Clean(r));
    runs++;
  }
  EXPECT_TRUE(ex.complete());
  EXPECT_TRUE(high_seen[0] && high_seen[1]);
  for (unsigned long v : {0ul, 1ul, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1, 2 * PAGE_SIZE - 1, 2 * PAGE_SIZE})
    EXPECT_EQ(seen->count(v), 1u) << v;
}

// ---- the whole space: an enumeration that left nothing out

// Runs `body` under `ex` until the enumeration completes (at most 2000 runs).
uint64_t enumerate_all(Machine &m, void (*body)(), ExhaustiveSource &ex) {
  uint64_t runs = 0;
  while (!ex.complete() && runs < 2000) {
    EXPECT_TRUE(Clean(m.run(body, ex)));
    runs++;
  }
  EXPECT_TRUE(ex.complete());
  return runs;
}

TEST(Exhaustive, WholeSpaceOnlyWhenNothingWasLeftOut) {
  Machine &m = uniprocessor("strict");
  // two_tasks has 6 schedules, the last needing 3 preemptions: a bound of 2
  // cuts choices, a bound of 3 (or more) cuts none.
  ExhaustiveSource k2(2), k3(3), k10(10);
  enumerate_all(m, two_tasks, k2);
  EXPECT_FALSE(k2.whole_space());
  EXPECT_TRUE(k2.only_budget_cut());
  EXPECT_EQ(enumerate_all(m, two_tasks, k3), 6u);
  EXPECT_TRUE(k3.whole_space());
  EXPECT_NE(k3.guarantee().find("every run the subject can take"), std::string::npos) << k3.guarantee();
  EXPECT_TRUE((enumerate_all(m, two_tasks, k10), k10.whole_space()));

  // A pick whose range its boundary values cover: whole; a wider one: not,
  // whatever the bound.
  ExhaustiveSource narrow(4), wide(4);
  EXPECT_EQ(enumerate_all(m, +[] { (void)kmapsim_pick(0, 4); }, narrow), 5u);
  EXPECT_TRUE(narrow.whole_space());
  enumerate_all(m, +[] { (void)kmapsim_pick(0, 5); }, wide);
  EXPECT_FALSE(wide.whole_space());
  EXPECT_FALSE(wide.only_budget_cut());

  // Fallible calls: without a fault budget their failures are choices the
  // enumeration never makes; a budget of one covers one call, not two
  // (each from its own user buffer: a bad user address stays bad, so a
  // second copy from it fails without a decision).
  static int calls;
  auto copy_n = +[] {
    static char buf[8];
    for (int i = 0; i < calls; i++) {
      char __user *u = static_cast<char __user *>(kmapsim_user_buffer(8));
      (void)!copy_from_user(buf, u, sizeof buf);
    }
  };
  calls = 1;
  ExhaustiveSource no_faults(4), one_fault(4, UINT64_MAX, 1);
  enumerate_all(m, copy_n, no_faults);
  EXPECT_FALSE(no_faults.whole_space());
  EXPECT_TRUE(no_faults.only_budget_cut());
  uint64_t one_call = enumerate_all(m, copy_n, one_fault);
  EXPECT_TRUE(one_fault.whole_space() && one_fault.saw_fallible());
  EXPECT_GT(one_call, no_faults.runs()) << "the failure is a run of its own";
  calls = 2;
  ExhaustiveSource one_of_two(4, UINT64_MAX, 1), two_of_two(4, UINT64_MAX, 2);
  enumerate_all(m, copy_n, one_of_two);
  EXPECT_FALSE(one_of_two.whole_space());
  EXPECT_TRUE(one_of_two.only_budget_cut());
  EXPECT_GT(enumerate_all(m, copy_n, two_of_two), one_of_two.runs()) << "both failing is a run of its own";
  EXPECT_TRUE(two_of_two.whole_space());

  // A second CPU: every scheduling point may migrate, and a run with more
  // points than the bound has schedules it cuts.
  Machine &smp = machine("strict");
  ExhaustiveSource mig0(0), mig8(8);
  enumerate_all(smp, +[] { (void)kmapsim_pick(0, 1); cond_resched(); }, mig0);
  EXPECT_FALSE(mig0.whole_space());
  enumerate_all(smp, +[] { (void)kmapsim_pick(0, 1); cond_resched(); }, mig8);
  EXPECT_TRUE(mig8.whole_space());
}

// Two tasks on two CPUs, a pick, a fallible copy and a wait: no schedule a
// random source takes (failing copies now and then), in many more runs
// than the space has, lies outside the enumeration that claimed the whole
// space.
void two_cpus_small() {
  static struct completion done;
  static char buf[8];
  init_completion(&done);
  (void)kmapsim_pick(0, 2);
  kthread_run(+[](void *) -> int {
    char __user *u = static_cast<char __user *>(kmapsim_user_buffer(8));
    if (copy_from_user(buf, u, sizeof buf)) buf[0] = 0;
    complete(&done);
    return 0;
  }, nullptr, "t");
  wait_for_completion(&done);
}

TEST(Exhaustive, WholeSpaceHoldsEveryRandomSchedule) {
  Machine &m = machine("strict");
  std::set<uint64_t> enumerated, sampled;
  bool whole = false;
  for (unsigned k = 0; k <= 12 && !whole; k++) {
    ExhaustiveSource ex(k, UINT64_MAX, k);
    enumerated.clear();
    while (!ex.complete()) {
      RunResult r = m.run(two_cpus_small, ex);
      ASSERT_TRUE(Clean(r));
      enumerated.insert(r.trace_hash);
    }
    whole = ex.whole_space();
    if (whole) EXPECT_EQ(enumerated.size(), ex.runs()) << "each run of the enumeration is its own schedule";
  }
  ASSERT_TRUE(whole) << "the space of two_cpus_small is finite";
  RandomSource rnd(7);
  rnd.set_fault_injection(true);
  for (uint64_t i = 0; i < 20 * enumerated.size(); i++) {
    RunResult r = m.run(two_cpus_small, rnd);
    ASSERT_TRUE(Clean(r));
    sampled.insert(r.trace_hash);
  }
  std::vector<uint64_t> outside;
  std::set_difference(sampled.begin(), sampled.end(), enumerated.begin(), enumerated.end(), std::back_inserter(outside));
  EXPECT_TRUE(outside.empty()) << outside.size() << " of " << sampled.size() << " random schedules are not among the " << enumerated.size()
                               << " enumerated";
}

// ---- a planted bug that needs exactly two preemptions
//
//   main: map k; g_addr = k; g_ready = 1; cond_resched [a1]; g_ready = 0; unmap k
//   B:    if (g_ready) { p = g_addr; cond_resched [b1]; if (!g_ready) read p[0] }
//
// B must run between main's publish and retraction (preempt main at a1),
// then main must run between B's two checks (preempt B at b1): B then
// reads an address main has unmapped — a kmap-escape.

char *volatile g_addr;
volatile int g_ready;
struct page *g_page;

void planted() {
  g_addr = nullptr;
  g_ready = 0;
  kthread_run(
      +[](void *) -> int {
        if (g_ready) {
          char *p = g_addr;
          cond_resched();
          if (!g_ready) (void)static_cast<volatile char *>(p)[0];
        }
        return 0;
      },
      nullptr, "B");
  g_page = HIGH_PAGE();
  char *k = static_cast<char *>(kmap_local_page(g_page));
  g_addr = k;
  g_ready = 1;
  cond_resched();
  g_ready = 0;
  g_addr = nullptr;
  kunmap_local(k);
  __free_page(g_page);
}

struct Search {
  bool found = false;
  uint64_t runs = 0;
  RunResult first;
};

Search exhaust(Machine &m, unsigned k) {
  Search s;
  ExhaustiveSource ex(k);
  while (!ex.complete() && s.runs < 200000) {
    RunResult r = m.run(planted, ex);
    s.runs++;
    if (r.reported) {
      s.found = true;
      s.first = r;
      break;
    }
  }
  EXPECT_TRUE(s.found || ex.complete()) << "K=" << k << ": gave up after " << s.runs << " runs";
  return s;
}

TEST(Exhaustive, PlantedBugNeedsTwoPreemptions) {
  for (Machine *m : {&uniprocessor("strict"), &machine("strict")}) {
    const char *name = m->profile().name.c_str();
    Search k1 = exhaust(*m, 1);
    EXPECT_FALSE(k1.found) << name << ": K=1 should not reach it:\n" << k1.first.report.text;
    EXPECT_GT(k1.runs, 1u) << name;
    Search k2 = exhaust(*m, 2);
    ASSERT_TRUE(k2.found) << name << ": K=2 explored " << k2.runs << " runs without finding it";
    EXPECT_TRUE(Reported(k2.first, BugClass::KmapEscape, {"read", "made by main", "used by B", "after its owner unmapped it"})) << name;
  }
}

TEST(Pct, FindsThePlantedBugWithinABoundedNumberOfRuns) {
  Machine &m = machine("strict");
  for (uint64_t seed : {1, 2, 3}) {
    PctSource pct(seed, 3, 8, 2);
    uint64_t runs = 0;
    bool found = false;
    RunResult r;
    while (!found && runs < 5000) {
      r = m.run(planted, pct);
      runs++;
      found = r.reported;
    }
    ASSERT_TRUE(found) << "seed " << seed << ": not found in " << runs << " runs; " << pct.guarantee();
    EXPECT_TRUE(Reported(r, BugClass::KmapEscape)) << "seed " << seed;
    EXPECT_GT(pct.bound(), 0.0);
    EXPECT_NE(pct.guarantee().find("d=3"), std::string::npos) << pct.guarantee();
  }
}

TEST(Pct, DepthOneNeverPreempts) {
  // d=1: no change points, so a run is a fixed priority order: the planted
  // bug (two preemptions) is out of reach.
  Machine &m = uniprocessor("strict");
  PctSource pct(5, 1, 8, 2);
  for (int i = 0; i < 300; i++) ASSERT_TRUE(Clean(m.run(planted, pct))) << "run " << i;
}

TEST(Random, SameSeedSameRuns) {
  Machine &m = machine("strict");
  std::vector<uint64_t> first, second;
  std::set<uint64_t> distinct;
  for (std::vector<uint64_t> *v : {&first, &second}) {
    RandomSource src(11);
    for (int i = 0; i < 30; i++) {
      RunResult r = m.run(planted, src);
      v->push_back(r.trace_hash);
      distinct.insert(r.trace_hash);
    }
  }
  EXPECT_EQ(first, second);
  EXPECT_GT(distinct.size(), 3u) << "a random source should vary its schedules between runs";
}

}  // namespace
