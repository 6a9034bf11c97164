// --explore: a portfolio of uniform random, a random walk, PCT and a
// systematic stream (bounded-exhaustive K = 0, 1, 2 alternating with the
// fault sweep) taking turns run by run until a report or the budget;
// --selfcheck replays every run.
//
// A subject whose whole decision tree an enumeration covers (nothing cut
// by the bound, every pick() value, every failure of every fallible call:
// ExhaustiveSource::whole_space) is done: any further run would repeat one already made, so
// exploring it ends there, whatever the budget, and the verdict says so.
// Where only the budgets cut choices and the enumerations are small, the
// portfolio deepens past --max-preemptions, failing fallible calls too, to
// find that out (kDeepen*).
//
// The fault sweep (SQLite's method) runs the subject once per fallible call
// N = 1, 2, ... with exactly the Nth one failing (an allocation, a user
// copy, an interruptible or timed wait, a fault_in), on one fixed schedule,
// until a run makes fewer than N fallible calls: every single-fault path of
// that schedule is then explored. The random and PCT rounds also fail
// fallible calls now and then, on every schedule they take.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "crash_file.h"
#include "decision_sources.h"
#include "driver.h"
#include "machine.h"
#include "schedule_set.h"
#include "subject_registry.h"

namespace kmapsim::driver {

// The portfolio's weights (see explore()): the first kEarlyRuns runs of a
// subject, then the rest.
constexpr unsigned kEarlyRuns = 1024;
struct Weights {
  unsigned random, systematic, walk, pct;  // pct: each of PCT d=2 and d=3
};
constexpr Weights kEarly = {1, 6, 4, 0}, kLate = {1, 4, 2, 1};
// The systematic stream's first runs that go to the enumeration alone.
constexpr uint64_t kSweepAfter = 16;
// Deepening past --max-preemptions (the portfolio only): while the last
// enumeration was complete, cut only by its budgets and at most
// kDeepenAfterRuns runs, the next bound is enumerated too, K preemptions
// and up to K failed fallible calls, capped at kDeepenRunCap runs (a
// cut-off round claims nothing). A small tree is thereby covered in a few
// thousand runs, its error paths included; a large one costs the other
// streams at most one capped round.
constexpr uint64_t kDeepenAfterRuns = 4096, kDeepenRunCap = 32768;
constexpr unsigned kDeepenMaxBound = 32;

// --selfcheck: every run is run again from its recorded trace and must
// give the same run hash (decisions and events) and the same report: a
// difference is nondeterminism of kmapsim itself (FoundationDB's habit of
// running every test twice).
void determinism_check(Machine &m, const SubjectEntry &s, const RunResult &first) {
  Trace t = m.trace();
  ReplaySource again(t);
  RunResult second = m.run(s.fn, again);
  if (!again.divergence().empty() || second.trace_hash != first.trace_hash || second.report.text != first.report.text) {
    fprintf(stderr, "kmapsim: internal error: nondeterminism in %s: a run and its replay differ (run hash %016llx vs %016llx%s%s)\n",
            s.name.c_str(), static_cast<unsigned long long>(first.trace_hash), static_cast<unsigned long long>(second.trace_hash),
            again.divergence().empty() ? "" : "; ", again.divergence().c_str());
    exit(3);
  }
}

// ---- explore
int explore() {
  const Profile &prof = profile_or_die(g_opt.profile);
  auto list = chosen_subjects();
  Machine m(prof);
  uint64_t total_runs = 0;
  double t0 = now();
  bool tty = g_opt.progress && isatty(2);
  uint64_t budget_runs = g_opt.runs ? g_opt.runs : (g_opt.seconds > 0 ? UINT64_MAX : 20000);
  for (size_t idx = 0; idx < list.size(); idx++) {
    const SubjectEntry *s = list[idx];
    // --seconds is for the whole file: each subject gets an equal part of
    // what is left, so one that ends early (a report, or its whole space
    // explored) leaves its time to those after it.
    double share = g_opt.seconds > 0 ? std::max(0.0, g_opt.seconds - (now() - t0)) / static_cast<double>(list.size() - idx) : 0;
    ScheduleSet schedules;
    std::vector<std::unique_ptr<ExhaustiveSource>> ex;
    for (unsigned k = 0; k <= g_opt.max_k; k++) ex.push_back(std::make_unique<ExhaustiveSource>(k));
    PctSource pct2(g_opt.seed, 2, 50, 2), pct3(g_opt.seed + 1, 3, 50, 3);
    RandomSource rnd(g_opt.seed + 2), walk(g_opt.seed + 3);
    walk.set_switch_rate_per_run(true);
    walk.set_fault_injection(true);
    pct2.set_fault_injection(true);
    pct3.set_fault_injection(true);
    rnd.set_fault_injection(true);
    uint64_t sweep_n = 1, sweep_calls = 0;
    bool sweep_done = false;
    uint64_t runs = 0;
    uint64_t expected_reports = 0;  // reports the subject announced (kmapsim_expect)
    uint64_t discarded = 0;         // runs that broke an imported function's entry check
    std::string discarded_by;       // the first of those checks
    std::string first_line;
    std::string found_by;
    double ts = now();
    auto out_of_budget = [&] {
      if (runs >= budget_runs) return true;
      return g_opt.seconds > 0 && now() - ts >= share;
    };
    // One round: up to `n` runs of one source. Returns true on a report.
    auto round = [&](DecisionSource &src, uint64_t n, bool exhaustive) -> bool {
      for (uint64_t i = 0; i < n && !out_of_budget(); i++) {
        if (exhaustive && static_cast<ExhaustiveSource &>(src).complete()) return false;
        RunResult r = m.run(s->fn, src);
        runs++;
        total_runs++;
        schedules.insert(r.trace_hash);
        if (g_opt.selfcheck) determinism_check(m, *s, r);
        if (tty && (runs & 255) == 0)
          fprintf(stderr, "\r\033[Kkmapsim: %s: %llu runs, %zu schedules, %.1fs", s->name.c_str(), static_cast<unsigned long long>(runs),
                  schedules.size(), now() - t0);
        if (r.reported && r.expected) expected_reports++;
        if (r.discarded && discarded++ == 0) discarded_by = r.discarded_by;
        if (r.reported && !r.expected) {
          if (tty) fprintf(stderr, "\r\033[K");
          emit_report(m, *s, r);
          first_line = r.report.first_line;
          found_by = src.describe();
          return true;
        }
      }
      return false;
    };
    bool found = false;
    const std::string &st = g_opt.strategy;
    bool use_ex = st == "explore" || st == "exhaustive", use_pct = st == "explore" || st == "pct";
    bool use_rnd = st == "explore" || st == "random";
    bool use_sweep = st == "explore";
    bool port = st == "explore";
    // The systematic stream: iterative deepening, K = 0, 1, ..., max_k,
    // each enumeration to its end; after its first kSweepAfter runs they
    // alternate with the fault sweep's (fail fallible call N, N = 1, 2, ...)
    // until a sweep run injects nothing. One run per turn. The
    // enumeration's first runs (every choice the default one, then the last
    // choices varied) find most bugs that need nothing special, and a
    // subject with many fallible calls does not hold them back.
    unsigned cur_k = 0;
    uint64_t sys_turns = 0;
    bool whole = false;  // an enumeration covered every run the subject can take
    auto systematic_done = [&] { return (!use_sweep || sweep_done) && (!use_ex || cur_k >= ex.size()); };
    auto systematic_run = [&]() -> bool {
      while (use_ex && cur_k < ex.size() && ex[cur_k]->complete()) {
        const ExhaustiveSource &e = *ex[cur_k];
        if (e.whole_space()) {
          whole = true;
          return false;
        }
        cur_k++;
        if (cur_k == ex.size() && port && e.only_budget_cut() && e.runs() <= kDeepenAfterRuns && cur_k <= kDeepenMaxBound)
          ex.push_back(std::make_unique<ExhaustiveSource>(cur_k, kDeepenRunCap, cur_k));
      }
      bool enumerate = use_ex && cur_k < ex.size();
      bool sweep_turn = !enumerate || (sys_turns >= kSweepAfter && (sys_turns - kSweepAfter) % 2 == 1);
      sys_turns++;
      if (use_sweep && !sweep_done && sweep_turn) {
        FaultSweepSource fs(sweep_n);
        bool f = round(fs, 1, false);
        if (!fs.injected()) {
          sweep_done = true;
          sweep_calls = fs.calls();
        } else {
          sweep_n++;
        }
        return f;
      }
      if (!enumerate) return false;
      return round(*ex[cur_k], 1, true);
    };
    // The portfolio: the streams take turns run by run, each in proportion
    // to its weight (the stream furthest behind its share runs next), so a
    // bug that one strategy finds at once never waits behind another's
    // enumeration: the default's time to a report is at most the best
    // stream's divided by its share. The first kEarlyRuns runs go to the
    // systematic stream (6/11: K <= 1 and the start of K = 2 complete
    // early), the random walk (4/11: it finds what uniform random finds,
    // about as fast, and long runs of one task besides) and uniform random
    // (1/11); then PCT at depths 2 and 3 joins (1/9 each) and the
    // enumeration keeps 4/9. Once the enumeration is complete its share
    // goes to the others. Run counts, not clock time, set the turns: with
    // --runs the sequence of runs is the same every time.
    struct Stream {
      unsigned weight;
      uint64_t runs;
    };
    // Ties go to the first: the systematic stream runs first.
    enum { kSystematic, kWalk, kRandom, kPct2, kPct3, kStreams };
    // A single strategy (--strategy) runs its own stream(s) alone.
    Stream streams[kStreams] = {{use_ex || use_sweep ? (port ? kEarly.systematic : 1u) : 0u, 0},
                                {port ? kEarly.walk : 0u, 0},
                                {use_rnd ? (port ? kEarly.random : 1u) : 0u, 0},
                                {use_pct ? (port ? kEarly.pct : 1u) : 0u, 0},
                                {use_pct ? (port ? kEarly.pct : 1u) : 0u, 0}};
    bool late = false;
    while (!found && !whole && !out_of_budget()) {
      if (port && !late && runs >= kEarlyRuns) {
        late = true;
        streams[kRandom].weight = kLate.random;
        if (streams[kSystematic].weight) streams[kSystematic].weight = kLate.systematic;
        streams[kWalk].weight = kLate.walk;
        streams[kPct2].weight = streams[kPct3].weight = kLate.pct;
        // A stream joining now starts level with the others' shares.
        for (int i = kPct2; i <= kPct3; i++) streams[i].runs = runs * kLate.pct / 9;
      }
      if (streams[kSystematic].weight && systematic_done()) {
        streams[kSystematic].weight = 0;
        if (st == "exhaustive") break;  // nothing left to enumerate
      }
      int next = -1;
      for (int i = 0; i < kStreams; i++) {
        if (!streams[i].weight) continue;
        // runs/weight, compared without division.
        if (next < 0 || streams[i].runs * streams[next].weight < streams[next].runs * streams[i].weight) next = i;
      }
      if (next < 0) break;
      streams[next].runs++;
      switch (next) {
        case kRandom: found = round(rnd, 1, false); break;
        case kSystematic: found = systematic_run(); break;
        case kWalk: found = round(walk, 1, false); break;
        case kPct2: found = round(pct2, 1, false); break;
        default: found = round(pct3, 1, false); break;
      }
    }
    if (tty) fprintf(stderr, "\r\033[K");
    if (g_opt.stats) {
      printf("kmapsim: stats: subject=%s profile=%s strategy=%s seed=%llu found=%s runs=%llu seconds=%.6f schedules=%zu", s->name.c_str(),
             prof.name.c_str(), st.c_str(), static_cast<unsigned long long>(g_opt.seed), found ? "yes" : "no",
             static_cast<unsigned long long>(runs), now() - ts, schedules.size());
      for (unsigned k = 0; k < ex.size() && use_ex; k++)
        printf(" k%u=%llu%s", k, static_cast<unsigned long long>(ex[k]->runs()), ex[k]->complete() ? ":complete" : "");
      if (whole) printf(" space=whole");
      if (found) printf(" found_by=\"%s\"", found_by.c_str());
      // The part of `seconds` spent in the symbolizer composing the report.
      printf(" symbolizer_seconds=%.6f\n", symbolizer_seconds());
      fflush(stdout);
    }
    int best = -1;
    for (unsigned k = 0; k < ex.size(); k++)
      if (ex[k]->complete()) best = static_cast<int>(k);
    if (found) {
      json_subject(s->name, runs, schedules.size(), best, "", "", expected_reports, discarded, false);
      return finish(true, first_line);
    }
    std::string preemptions = std::to_string(best) + " preemption" + (best == 1 ? "" : "s");
    std::string guarantee = best >= 0 ? "all fair schedules with <= " + preemptions + " explored (boundary data values)"
                                      : "no exhaustive bound completed";
    std::string pct = pct2.guarantee();
    if (whole && schedules.size() != ex[best]->runs()) {
      // Every run of every stream lies in the space the enumeration
      // covered, each of its runs a schedule of its own: a schedule outside
      // it means the claim is wrong (a choice not made through the source).
      fprintf(stderr, "kmapsim: internal error: the enumeration of %s claimed every run, %llu schedules, but the explorer ran %zu\n",
              s->name.c_str(), static_cast<unsigned long long>(ex[best]->runs()), schedules.size());
      exit(3);
    }
    if (whole) {
      // The enumeration that cut nothing is the last complete one.
      guarantee = "every run the subject can take explored: all " + std::to_string(ex[best]->runs()) +
                  " of its schedules (none has more than " + preemptions + "; every kmapsim_pick() value; " +
                  (ex[best]->saw_fallible() ? "every failure of its fallible calls" : "no fallible call") + "), so more runs would only repeat them";
      pct = "";
    } else if (sweep_done)
      guarantee += "; every single-fault path explored (" + std::to_string(sweep_calls) + " fallible call" + (sweep_calls == 1 ? "" : "s") +
                   " on the sweep's schedule)";
    else if (use_sweep)
      guarantee += "; fault sweep incomplete (first " + std::to_string(sweep_n - 1) + " fallible calls failed in turn)";
    printf("kmapsim: clean: %s on %s: %llu runs, %zu distinct schedules, %s%s%s", s->name.c_str(), prof.name.c_str(),
           static_cast<unsigned long long>(runs), schedules.size(), guarantee.c_str(), pct.empty() ? "" : "; ", pct.c_str());
    if (expected_reports) printf("; %llu announced reports confirmed", static_cast<unsigned long long>(expected_reports));
    if (discarded)
      printf("; %llu of the runs discarded: they broke the entry check of %s, the caller's contract (not reported)",
             static_cast<unsigned long long>(discarded), discarded_by.c_str());
    printf("\n");
    json_subject(s->name, runs, schedules.size(), best, guarantee, pct, expected_reports, discarded, whole);
  }
  return finish(false, "");
}

}  // namespace kmapsim::driver
