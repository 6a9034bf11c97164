// --replay: crash files, exactly (or leniently, for minimize).
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

// ---- replay
// `kmapsim minimize` shrinks a crash file by editing its decision list and
// running the edited list through ReplaySource's lenient mode; the run is a
// new run, recorded as usual: its crash file replays exactly.
int replay_lenient(Machine &m, const SubjectEntry &s, const CrashFile &c) {
  m.set_log_events(g_opt.events);
  ReplaySource src(c.trace, ReplaySource::Mode::Lenient);
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
    // The report's data with the crash file's replay command: its text is
    // what the run printed when the crash file was written.
    Report rep = r.report;
    if (rep.replay.empty()) rep.replay = c.replay;
    std::string this_full = !r.reported                ? std::string("kmapsim: replay: clean\n")
                            : rep.replay == c.replay ? render_report_text(rep)
                                                     : r.report.text + "  replay: " + c.replay + "\n";
    if (i == 0) {
      full = this_full;
      if (r.reported) json_report(s->name, r, rep, g_opt.file, this_full);
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

}  // namespace kmapsim::driver
