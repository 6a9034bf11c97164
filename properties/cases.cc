#include "cases.h"

#include <sstream>

#include "program.h"

namespace kprop {

namespace gen = rc::gen;

void soundness_case() {
  Program p = *gen_program(all_profile_names());
  Outcome o = run_program(p);
  if (!o.error.empty() || o.result.reported || o.result.livelock) RC_FAIL("a legal program was reported:\n" + describe(p, o));
  if (getenv("KMAPSIM_PROPERTIES_VERBOSE")) {
    std::ostringstream os;
    showValue(p, os);
    fprintf(stderr, "%s%s\n", os.str().c_str(), describe(p, o).c_str());
  }
  RC_TAG(o.steps_done < 20 ? "< 20 steps" : o.steps_done < 60 ? "20-59 steps" : ">= 60 steps");
}

void soundness_exhaustive_case() {
  Program p = *gen::resize(12, gen_program(all_profile_names()));
  unsigned k = *gen::inRange(0u, 2u);
  kmapsim::ExhaustiveSource ex(k, 400);
  uint64_t runs = 0;
  while (!ex.complete() && runs < 400) {
    Outcome o = run_program(p, ex);
    runs++;
    if (!o.error.empty() || o.result.reported || o.result.livelock)
      RC_FAIL("a legal program was reported in run " + std::to_string(runs) + " of the K=" + std::to_string(k) + " enumeration:\n" +
              describe(p, o));
  }
  RC_TAG(ex.complete() ? "enumeration complete" : "enumeration cut at 400 runs", runs < 10 ? "< 10 runs" : runs < 100 ? "10-99 runs" : ">= 100 runs");
}

void completeness_case(BugClass cls) {
  Program p = *gen_injected_program(cls);
  Outcome o = run_program(p);
  const std::string want = kmapsim::bug_class_name(cls);
  auto failure = [&](const std::string &why) { RC_FAIL(why + "\n" + describe(p, o)); };
  if (o.missed) failure("missed detection: the injected " + want + " violation was not reported");
  if (!o.injected) failure("the run ended before the injected " + want + " violation");
  if (!o.error.empty()) failure("the interpreter found a problem");
  if (!o.result.reported) failure("expected " + want + ", the run was clean");
  if (o.result.report.cls != cls) failure("expected " + want + ", got " + kmapsim::bug_class_name(o.result.report.cls));
  const std::string &line = o.result.report.first_line;
  if (line.rfind("BUG: kmapsim: " + want + ": ", 0) != 0) failure("the first line does not follow the report contract");
  for (const std::string &w : o.expect_words)
    if (line.find(w) == std::string::npos) failure("the first line does not name '" + w + "'");
  RC_TAG("way #" + std::to_string(p.inject_variant));
}

void determinism_case() {
  bool injected = *gen::arbitrary<bool>();
  Program p;
  if (injected) {
    BugClass cls = static_cast<BugClass>(*gen::inRange(1, 14));
    p = *gen_injected_program(cls);
  } else {
    p = *gen_program(all_profile_names());
  }
  Outcome first = run_program(p);
  Trace t = machine(p.profile).trace();
  std::string bytes = t.encode();
  Trace back;
  RC_ASSERT(Trace::decode(bytes, &back));
  RC_ASSERT(back.encode() == bytes);
  kmapsim::ReplaySource rs(back);
  Outcome replay = run_program(p, rs, false);
  auto same = [&](const Outcome &a, const Outcome &b, const std::string &what) {
    std::ostringstream why;
    if (a.result.trace_hash != b.result.trace_hash) why << "trace hash " << std::hex << a.result.trace_hash << " vs " << b.result.trace_hash << std::dec << "; ";
    if (a.result.reported != b.result.reported || a.result.report.text != b.result.report.text) why << "report differs; ";
    if (a.error != b.error) why << "interpreter findings differ; ";
    for (int i = 0; i <= kMaxWorkers; i++)
      if (a.obs[i] != b.obs[i] || a.nobs[i] != b.nobs[i]) why << "task " << i << " observed other bytes; ";
    if (!why.str().empty())
      RC_FAIL(what + " is not the same run: " + why.str() + "\nfirst run:\n" + describe(p, a) + "\nsecond run:\n" + verdict(b.result) + "\n" +
              b.result.report.text);
  };
  if (!rs.divergence().empty()) RC_FAIL("the replay diverged: " + rs.divergence() + "\n" + describe(p, first));
  if (!rs.consumed_all()) RC_FAIL("the replay ended before using the whole trace\n" + describe(p, first));
  same(first, replay, "the replay of the recorded trace");
  Outcome again = run_program(p);
  same(first, again, "a second run from the same seed");
  RC_TAG(injected ? "injected" : "legal", first.result.reported ? "reported" : "clean");
}

void differential_case() {
  static const char *const kProfiles[] = {"x86-32", "x86-32-forcemap", "x86-64"};
  Program p = *gen_program({"x86-32"});
  p.source = 3;  // per-site streams: the same seed means the same picks on every profile
  p.fixed_data = true;
  Outcome o[3];
  for (int i = 0; i < 3; i++) {
    Program q = p;
    q.profile = kProfiles[i];
    o[i] = run_program(q);
    if (!o[i].error.empty() || o[i].result.reported || o[i].result.livelock)
      RC_FAIL(std::string("a legal program was reported on ") + kProfiles[i] + ":\n" + describe(q, o[i]));
  }
  for (int i = 1; i < 3; i++)
    for (int t = 0; t <= p.nworkers; t++)
      if (o[i].obs[t] != o[0].obs[t] || o[i].nobs[t] != o[0].nobs[t])
        RC_FAIL("task " + std::to_string(t) + " observed different bytes on " + kProfiles[i] + " (" + std::to_string(o[i].nobs[t]) +
                " bytes) than on x86-32 (" + std::to_string(o[0].nobs[t]) + " bytes)");
}

}  // namespace kprop
