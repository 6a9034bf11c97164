// The driver linked into every subject binary (the zoo's targets and the
// binaries `kmapsim check` builds from a user's file). One main() serves
// every way of running a subject:
//
//   --explore      alternate bounded-exhaustive rounds (K = 0, 1, 2
//                  preemptions), PCT and uniform random runs until a report
//                  or the budget (--runs N / --seconds S) is spent
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
//                  trace only steers the run (see LenientReplaySource) and a
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
//   --stats        print one machine-readable "kmapsim: stats: ..." line per
//                  subject (runs, seconds, found) on stdout; with --fuzz, on
//                  a report (execs and seconds until it)
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
#include "machine.h"
#include "subject_registry.h"
#include "torture_driver.h"

extern "C" int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t)) __attribute__((weak));

namespace kmapsim {
namespace {

[[noreturn]] void usage_error(const std::string &msg) {
  fprintf(stderr, "kmapsim: %s\n", msg.c_str());
  exit(2);
}

struct Options {
  std::string mode = "explore";
  std::string subject;
  std::string profile;  // empty: the file's KMAPSIM_DEFAULT_PROFILE, else strict
  std::string file;
  std::string crash_dir = "kmapsim-crashes";
  std::string replay_prefix;
  std::string expect;
  std::string target;
  uint64_t runs = 0;
  double seconds = 0;
  uint64_t seed = 1;
  unsigned max_k = 2;
  bool twice = false;
  bool selfcheck = false;
  bool events = false;
  std::string verdict_file;
  bool progress = false;
  std::string strategy = "explore";
  bool stats = false;
  std::vector<char *> fuzz_args;
  bool lenient = false;
  std::string known_file;
  std::vector<std::string> driver_args;  // the options before --fuzz, for libFuzzer's child processes
  unsigned threads = 4;  // --torture: simulated CPUs on host threads
  unsigned lanes = 1;    // --torture: concurrent instances of the subject
};

Options g_opt;
std::string g_argv0;

const Profile &profile_or_die(const std::string &name) {
  const Profile *p = find_profile(name);
  if (!p) {
    std::string names;
    for (const Profile &q : all_profiles()) names += (names.empty() ? "" : ", ") + q.name;
    usage_error("unknown profile '" + name + "' (profiles: " + names + ")");
  }
  return *p;
}

std::vector<const SubjectEntry *> chosen_subjects() {
  std::vector<const SubjectEntry *> v;
  if (subjects().empty()) usage_error("no KMAPSIM_SUBJECT(...) in this binary");
  if (!g_opt.subject.empty()) {
    const SubjectEntry *e = find_subject(g_opt.subject);
    if (!e) {
      std::string names;
      for (const SubjectEntry &s : subjects()) names += (names.empty() ? "" : ", ") + s.name;
      usage_error("unknown subject '" + g_opt.subject + "' (this file has: " + names + ")");
    }
    v.push_back(e);
  } else {
    for (const SubjectEntry &s : subjects()) v.push_back(&s);
  }
  return v;
}

std::string replay_command(const std::string &path) {
  if (!g_opt.replay_prefix.empty()) return g_opt.replay_prefix + " " + path;
  return g_argv0 + " --replay " + path;
}

// Writes the crash file of a reported run, prints the report and the replay
// command. Returns the crash file's path.
std::string emit_report(Machine &m, const SubjectEntry &s, const RunResult &r) {
  CrashFile c;
  c.target = g_opt.target.empty() ? g_argv0.substr(g_argv0.rfind('/') + 1) : g_opt.target;
  c.subject = s.name;
  c.profile = m.profile().name;
  c.first_line = r.report.first_line;
  c.trace = m.trace();
  char name[256];
  snprintf(name, sizeof name, "%s/%s-%s-%s-%016llx.crash", g_opt.crash_dir.c_str(), s.name.c_str(), c.profile.c_str(),
           bug_class_name(r.report.cls), static_cast<unsigned long long>(c.trace.hash()));
  mkdir(g_opt.crash_dir.c_str(), 0755);
  c.replay = replay_command(name);
  std::string text = r.report.text + "  replay: " + c.replay + "\n";
  fputs(text.c_str(), stderr);
  if (!write_file(name, encode_crash(c))) fprintf(stderr, "kmapsim: could not write the crash file %s\n", name);
  fprintf(stderr, "kmapsim: crash file: %s\n", name);
  return name;
}

int finish(bool reported, const std::string &first_line) {
  if (g_opt.expect.empty()) return reported ? 1 : 0;
  if (g_opt.expect == "clean") {
    if (!reported) return 0;
    fprintf(stderr, "kmapsim: expected clean, got: %s\n", first_line.c_str());
    return 1;
  }
  std::string want = "BUG: kmapsim: " + g_opt.expect + ":";
  if (reported && first_line.rfind(want, 0) == 0) {
    printf("kmapsim: expected %s: found\n", g_opt.expect.c_str());
    return 0;
  }
  fprintf(stderr, "kmapsim: expected %s, got: %s\n", g_opt.expect.c_str(), reported ? first_line.c_str() : "clean");
  return 1;
}

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

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
    uint64_t runs = 0;
    uint64_t expected_reports = 0;  // reports the subject announced (kmapsim_expect)
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
    for (unsigned pass = 0; !found && !out_of_budget(); pass++) {
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
    if (found) return finish(true, first_line);
    int best = -1;
    for (unsigned k = 0; k <= g_opt.max_k; k++)
      if (ex[k]->complete()) best = static_cast<int>(k);
    std::string guarantee = best >= 0 ? "all schedules with <= " + std::to_string(best) + " preemption" + (best == 1 ? "" : "s") +
                                            " explored (boundary data values)"
                                      : "no exhaustive bound completed";
    printf("kmapsim: clean: %s on %s: %llu runs, %zu distinct schedules, %s; %s", s->name.c_str(), prof.name.c_str(),
           static_cast<unsigned long long>(runs), schedules.size(), guarantee.c_str(), pct2.guarantee().c_str());
    if (expected_reports) printf("; %llu announced reports confirmed", static_cast<unsigned long long>(expected_reports));
    printf("\n");
  }
  return finish(false, "");
}

int check_verdict(const std::string &got);

// ---- replay
// `kmapsim minimize` shrinks a crash file by editing its decision list and
// running the edited list through this source. An edit shifts or removes
// decisions, so the run soon asks for something the list does not say: a
// decision at another site than the next entry, outside the asked range, or
// past the end takes the lowest choice (as ReplaySource's extend mode does),
// and the entry stays for the next decision at its own site. The run is a
// new run, recorded as usual: its crash file replays exactly.
class LenientReplaySource : public DecisionSource {
 public:
  explicit LenientReplaySource(const Trace &t) : d_(t.decisions()) {}
  void begin_run() override { i_ = 0; }
  uint64_t pick(Site site, uint64_t lo, uint64_t hi) override { return next(site, lo, hi); }
  bool should(Site site) override { return next(site, 0, 1) == 1; }
  size_t next_task(const Candidate *, size_t n, int) override { return next(Site::NextTask, 0, n - 1); }
  std::string describe() const override { return "lenient replay"; }

 private:
  uint64_t next(Site site, uint64_t lo, uint64_t hi) {
    if (i_ >= d_.size() || d_[i_].site != site) return lo;
    uint64_t v = d_[i_++].value;
    return v < lo || v > hi ? lo : v;
  }
  std::vector<Decision> d_;
  size_t i_ = 0;
};

int replay_lenient(Machine &m, const SubjectEntry &s, const CrashFile &c) {
  m.set_log_events(g_opt.events);
  LenientReplaySource src(c.trace);
  RunResult r = m.run(s.fn, src);
  bool bug = r.reported && !r.expected;
  if (bug)
    emit_report(m, s, r);
  else
    printf("kmapsim: replay: clean (%llu decisions)\n", static_cast<unsigned long long>(r.decisions));
  return finish(bug, bug ? r.report.first_line : "clean");
}

int replay_crash() {
  std::string text, err;
  if (!read_file(g_opt.file, &text)) usage_error("cannot read crash file '" + g_opt.file + "'");
  CrashFile c;
  if (!decode_crash(text, &c, &err)) usage_error(g_opt.file + ": " + err);
  const Profile &prof = profile_or_die(c.profile);
  const SubjectEntry *s = find_subject(c.subject);
  if (!s) usage_error(g_opt.file + ": subject '" + c.subject + "' is not in this binary");
  Machine m(prof);
  if (g_opt.lenient) return replay_lenient(m, *s, c);
  std::string first, full;
  uint64_t hash = 0;
  bool regression = !g_opt.verdict_file.empty();
  for (int i = 0; i < (g_opt.twice ? 2 : 1); i++) {
    m.set_log_events(g_opt.events && i == 0);  // the event trace once, not once per run
    ReplaySource src(c.trace, regression);
    RunResult r = m.run(s->fn, src);
    if (!src.divergence().empty()) usage_error(g_opt.file + ": replay diverged: " + src.divergence());
    if (r.reported && r.expected) r.reported = false;  // an announced report (kmapsim_expect) is a pass
    std::string this_full = r.reported ? r.report.text + "  replay: " + c.replay + "\n" : std::string("kmapsim: replay: clean\n");
    if (i == 0) {
      full = this_full;
      first = r.reported ? r.report.first_line : "clean";
      hash = r.trace_hash;
      fputs(full.c_str(), r.reported ? stderr : stdout);
    } else if (this_full != full || r.trace_hash != hash) {
      fprintf(stderr, "kmapsim: nondeterminism: the second replay differs from the first (run hash %016llx vs %016llx)\n",
              static_cast<unsigned long long>(hash), static_cast<unsigned long long>(r.trace_hash));
      return 2;
    } else {
      printf("kmapsim: deterministic: two replays gave the same report and run hash %016llx (decisions and events)\n",
             static_cast<unsigned long long>(hash));
    }
  }
  if (regression) return check_verdict(first);
  if (!c.first_line.empty() && c.first_line != first)
    fprintf(stderr, "kmapsim: note: the crash file recorded '%s'\n", c.first_line.c_str());
  return finish(first != "clean", first);
}

// A corpus regression: the first report line must equal the recorded one
// (or both be "clean").
int check_verdict(const std::string &got) {
  std::string want;
  if (!read_file(g_opt.verdict_file, &want)) usage_error("cannot read verdict file '" + g_opt.verdict_file + "'");
  while (!want.empty() && (want.back() == '\n' || want.back() == '\r')) want.pop_back();
  if (want == got) return 0;
  fprintf(stderr, "kmapsim: verdict mismatch for %s:\n  recorded: %s\n  now:      %s\n", g_opt.file.c_str(), want.c_str(), got.c_str());
  return 1;
}

// ---- raw bytes (libFuzzer inputs)
Machine *g_fuzz_machine = nullptr;
std::vector<const SubjectEntry *> g_fuzz_subjects;

RunResult run_bytes(const uint8_t *data, size_t size, const SubjectEntry **which) {
  if (!g_fuzz_machine) {
    g_fuzz_machine = new Machine(profile_or_die(g_opt.profile));
    g_fuzz_subjects = chosen_subjects();
  }
  size_t idx = 0;
  if (g_fuzz_subjects.size() > 1 && size) {
    idx = data[0] % g_fuzz_subjects.size();
    data++;
    size--;
  }
  *which = g_fuzz_subjects[idx];
  BytesSource src(data, size);
  return g_fuzz_machine->run((*which)->fn, src);
}

uint64_t g_fuzz_execs = 0;
double g_fuzz_t0 = 0;

// A report's first line with every number replaced: 0x<hex> by "0x?", a run
// of digits by "N" (addresses and pfns change from run to run; the site does
// not). scripts/lib/findings.py normalises the same way.
std::string normalise_line(const std::string &s) {
  std::string o;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '0' && i + 2 < s.size() && s[i + 1] == 'x' && isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      o += "0x?";
      for (i += 2; i < s.size() && isxdigit(static_cast<unsigned char>(s[i])); i++) {}
    } else if (isdigit(static_cast<unsigned char>(s[i]))) {
      o += 'N';
      while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) i++;
    } else {
      o += s[i++];
    }
  }
  return o;
}

std::unordered_set<std::string> g_known;  // --known: normalised first lines

void load_known() {
  if (g_opt.known_file.empty()) return;
  std::string text;
  if (!read_file(g_opt.known_file, &text)) usage_error("cannot read --known file '" + g_opt.known_file + "'");
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    if (nl > at) g_known.insert(normalise_line(text.substr(at, nl - at)));
    at = nl + 1;
  }
}

int fuzz_one(const uint8_t *data, size_t size) {
  const SubjectEntry *s;
  RunResult r = run_bytes(data, size, &s);
  g_fuzz_execs++;
  // With --expect CLASS (kmapsim minimize) a report of another class is not the crash being shrunk.
  bool counts = g_opt.expect.empty() || g_opt.expect == bug_class_name(r.report.cls);
  if (r.reported && g_known.count(normalise_line(r.report.first_line))) counts = false;
  if (r.reported && !r.expected && counts) {
    if (g_opt.stats) {
      printf("kmapsim: stats: subject=%s profile=%s strategy=fuzz found=yes runs=%llu seconds=%.6f\n", s->name.c_str(), g_opt.profile.c_str(),
             static_cast<unsigned long long>(g_fuzz_execs), now() - g_fuzz_t0);
      fflush(stdout);
    }
    emit_report(*g_fuzz_machine, *s, r);
    fflush(stderr);
    abort();  // libFuzzer saves the input
  }
  return 0;
}

int replay_bytes() {
  std::string data;
  if (!read_file(g_opt.file, &data)) usage_error("cannot read input '" + g_opt.file + "'");
  const SubjectEntry *s;
  RunResult r = run_bytes(reinterpret_cast<const uint8_t *>(data.data()), data.size(), &s);
  bool bug = r.reported && !r.expected;
  if (bug)
    emit_report(*g_fuzz_machine, *s, r);
  else
    printf("kmapsim: clean: %s on %s: 1 run (%llu decisions)%s%s\n", s->name.c_str(), g_opt.profile.c_str(),
           static_cast<unsigned long long>(r.decisions), r.reported ? "; announced report confirmed: " : "",
           r.reported ? r.report.first_line.c_str() : "");
  if (!g_opt.verdict_file.empty()) return check_verdict(bug ? r.report.first_line : "clean");
  return finish(bug, bug ? r.report.first_line : "clean");
}

std::string encode_driver_args(const std::vector<std::string> &args);

int fuzz() {
  if (!LLVMFuzzerRunDriver) usage_error("this binary was built without libFuzzer (use the fuzz preset)");
  g_fuzz_t0 = now();
  load_known();
  static std::string forward;  // see the header: libFuzzer's child processes get the driver's options back
  if (!g_opt.driver_args.empty()) {
    forward = "--kmapsim-driver=" + encode_driver_args(g_opt.driver_args);
    g_opt.fuzz_args.insert(g_opt.fuzz_args.begin(), const_cast<char *>(forward.c_str()));
  }
  g_opt.fuzz_args.insert(g_opt.fuzz_args.begin(), const_cast<char *>(g_argv0.c_str()));
  g_opt.fuzz_args.push_back(nullptr);
  int argc = static_cast<int>(g_opt.fuzz_args.size()) - 1;
  char **argv = g_opt.fuzz_args.data();
  return LLVMFuzzerRunDriver(&argc, &argv, fuzz_one);
}

// libFuzzer runs child commands through the shell, one word per argument:
// every byte outside a safe set becomes %XX, and ',' separates options.
std::string encode_driver_args(const std::vector<std::string> &args) {
  std::string out;
  for (size_t i = 0; i < args.size(); i++) {
    if (i) out += ',';
    for (unsigned char ch : args[i]) {
      if (isalnum(ch) || strchr("-_./:+=@", ch)) {
        out += static_cast<char>(ch);
      } else {
        char b[4];
        snprintf(b, sizeof b, "%%%02X", ch);
        out += b;
      }
    }
  }
  return out;
}

std::vector<std::string> decode_driver_args(const std::string &s) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == ',') {
      out.emplace_back();
    } else if (s[i] == '%' && i + 2 < s.size() && isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.back() += static_cast<char>(strtol(s.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      out.back() += s[i];
    }
  }
  return out;
}

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

}  // namespace
}  // namespace kmapsim

#ifdef KMAPSIM_LIBFUZZER_ENTRY
// Built for ClusterFuzzLite/OSS-Fuzz (.clusterfuzzlite/build.sh): libFuzzer
// owns main() and the command line, so the subject driver only provides the
// entry points. KMAPSIM_PROFILE / KMAPSIM_SUBJECT / KMAPSIM_CRASH_DIR in the
// environment stand in for the flags.
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  using namespace kmapsim;
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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return kmapsim::fuzz_one(data, size); }
#else
int main(int argc, char **argv) {
  using namespace kmapsim;
  parse(argc, argv);
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
