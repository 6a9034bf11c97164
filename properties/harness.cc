#include "harness.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

namespace kprop {

// ---- rapidcheck glue

int long_factor() {
  const char *v = getenv("KMAPSIM_PROPERTIES_LONG");
  if (!v || !*v || strcmp(v, "0") == 0) return 1;
  int n = atoi(v);
  return n > 1 ? n : 20;
}

bool long_mode() { return long_factor() > 1; }

void check_property(const rc::detail::Property &property) {
  using namespace rc::detail;
  const ::testing::TestInfo *info = ::testing::UnitTest::GetInstance()->current_test_info();
  TestMetadata md;
  md.id = std::string(info->test_suite_name()) + "/" + info->name();
  md.description = info->name();
  TestParams params = configuration().testParams;
  params.maxSuccess *= long_factor();
  TestResult result = checkProperty(property, md, params);
  std::ostringstream ss;
  printResultMessage(result, ss);
  if (result.template is<SuccessResult>()) {
    std::cout << "- " << md.id << ": " << ss.str() << std::endl;
  } else {
    FAIL() << ss.str() << std::endl;
  }
}

// ---- machines and runs

const std::vector<std::string> &all_profile_names() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> n;
    for (const kmapsim::Profile &p : kmapsim::all_profiles()) n.push_back(p.name);
    return n;
  }();
  return v;
}

const std::vector<std::string> &highmem_profile_names() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> n;
    for (const kmapsim::Profile &p : kmapsim::all_profiles())
      if (p.highmem) n.push_back(p.name);
    return n;
  }();
  return v;
}

namespace {
bool g_broken = false;
bool env_broken() {
  const char *v = getenv("KMAPSIM_BROKEN_SCHED_IN");
  return v && *v && strcmp(v, "0") != 0;
}
struct Last {
  std::string profile;
  std::string trace;  // encoded
  size_t decisions = 0;
};
Last g_last;
}  // namespace

void set_broken_model(bool on) { g_broken = on; }
bool broken_model() { return g_broken || env_broken(); }

Machine &machine(const std::string &profile) {
  static std::map<std::string, std::unique_ptr<Machine>> machines;
  std::unique_ptr<Machine> &m = machines[profile];
  if (!m) {
    const kmapsim::Profile *p = kmapsim::find_profile(profile);
    if (!p) {
      fprintf(stderr, "properties: unknown profile %s\n", profile.c_str());
      abort();
    }
    m = std::make_unique<Machine>(*p);
    const char *ev = getenv("KMAPSIM_EVENTS");
    m->set_log_events(ev && *ev && strcmp(ev, "0") != 0);
  }
  m->set_broken_sched_in(broken_model());
  return *m;
}

RunResult run(const std::string &profile, void (*body)(), DecisionSource &src) {
  Machine &m = machine(profile);
  RunResult r = m.run(body, src);
  g_last.profile = profile;
  g_last.trace = m.trace().encode();
  g_last.decisions = m.trace().size();
  return r;
}

std::string hex(const std::string &bytes) {
  static const char d[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

bool unhex(const std::string &text, std::string *bytes) {
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.size() % 2) return false;
  bytes->clear();
  for (size_t i = 0; i < text.size(); i += 2) {
    int a = val(text[i]), b = val(text[i + 1]);
    if (a < 0 || b < 0) return false;
    bytes->push_back(static_cast<char>(a * 16 + b));
  }
  return true;
}

std::string replay_hint(const std::string &profile) {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = 0;
  const ::testing::TestInfo *info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string filter = info ? std::string(info->test_suite_name()) + "." + info->name() : "*";
  std::string out = "kmapsim replay: KMAPSIM_EVENTS=1 RC_PARAMS=\"reproduce=<the string rapidcheck prints at the end>\" " + std::string(exe) +
                    " --gtest_filter=" + filter + "\n";
  if (g_last.profile == profile)
    out += "  (the run on " + profile + ": " + std::to_string(g_last.decisions) + " decisions, trace " + hex(g_last.trace) + ")\n";
  return out;
}

std::string verdict(const RunResult &r) {
  if (!r.reported) return r.livelock ? "livelock" : "clean";
  return r.report.first_line;
}

// ---- ForcingSource

Forcing g_force;

namespace {
int g_forced_irq_which = -1;
}

void ForcingSource::begin_run() {
  g_forced_irq_which = -1;
  base_.begin_run();
}

uint64_t ForcingSource::pick(Site site, uint64_t lo, uint64_t hi) {
  if (site == Site::IrqWhich && g_forced_irq_which >= 0) {
    uint64_t v = static_cast<uint64_t>(g_forced_irq_which);
    g_forced_irq_which = -1;
    if (v >= lo && v <= hi) return v;
  }
  return base_.pick(site, lo, hi);
}

bool ForcingSource::should(Site site) {
  switch (site) {
    case Site::Highmem:
      if (g_force.highmem) return true;
      if (g_force.lowmem) return false;
      break;
    case Site::UserFault:
      if (g_force.user_fault) return true;
      if (g_force.no_user_fault) return false;
      break;
    case Site::AllocFail:
      if (g_force.no_alloc_fail) return false;
      break;
    case Site::Irq:
      if (g_force.irq >= 0) {
        g_forced_irq_which = g_force.irq;
        g_force.irq = -1;
        return true;
      }
      if (g_force.no_irq) return false;
      break;
    case Site::Migrate:
      if (g_force.no_migrate) return false;
      break;
    default:
      break;
  }
  return base_.should(site);
}

size_t ForcingSource::next_task(const kmapsim::Candidate *c, size_t n, int running) {
  if (g_force.want_task >= 0) {
    int want = g_force.want_task;
    g_force.want_task = -1;
    for (size_t i = 0; i < n; i++)
      if (c[i].task == want) return i;
  }
  return base_.next_task(c, n, running);
}

std::unique_ptr<DecisionSource> make_source(int kind, uint64_t seed) {
  switch (kind) {
    case 1: return std::make_unique<kmapsim::PctSource>(seed, 2, 200, 3);
    case 2: return std::make_unique<kmapsim::PctSource>(seed, 3, 200, 3);
    case 3: return std::make_unique<kmapsim::SiteStreamSource>(seed);
    default: return std::make_unique<kmapsim::RandomSource>(seed);
  }
}

std::string source_name(int kind) {
  switch (kind) {
    case 1: return "PCT d=2";
    case 2: return "PCT d=3";
    case 3: return "per-site streams";
    default: return "random";
  }
}

}  // namespace kprop
