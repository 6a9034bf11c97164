// The driver linked into every subject binary (the zoo's targets and the
// binaries `kmapsim check` builds from a user's file). One main() serves
// every way of running a subject:
//
//   --explore      alternate bounded-exhaustive rounds (K = 0, 1, 2
//                  preemptions), PCT and uniform random runs until a report
//                  or the budget (--runs N / --seconds S) is spent; S is
//                  for the whole file, shared by the subjects left, so one
//                  that ends early leaves its time to the next
//   --fuzz ARGS    coverage-guided: libFuzzer's bytes drive every decision;
//                  with --expect CLASS only reports of that class stop a run
//                  (so -minimize_crash=1 keeps the class); with --known FILE
//                  a report whose first line, numbers normalised (see
//                  normalise_line), is a line of FILE is a finding already
//                  made: the run counts as clean (`kmapsim overnight` keeps
//                  fuzzing a target for other bugs). libFuzzer's -fork,
//                  -jobs, -merge and -minimize_crash re-run this binary with
//                  its own flags only: the driver's options travel along as
//                  one word, --kmapsim-driver=<percent-encoded options>
//   --replay FILE  replay a crash file; --twice checks determinism, --events
//                  prints every event of the run as it happens. With
//                  --lenient (`kmapsim minimize`'s candidate traces) the
//                  trace only steers the run (ReplaySource's lenient mode) and a
//                  report writes a crash file of the run actually taken
//   --replay-bytes FILE   replay a raw input (libFuzzer crash or corpus file);
//                  with --verdict V, compare the first report line (or
//                  "clean") with the one recorded in file V
//   --list         the subjects in this binary
//   --torture      torture mode (docs/torture.md): --threads T simulated CPUs
//                  (default 4, at most 8), each played by a host thread, run
//                  the subject (--lanes L instances at once, default 1) with
//                  randomised timing for --seconds S (default 10); built
//                  under ThreadSanitizer by the tsan preset. A report ends
//                  the run (exit 1); replay is best effort
//   --selfcheck    with --explore: replay every run from its trace and
//                  require the same run hash and report (exit 3 if not)
//   --strategy S   with --explore: only one kind of round (exhaustive, pct or
//                  random; default "explore" alternates all three) — for
//                  the benchmarks' per-strategy time to first detection
//   --json FILE    also write the result machine-readable to FILE ("-":
//                  stdout, at exit): verdict, class, first line, site,
//                  crash file, runs, schedules, guarantees (driver_json.cc)
//   --stats        print one machine-readable "kmapsim: stats: ..." line per
//                  subject (runs, seconds, found) on stdout; with --fuzz, on
//                  a report (execs and seconds until it)
//   --build B      how this binary was built, recorded in crash files as
//                  `build: B` so a replay rebuilds the same binary; B is
//                  "plain-accesses" (`check --plain-accesses`) or empty
//
// Exit codes: 0 clean, 1 a report, 2 unusable input (bad flags, unknown
// subject or profile, a corrupt crash file or one from another version).
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
#include "torture_driver.h"

namespace kmapsim::driver {

void parse(int argc, char **argv) {
  g_argv0 = argv[0];
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto value = [&](const char *flag) -> std::string {
      if (i + 1 >= argc) usage_error(std::string(flag) + " needs a value");
      return argv[++i];
    };
    auto number = [&](const char *flag) -> uint64_t {
      std::string v = value(flag);
      char *end;
      unsigned long long n = strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end) usage_error(std::string(flag) + " takes a whole number, got '" + v + "'");
      return n;
    };
    if (a == "--explore") g_opt.mode = "explore";
    else if (a == "--list") g_opt.mode = "list";
    else if (a == "--torture") g_opt.mode = "torture";
    else if (a == "--threads") g_opt.threads = static_cast<unsigned>(number("--threads"));
    else if (a == "--lanes") g_opt.lanes = static_cast<unsigned>(number("--lanes"));
    else if (a == "--replay") { g_opt.mode = "replay"; g_opt.file = value("--replay"); }
    else if (a == "--replay-bytes") { g_opt.mode = "replay-bytes"; g_opt.file = value("--replay-bytes"); }
    else if (a == "--fuzz") {
      g_opt.mode = "fuzz";
      for (int j = 1; j < i; j++) g_opt.driver_args.push_back(argv[j]);
      for (i++; i < argc; i++) g_opt.fuzz_args.push_back(argv[i]);
    }
    else if (a == "--subject") g_opt.subject = value("--subject");
    else if (a == "--profile") g_opt.profile = value("--profile");
    else if (a == "--runs") g_opt.runs = number("--runs");
    else if (a == "--seconds") g_opt.seconds = static_cast<double>(number("--seconds"));
    else if (a == "--seed") g_opt.seed = number("--seed");
    else if (a == "--max-preemptions") g_opt.max_k = static_cast<unsigned>(number("--max-preemptions"));
    else if (a == "--crash-dir") g_opt.crash_dir = value("--crash-dir");
    else if (a == "--replay-prefix") g_opt.replay_prefix = value("--replay-prefix");
    else if (a == "--target") g_opt.target = value("--target");
    else if (a == "--build") {
      g_opt.build = value("--build");
      if (!g_opt.build.empty() && g_opt.build != "plain-accesses") usage_error("--build: 'plain-accesses' or empty, got '" + g_opt.build + "'");
    }
    else if (a == "--expect") {
      g_opt.expect = value("--expect");
      if (g_opt.expect != "clean" && bug_class_from_name(g_opt.expect) == BugClass::None) usage_error("--expect: unknown class '" + g_opt.expect + "'");
    }
    else if (a.rfind("--kmapsim-driver=", 0) == 0) {
      // A child process of libFuzzer's -fork/-jobs/-merge/-minimize_crash:
      // the driver's options, then libFuzzer's.
      static std::vector<std::string> opts;
      opts = decode_driver_args(a.substr(strlen("--kmapsim-driver=")));
      std::vector<char *> v{argv[0]};
      for (std::string &o : opts) v.push_back(o.data());
      v.push_back(nullptr);
      parse(static_cast<int>(v.size()) - 1, v.data());
      g_opt.mode = "fuzz";
      g_opt.driver_args = opts;
      for (i++; i < argc; i++) g_opt.fuzz_args.push_back(argv[i]);
    }
    else if (a == "--lenient") g_opt.lenient = true;
    else if (a == "--known") g_opt.known_file = value("--known");
    else if (a == "--twice") g_opt.twice = true;
    else if (a == "--selfcheck") g_opt.selfcheck = true;
    else if (a == "--events") g_opt.events = true;
    else if (a == "--verdict") g_opt.verdict_file = value("--verdict");
    else if (a == "--progress") g_opt.progress = true;
    else if (a == "--stats") g_opt.stats = true;
    else if (a == "--json") g_opt.json_file = value("--json");
    else if (a == "--strategy") {
      g_opt.strategy = value("--strategy");
      if (g_opt.strategy != "explore" && g_opt.strategy != "exhaustive" && g_opt.strategy != "pct" && g_opt.strategy != "random")
        usage_error("--strategy: one of explore, exhaustive, pct, random (coverage-guided: --fuzz), got '" + g_opt.strategy + "'");
    }
    else usage_error("unknown flag '" + a + "' (see the header of fuzz/subject_driver.cc)");
  }
  if (g_opt.max_k > 4) usage_error("--max-preemptions is at most 4");
  if (g_opt.threads < 1 || g_opt.threads > 8) usage_error("--threads: 1 to 8 simulated CPUs");
  if (g_opt.lanes < 1 || g_opt.lanes > 16) usage_error("--lanes: 1 to 16");
  if (g_opt.profile.empty()) g_opt.profile = default_subject_profile().empty() ? "strict" : default_subject_profile();
  profile_or_die(g_opt.profile);
}

}  // namespace kmapsim::driver

#ifdef KMAPSIM_LIBFUZZER_ENTRY
// Built for ClusterFuzzLite/OSS-Fuzz (.clusterfuzzlite/build.sh): libFuzzer
// owns main() and the command line, so the subject driver only provides the
// entry points. KMAPSIM_PROFILE / KMAPSIM_SUBJECT / KMAPSIM_CRASH_DIR in the
// environment stand in for the flags.
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  using namespace kmapsim;
  using namespace kmapsim::driver;
  g_argv0 = (*argv)[0];
  const char *p = getenv("KMAPSIM_PROFILE");
  const char *s = getenv("KMAPSIM_SUBJECT");
  const char *c = getenv("KMAPSIM_CRASH_DIR");
  g_opt.profile = p ? p : (default_subject_profile().empty() ? "strict" : default_subject_profile());
  if (s) g_opt.subject = s;
  if (c) g_opt.crash_dir = c;
  profile_or_die(g_opt.profile);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return kmapsim::driver::fuzz_one(data, size); }
#else
int main(int argc, char **argv) {
  using namespace kmapsim;
  using namespace kmapsim::driver;
  parse(argc, argv);
  json_begin();
  if (g_opt.mode == "list") {
    for (const SubjectEntry &s : subjects()) printf("%s\n", s.name.c_str());
    return 0;
  }
  if (g_opt.mode == "replay") return replay_crash();
  if (g_opt.mode == "replay-bytes") return replay_bytes();
  if (g_opt.mode == "fuzz") return fuzz();
  if (g_opt.mode == "torture") {
    TortureRequest rq;
    rq.profile = profile_or_die(g_opt.profile);
    rq.threads = g_opt.threads;
    rq.lanes = g_opt.lanes;
    rq.seconds = g_opt.seconds > 0 ? g_opt.seconds : 10;
    rq.seed = g_opt.seed;
    rq.progress = g_opt.progress;
    rq.argv0 = g_argv0;
    rq.rerun = g_opt.replay_prefix;
    torture_subjects(chosen_subjects(), rq);
    return finish(false, "");
  }
  return explore();
}
#endif
