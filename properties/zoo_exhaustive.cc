// Property: every zoo entry under bounded-exhaustive exploration. Linked
// with one variant of one zoo subject (subjects/<entry>/{buggy,fixed}.c);
// CTest runs it once per line of the entry's `expect` file.
//
//   prop_zoo_<entry>_<variant> --profile P --expect clean|<class> --max-preemptions K [--max-runs N]
//
// For k = 0..K it enumerates every run with at most k preemptions
// (ExhaustiveSource: every schedule, interrupt and migration choice within
// the bound, every zone / allocation-failure / user-fault choice, and the
// boundary values of every kmapsim_pick()).
//
//   fixed (expect clean): no run reports, and the K enumeration COMPLETES.
//     Hitting the run cap is a failure, not a pass: "clean over the complete
//     enumeration" is the property.
//   buggy (expect <class>): some run reports, and the first report found
//     is of exactly <class>. The search goes k = 0, 1, 2 (always up to 2:
//     a bug that needs preemption is not found with fewer), each level
//     until it completes or hits the run cap; finding nothing is a failure.
//     Buggy variants the expect file marks "clean" on a profile (silent
//     there, e.g. on x86-64) are held to the fixed rule: clean over the
//     complete enumeration at the given K.
//
// Reports the subject announced (kmapsim_expect) count as clean. A
// failing run is written as a crash file that the zoo's own binary
// replays: `build/dev/subjects/zoo_<entry>_<variant> --replay FILE`.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "crash_file.h"
#include "decision_sources.h"
#include "machine.h"
#include "subject_registry.h"

namespace {

using namespace kmapsim;

[[noreturn]] void usage(const std::string &msg) {
  fprintf(stderr, "prop_zoo: %s\n", msg.c_str());
  exit(2);
}

uint64_t number(const char *flag, const char *v) {
  char *end;
  unsigned long long n = strtoull(v, &end, 10);
  if (!*v || *end) usage(std::string(flag) + " takes a whole number");
  return n;
}

}  // namespace

int main(int argc, char **argv) {
  std::string profile = "strict", expect, target, crash_dir = "prop-zoo-crashes";
  unsigned max_k = 2;
  uint64_t max_runs = 200000;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto value = [&]() -> const char * {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--profile") profile = value();
    else if (a == "--expect") expect = value();
    else if (a == "--max-preemptions") max_k = static_cast<unsigned>(number("--max-preemptions", value()));
    else if (a == "--max-runs") max_runs = number("--max-runs", value());
    else if (a == "--target") target = value();
    else if (a == "--crash-dir") crash_dir = value();
    else usage("unknown flag '" + a + "'");
  }
  if (expect.empty()) usage("--expect clean|<class> is required");
  // Long mode (README.md): the full K=2 enumeration of every entry, with a
  // run cap 50 times larger.
  // Long mode (README.md): one more preemption for entries CI explores
  // with fewer than 2, and a run cap 50 times larger.
  if (const char *l = getenv("KMAPSIM_PROPERTIES_LONG"); l && *l && strcmp(l, "0") != 0) {
    if (max_k < 2) max_k++;
    max_runs *= 50;
  }
  // A bug is searched for with up to 2 preemptions whatever K says.
  if (expect != "clean") max_k = 2;
  bool want_clean = expect == "clean";
  if (!want_clean && bug_class_from_name(expect) == BugClass::None) usage("--expect: unknown class '" + expect + "'");
  if (max_k > 2) usage("--max-preemptions: the property is stated for K <= 2");
  const Profile *prof = find_profile(profile);
  if (!prof) usage("unknown profile '" + profile + "'");
  if (subjects().size() != 1) usage("link exactly one zoo subject");
  const SubjectEntry &s = subjects()[0];
  if (target.empty()) target = "zoo_" + s.name;

  Machine m(*prof);
  uint64_t total = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (unsigned k = 0; k <= max_k; k++) {
    ExhaustiveSource src(k, max_runs);
    uint64_t runs = 0;
    while (!src.complete()) {
      if (runs >= max_runs && !want_clean) {
        printf("prop_zoo: %s on %s: K=%u: nothing after %llu runs (cap), going on to K=%u\n", s.name.c_str(), prof->name.c_str(), k,
               static_cast<unsigned long long>(runs), k + 1);
        break;
      }
      if (runs >= max_runs) {
        printf("prop_zoo: FAIL: %s (expect %s) on %s: the K=%u enumeration did not complete within %llu runs (raise --max-runs, or "
               "lower this entry's K in KMAPSIM_ZOO_CI_K, properties/CMakeLists.txt)\n",
               s.name.c_str(), expect.c_str(), profile.c_str(), k, static_cast<unsigned long long>(max_runs));
        return 1;
      }
      RunResult r = m.run(s.fn, src);
      runs++;
      total++;
      if (!r.reported || r.expected) continue;
      // A report: write the crash file the zoo binary replays.
      CrashFile c;
      c.target = target;
      c.subject = s.name;
      c.profile = prof->name;
      c.first_line = r.report.first_line;
      c.trace = m.trace();
      mkdir(crash_dir.c_str(), 0755);
      char path[512];
      snprintf(path, sizeof path, "%s/%s-%s-%s-K%u-%016llx.crash", crash_dir.c_str(), s.name.c_str(), prof->name.c_str(),
               bug_class_name(r.report.cls), k, static_cast<unsigned long long>(c.trace.hash()));
      c.replay = target + " --replay " + path;
      write_file(path, encode_crash(c));
      if (!want_clean && r.report.cls == bug_class_from_name(expect)) {
        printf("prop_zoo: ok: %s on %s: caught %s at K=%u after %llu run%s (replay: %s)\n", s.name.c_str(), prof->name.c_str(),
               expect.c_str(), k, static_cast<unsigned long long>(runs), runs == 1 ? "" : "s", c.replay.c_str());
        return 0;
      }
      fprintf(stderr, "%s  replay: %s\n", r.report.text.c_str(), c.replay.c_str());
      printf("prop_zoo: FAIL: %s on %s, expected %s, run %llu of the K=%u enumeration reported: %s\n", s.name.c_str(), prof->name.c_str(),
             expect.c_str(), static_cast<unsigned long long>(runs), k, r.report.first_line.c_str());
      return 1;
    }
    if (!src.complete()) continue;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    printf("prop_zoo: %s on %s: %s (%.1fs so far)\n", s.name.c_str(), prof->name.c_str(), src.guarantee().c_str(), secs);
  }
  if (want_clean) {
    printf("prop_zoo: ok: %s on %s: clean over the complete K<=%u enumeration (%llu runs)\n", s.name.c_str(), prof->name.c_str(), max_k,
           static_cast<unsigned long long>(total));
    return 0;
  }
  printf("prop_zoo: FAIL: %s on %s: expected %s, but the K<=%u exploration (%llu runs) found nothing\n", s.name.c_str(),
         prof->name.c_str(), expect.c_str(), max_k, static_cast<unsigned long long>(total));
  return 1;
}
