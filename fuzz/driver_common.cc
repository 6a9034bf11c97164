// The subject driver: options, profile and subject lookup, crash-file
// emission, exit codes and corpus verdicts.
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

[[noreturn]] void usage_error(const std::string &msg) {
  fprintf(stderr, "kmapsim: %s\n", msg.c_str());
  exit(2);
}

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
  c.build = g_opt.build;
  c.first_line = r.report.first_line;
  c.trace = m.trace();
  char name[256];
  snprintf(name, sizeof name, "%s/%s-%s-%s-%016llx.crash", g_opt.crash_dir.c_str(), s.name.c_str(), c.profile.c_str(),
           bug_class_name(r.report.cls), static_cast<unsigned long long>(c.trace.hash()));
  mkdir(g_opt.crash_dir.c_str(), 0755);
  c.replay = replay_command(name);
  // The printed report is the report's data with the replay command.
  Report rep = r.report;
  if (rep.replay.empty()) rep.replay = c.replay;
  std::string text = rep.replay == c.replay ? render_report_text(rep) : r.report.text + "  replay: " + c.replay + "\n";
  fputs(text.c_str(), stderr);
  if (!write_file(name, encode_crash(c))) fprintf(stderr, "kmapsim: could not write the crash file %s\n", name);
  fprintf(stderr, "kmapsim: crash file: %s\n", name);
  json_report(s.name, r, rep, name, text);
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

}  // namespace kmapsim::driver
