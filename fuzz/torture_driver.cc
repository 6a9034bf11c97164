// `--torture` of the subject driver (subject_driver.cc parses the flags):
// runs each chosen subject in torture mode (model/src/torture/torture.h) for its
// share of the time, on a machine with `threads` simulated CPUs played by
// host threads. A report ends the process (exit 1) with the report and a
// best-effort replay line; a clean run prints one summary line per subject.
#include "torture_driver.h"

#include <cstdio>

#include "driver.h"
#include "machine.h"
#include "torture.h"

namespace kmapsim {

int torture_subjects(const std::vector<const SubjectEntry *> &list, const TortureRequest &rq) {
  Profile prof = rq.profile;
  prof.nr_cpus = rq.threads;
  Machine m(prof);
  double share = rq.seconds / static_cast<double>(list.size());
  for (const SubjectEntry *s : list) {
    std::string again = rq.rerun;
    if (again.empty()) {
      char buf[160];
      snprintf(buf, sizeof buf, " --torture --subject %s --profile %s --threads %u --lanes %u --seconds %.0f --seed %llu", s->name.c_str(),
               rq.profile.name.c_str(), rq.threads, rq.lanes, share < 1 ? 1.0 : share, static_cast<unsigned long long>(rq.seed));
      again = rq.argv0 + buf;
    }
    m.set_replay_hint("best effort only: torture runs depend on thread timing, so running again may not report it: " + again +
                      "; the deterministic explorer replays exactly what it finds: " + rq.argv0 + " --explore --subject " + s->name +
                      " --profile " + rq.profile.name);
    TortureOptions o;
    o.seconds = share;
    o.lanes = rq.lanes;
    o.seed = rq.seed;
    o.progress = rq.progress;
    // --json: the report as data, written before the process ends at it.
    o.on_report = [](const RunResult &r, void *name) {
      driver::json_report(*static_cast<const std::string *>(name), r, r.report, "", r.report.text);
    };
    o.on_report_arg = const_cast<std::string *>(&s->name);
    Torture t(m, o);
    TortureStats st = t.run(s->fn);
    driver::json_subject(s->name, st.iterations, 0, -1, "torture: best effort, no guarantee", "", 0);
    printf("kmapsim: clean: %s on %s: torture %.1fs, %u CPUs on host threads (up to %u busy at once), %u lane%s: %llu runs, %llu tasks, "
           "%llu scheduling points, %llu preemptions, %llu migrations, %llu interrupts, %llu sleeps (%llu for a PKMAP slot; up to %u of %u slots held), %llu invariant checks\n",
           s->name.c_str(), rq.profile.name.c_str(), st.seconds, rq.threads, st.max_busy_cpus, rq.lanes, rq.lanes == 1 ? "" : "s",
           static_cast<unsigned long long>(st.iterations), static_cast<unsigned long long>(st.tasks),
           static_cast<unsigned long long>(st.sched_points), static_cast<unsigned long long>(st.preemptions),
           static_cast<unsigned long long>(st.migrations), static_cast<unsigned long long>(st.irqs), static_cast<unsigned long long>(st.sleeps),
           static_cast<unsigned long long>(st.pkmap_waits), st.max_pkmap_held, rq.profile.last_pkmap,
           static_cast<unsigned long long>(st.invariant_checks));
    fflush(stdout);
  }
  return 0;
}

}  // namespace kmapsim
