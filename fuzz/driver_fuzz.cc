// Raw inputs: libFuzzer's --fuzz mode and --replay-bytes.
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

extern "C" int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t)) __attribute__((weak));
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
// libFuzzer only looks the mutator up (a weak reference): this one takes
// driver_mutator.cc out of the archive.
__attribute__((used)) static void *const g_link_mutator = reinterpret_cast<void *>(&LLVMFuzzerCustomMutator);

// Whether libFuzzer's loop runs in this process: its comparison callbacks
// do work only then (trace_cmp_gate.cc).
extern "C" {
bool kmapsim_libfuzzer_running = false;
}

namespace kmapsim::driver {

// ---- raw bytes (libFuzzer inputs)
Machine *g_fuzz_machine = nullptr;
std::vector<const SubjectEntry *> g_fuzz_subjects;
// libFuzzer's -timeout=T and kmapsim's watchdog agree: the watchdog fires
// first (at T/2, at most its default), so a run that never ends becomes a
// soft-lockup report with a crash file rather than libFuzzer's bare timeout.
double g_fuzz_watchdog = 0;

RunResult run_bytes(const uint8_t *data, size_t size, const SubjectEntry **which) {
  if (!g_fuzz_machine) {
    g_fuzz_machine = new Machine(profile_or_die(g_opt.profile));
    if (g_fuzz_watchdog > 0 && g_fuzz_watchdog < g_fuzz_machine->watchdog_seconds()) g_fuzz_machine->set_watchdog_seconds(g_fuzz_watchdog);
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
// not). scripts/kmapsim_cli/findings.py normalises the same way, and
// driver_json.cc gives the site with it.
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
      printf("kmapsim: stats: subject=%s profile=%s strategy=fuzz found=yes runs=%llu seconds=%.6f symbolizer_seconds=%.6f\n", s->name.c_str(),
             g_opt.profile.c_str(), static_cast<unsigned long long>(g_fuzz_execs), now() - g_fuzz_t0, symbolizer_seconds());
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
  for (char *a : g_opt.fuzz_args)
    if (a && strncmp(a, "-timeout=", 9) == 0 && atof(a + 9) > 0) g_fuzz_watchdog = atof(a + 9) / 2;
  static std::string forward;  // see the header: libFuzzer's child processes get the driver's options back
  if (!g_opt.driver_args.empty()) {
    forward = "--kmapsim-driver=" + encode_driver_args(g_opt.driver_args);
    g_opt.fuzz_args.insert(g_opt.fuzz_args.begin(), const_cast<char *>(forward.c_str()));
  }
  g_opt.fuzz_args.insert(g_opt.fuzz_args.begin(), const_cast<char *>(g_argv0.c_str()));
  g_opt.fuzz_args.push_back(nullptr);
  int argc = static_cast<int>(g_opt.fuzz_args.size()) - 1;
  char **argv = g_opt.fuzz_args.data();
  kmapsim_libfuzzer_running = true;
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

}  // namespace kmapsim::driver
