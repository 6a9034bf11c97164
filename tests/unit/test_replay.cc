// Replay and determinism: a run's Trace (every decision, of every site)
// replayed with ReplaySource gives the same run byte for byte — the same
// report text and trace hash — also after encode/decode; a trace that is
// cut short, altered or belongs to other code is reported as a divergence;
// and runs leave nothing behind that changes the next one.
#include <set>
#include <vector>

#include "unit.h"

using namespace kt;
using kmapsim::RandomSource;
using kmapsim::ReplaySource;
using kmapsim::Trace;

namespace {

// A subject that asks every kind of decision: schedules (a kthread, two
// interrupt handlers, migrations), zones, allocation failures, user faults
// and picks. It overruns its mapping when the pick is 3.
DECLARE_COMPLETION(g_done);
int g_fired;

void rich() {
  g_fired = 0;
  init_completion(&g_done);
  request_irq(
      4, +[](int, void *) -> irqreturn_t {
        g_fired++;
        return IRQ_HANDLED;
      },
      0, "h4", nullptr);
  request_irq(
      5, +[](int, void *) -> irqreturn_t {
        g_fired += 2;
        return IRQ_HANDLED;
      },
      0, "h5", nullptr);
  kthread_run(
      +[](void *) -> int {
        struct page *q = HIGH_PAGE();
        char *k = static_cast<char *>(kmap_local_page(q));
        cond_resched();
        k[0] = 1;
        kunmap_local(k);
        __free_page(q);
        complete(&g_done);
        return 0;
      },
      nullptr, "worker");
  struct page *p = alloc_page(GFP_HIGHUSER);  // may fail: AllocFail decisions
  if (p) {
    char __user *u = static_cast<char __user *>(kmapsim_user_buffer(2 * PAGE_SIZE));
    size_t off = kmapsim_pick(0, 3) * 1366;
    char *k = static_cast<char *>(kmap_local_page(p));
    copy_to_user(u + PAGE_SIZE - 32, k, 64);  // two user pages, each may fault
    (void)static_cast<volatile char *>(k)[off];  // off 4098: overrun
    kunmap_local(k);
  }
  wait_for_completion(&g_done);
  free_irq(5, nullptr);
  free_irq(4, nullptr);
  if (p) __free_page(p);
}

struct Recorded {
  RunResult result;
  Trace trace;
};

// The first run of a seeded random exploration whose verdict is `reported`.
Recorded record(bool reported, uint64_t seed = 17) {
  Machine &m = machine("strict");
  RandomSource src(seed);
  for (int i = 0; i < 500; i++) {
    RunResult r = m.run(rich, src);
    if (r.reported == reported && !r.livelock) return {r, m.trace()};
  }
  ADD_FAILURE() << "no " << (reported ? "reported" : "clean") << " run in 500 random runs";
  return {};
}

std::set<Site> sites_of(const Trace &t) {
  std::set<Site> s;
  for (const kmapsim::Decision &d : t.decisions()) s.insert(d.site);
  return s;
}

TEST(Replay, RecordedTracesHoldEveryKindOfDecision) {
  std::set<Site> all;
  RandomSource src(3);
  for (int i = 0; i < 200; i++) {
    machine("strict").run(rich, src);
    for (Site s : sites_of(machine("strict").trace())) all.insert(s);
  }
  for (Site s : {Site::Pick, Site::NextTask, Site::Highmem, Site::AllocFail, Site::UserFault, Site::Irq, Site::IrqWhich, Site::Migrate,
                 Site::MigrateTo})
    EXPECT_EQ(all.count(s), 1u) << kmapsim::site_name(s);
}

TEST(Replay, ReportedRunReplaysIdentically) {
  Recorded rec = record(true);
  ASSERT_TRUE(rec.result.reported);
  EXPECT_TRUE(Reported(rec.result, BugClass::KmapOverrun, {"offset 4098"}));
  for (int i = 0; i < 2; i++) {
    ReplaySource src(rec.trace);
    RunResult r = machine("strict").run(rich, src);
    EXPECT_EQ(src.divergence(), "");
    EXPECT_TRUE(src.consumed_all());
    EXPECT_TRUE(r.reported);
    EXPECT_EQ(r.report.cls, rec.result.report.cls);
    EXPECT_EQ(r.report.first_line, rec.result.report.first_line);
    EXPECT_EQ(r.report.text, rec.result.report.text);
    EXPECT_EQ(r.trace_hash, rec.result.trace_hash);
    EXPECT_EQ(r.steps, rec.result.steps);
    EXPECT_TRUE(r.trace_hash == rec.result.trace_hash && machine("strict").trace().hash() == rec.trace.hash());
  }
}

TEST(Replay, EncodedTraceReplaysIdentically) {
  Recorded rec = record(true, 23);
  Trace decoded;
  ASSERT_TRUE(Trace::decode(rec.trace.encode(), &decoded));
  ReplaySource src(decoded);
  RunResult r = machine("strict").run(rich, src);
  EXPECT_EQ(src.divergence(), "");
  EXPECT_EQ(r.report.text, rec.result.report.text);
  EXPECT_EQ(r.trace_hash, rec.result.trace_hash);
}

TEST(Replay, CleanRunReplaysIdentically) {
  Recorded rec = record(false);
  ASSERT_GT(rec.trace.size(), 5u);
  ReplaySource src(rec.trace);
  RunResult r = machine("strict").run(rich, src);
  EXPECT_TRUE(Clean(r));
  EXPECT_EQ(src.divergence(), "");
  EXPECT_TRUE(src.consumed_all());
  EXPECT_EQ(r.trace_hash, rec.result.trace_hash);
}

TEST(Replay, TruncatedTraceDiverges) {
  Recorded rec = record(true);
  Trace cut;
  for (size_t i = 0; i + 1 < rec.trace.size(); i++) cut.push(rec.trace.decisions()[i].site, rec.trace.decisions()[i].value);
  ReplaySource src(cut);
  machine("strict").run(rich, src);
  EXPECT_NE(src.divergence().find("more decisions than the trace holds"), std::string::npos) << src.divergence();
}

TEST(Replay, TruncatedTraceWithExtendRunsOn) {
  Recorded rec = record(true);
  Trace cut;
  for (size_t i = 0; i < rec.trace.size() / 2; i++) cut.push(rec.trace.decisions()[i].site, rec.trace.decisions()[i].value);
  ReplaySource src(cut, true);
  RunResult r = machine("strict").run(rich, src);
  EXPECT_EQ(src.divergence(), "");
  EXPECT_FALSE(r.livelock);
}

TEST(Replay, AlteredSiteDiverges) {
  Recorded rec = record(true);
  size_t victim = rec.trace.size() / 2;
  Trace altered;
  for (size_t i = 0; i < rec.trace.size(); i++) {
    kmapsim::Decision d = rec.trace.decisions()[i];
    if (i == victim) d.site = d.site == Site::Pick ? Site::Irq : Site::Pick;
    altered.push(d.site, d.value);
  }
  ReplaySource src(altered);
  machine("strict").run(rich, src);
  std::string want = "decision " + std::to_string(victim) + ": trace has";
  EXPECT_NE(src.divergence().find(want), std::string::npos) << src.divergence();
}

TEST(Replay, AlteredValueOutOfRangeDiverges) {
  Recorded rec = record(true);
  Trace altered;
  size_t victim = SIZE_MAX;
  for (size_t i = 0; i < rec.trace.size(); i++) {
    kmapsim::Decision d = rec.trace.decisions()[i];
    if (victim == SIZE_MAX && (d.site == Site::NextTask || d.site == Site::Irq)) {
      victim = i;
      d.value = 7;  // no such candidate; not a yes/no
    }
    altered.push(d.site, d.value);
  }
  ASSERT_NE(victim, SIZE_MAX);
  ReplaySource src(altered);
  machine("strict").run(rich, src);
  EXPECT_NE(src.divergence().find("decision " + std::to_string(victim) + ":"), std::string::npos) << src.divergence();
}

TEST(Replay, TraceOfOtherCodeDiverges) {
  Recorded rec = record(true);
  ReplaySource src(rec.trace);
  machine("strict").run(+[] {
    struct page *p = HIGH_PAGE();
    kmapsim_pick(0, 1);
    __free_page(p);
  }, src);
  EXPECT_TRUE(!src.divergence().empty() || !src.consumed_all());
}

// ---- determinism of the machine itself

TEST(Replay, RunsDoNotInfluenceEachOther) {
  Machine &m = machine("strict");
  std::vector<std::string> texts;
  std::vector<uint64_t> hashes;
  for (int round = 0; round < 3; round++) {
    ScriptSource src;
    src.push(Site::Pick, 3).set_default(Site::NextTask, 1).set_default(Site::UserFault, 1);
    RunResult r = m.run(rich, src);
    ASSERT_TRUE(Reported(r, BugClass::KmapOverrun));
    texts.push_back(r.report.text);
    hashes.push_back(r.trace_hash);
    // Something else in between: different pages, maps, tasks.
    RandomSource other(round + 100);
    for (int i = 0; i < 5; i++) m.run(rich, other);
  }
  EXPECT_EQ(texts[0], texts[1]);
  EXPECT_EQ(texts[0], texts[2]);
  EXPECT_EQ(hashes[0], hashes[1]);
  EXPECT_EQ(hashes[0], hashes[2]);
}

TEST(Replay, DifferentSchedulesHaveDifferentHashes) {
  Machine &m = machine("strict");
  std::set<uint64_t> hashes;
  for (uint64_t next : {0, 1}) {
    for (uint64_t pick : {0, 1}) {
      ScriptSource src;
      src.set_default(Site::NextTask, next).push(Site::Pick, pick);
      RunResult r = m.run(rich, src);
      ASSERT_TRUE(Clean(r));
      hashes.insert(r.trace_hash);
    }
  }
  EXPECT_EQ(hashes.size(), 4u);
}

}  // namespace
