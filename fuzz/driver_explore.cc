// --explore: the fault sweep, bounded-exhaustive, PCT and random rounds
// until a report or the budget; --selfcheck replays every run.
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

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "crash_file.h"
#include "decision_sources.h"
#include "driver.h"
#include "machine.h"
#include "subject_registry.h"

namespace kmapsim::driver {

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
  for (const SubjectEntry *s : list) {
    std::unordered_set<uint64_t> schedules;
    std::vector<std::unique_ptr<ExhaustiveSource>> ex;
    for (unsigned k = 0; k <= g_opt.max_k; k++) ex.push_back(std::make_unique<ExhaustiveSource>(k));
    PctSource pct2(g_opt.seed, 2, 50, 2), pct3(g_opt.seed + 1, 3, 50, 3);
    RandomSource rnd(g_opt.seed + 2);
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
      return g_opt.seconds > 0 && now() - ts >= g_opt.seconds / static_cast<double>(list.size());
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
    for (unsigned pass = 0; !found && !out_of_budget(); pass++) {
      // Portfolio: each pass of the default strategy starts with short
      // random and PCT rounds that grow as the enumeration's do, so a bug
      // that one of them finds at once does not wait behind it.
      uint64_t quick = 20u << (pass < 6 ? pass : 6);
      if (st == "explore" && (round(rnd, quick, false) || round(pct2, quick, false) || round(pct3, quick, false))) {
        found = true;
        break;
      }
      // A slice of the fault sweep each pass, so a subject with many
      // fallible calls still gets its schedules explored.
      for (uint64_t i = 0; use_sweep && !sweep_done && !found && i < (100u << (pass < 6 ? pass : 6)) && !out_of_budget(); i++, sweep_n++) {
        FaultSweepSource fs(sweep_n);
        found = round(fs, 1, false);
        if (!fs.injected()) {
          sweep_done = true;
          sweep_calls = fs.calls();
        }
      }
      if (found) break;
      bool all_complete = true;
      for (unsigned k = 0; k <= g_opt.max_k && !found && use_ex; k++) {
        found = round(*ex[k], 500u << (pass < 6 ? pass : 6), true);
        all_complete &= ex[k]->complete();
      }
      if (found) break;
      if (st == "exhaustive" && all_complete) break;  // nothing left to enumerate
      found = (use_pct && (round(pct2, 200, false) || round(pct3, 200, false))) || (use_rnd && round(rnd, 200, false));
    }
    if (tty) fprintf(stderr, "\r\033[K");
    if (g_opt.stats) {
      printf("kmapsim: stats: subject=%s profile=%s strategy=%s seed=%llu found=%s runs=%llu seconds=%.6f schedules=%zu", s->name.c_str(),
             prof.name.c_str(), st.c_str(), static_cast<unsigned long long>(g_opt.seed), found ? "yes" : "no",
             static_cast<unsigned long long>(runs), now() - ts, schedules.size());
      for (unsigned k = 0; k <= g_opt.max_k && use_ex; k++)
        printf(" k%u=%llu%s", k, static_cast<unsigned long long>(ex[k]->runs()), ex[k]->complete() ? ":complete" : "");
      if (found) printf(" found_by=\"%s\"", found_by.c_str());
      printf("\n");
      fflush(stdout);
    }
    int best = -1;
    for (unsigned k = 0; k <= g_opt.max_k; k++)
      if (ex[k]->complete()) best = static_cast<int>(k);
    if (found) {
      json_subject(s->name, runs, schedules.size(), best, "", "", expected_reports);
      return finish(true, first_line);
    }
    std::string guarantee = best >= 0 ? "all fair schedules with <= " + std::to_string(best) + " preemption" + (best == 1 ? "" : "s") +
                                            " explored (boundary data values)"
                                      : "no exhaustive bound completed";
    if (sweep_done)
      guarantee += "; every single-fault path explored (" + std::to_string(sweep_calls) + " fallible call" + (sweep_calls == 1 ? "" : "s") +
                   " on the sweep's schedule)";
    else if (use_sweep)
      guarantee += "; fault sweep incomplete (first " + std::to_string(sweep_n - 1) + " fallible calls failed in turn)";
    printf("kmapsim: clean: %s on %s: %llu runs, %zu distinct schedules, %s; %s", s->name.c_str(), prof.name.c_str(),
           static_cast<unsigned long long>(runs), schedules.size(), guarantee.c_str(), pct2.guarantee().c_str());
    if (expected_reports) printf("; %llu announced reports confirmed", static_cast<unsigned long long>(expected_reports));
    if (discarded)
      printf("; %llu of the runs discarded: they broke the entry check of %s, the caller's contract (not reported)",
             static_cast<unsigned long long>(discarded), discarded_by.c_str());
    printf("\n");
    json_subject(s->name, runs, schedules.size(), best, guarantee, pct2.guarantee(), expected_reports);
  }
  return finish(false, "");
}

}  // namespace kmapsim::driver
