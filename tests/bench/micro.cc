// kmapsim's micro-benchmarks (a benchmark, not a test: it prints numbers and
// never fails on speed). Everything is measured in one process, interleaved
// round by round, and reported as the median of the rounds, so the ratios
// between figures hold even on a shared, noisy machine:
//
//   floor            two mprotect() calls on a one-page shared mapping (the
//                    least any design pays that makes a released window
//                    inaccessible at once)
//   memcpy           a plain 4 KiB memcpy
//   local-high/-low  kmap_local_page + kunmap_local of a highmem / lowmem page
//   kmap             kmap + kunmap of a highmem page (the PKMAP pool)
//   sched-point      one cond_resched() that keeps running (every API call)
//   ctxsw-2maps      a context switch between two tasks that each hold two
//                    local mappings (sched_out/in flips four windows)
//   ctxsw-0maps      the same switch without mappings
//   fiber-switch     one raw Fiber::switch_to
//   schedules/s      complete runs per second of bench20 (subject20.c) with
//                    each decision source
//   exec-syscalls    share of a bench20 run spent in mmap/mprotect
//
// Output: a human-readable table on stderr and one line per figure on
// stdout, "BENCH <key> <value> <unit>", which tests/bench/bench.py reads.
// Usage: kmapsim_bench_micro [--quick] [--profile P] [--only KEY] [--iters N]
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "decision_sources.h"
#include "fiber.h"
#include "machine.h"
#include "profile.h"
#include "subject_registry.h"

extern "C" {
extern unsigned long bench_iters;
extern int bench_touch;
extern int bench_live;
void bench_local_high(void);
void bench_local_low(void);
void bench_kmap_high(void);
void bench_sched_point(void);
void bench_ctxsw(void);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define KMAPSIM_BENCH_SANITIZED 1
#endif
#endif
// The fuzz preset's build (kmapsim_bench_micro_fuzz): the model and this
// file uninstrumented, the bodies instrumented as subjects are, next to
// ASan's runtime (whose mmap/mprotect interceptors stay).
#ifdef KMAPSIM_BENCH_FUZZBUILD
#define KMAPSIM_BENCH_SANITIZED 1
#endif

// ---- counting the mapping system calls the model makes. The benchmark
// binary defines mmap and mprotect itself, so the model's calls (linked
// statically into it) come here; sanitizer builds keep their interceptors.
#ifndef KMAPSIM_BENCH_SANITIZED
namespace {
bool g_count_syscalls = false;
uint64_t g_syscalls = 0;
uint64_t g_syscall_ns = 0;

inline uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}
}  // namespace

extern "C" int mprotect(void *addr, size_t len, int prot) {
  if (!g_count_syscalls) return static_cast<int>(syscall(SYS_mprotect, addr, len, prot));
  uint64_t t0 = now_ns();
  long r = syscall(SYS_mprotect, addr, len, prot);
  g_syscall_ns += now_ns() - t0;
  g_syscalls++;
  if (r < 0) {
    errno = static_cast<int>(-r);
    return -1;
  }
  return static_cast<int>(r);
}

extern "C" void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  uint64_t t0 = g_count_syscalls ? now_ns() : 0;
  long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
  if (g_count_syscalls) {
    g_syscall_ns += now_ns() - t0;
    g_syscalls++;
  }
  if (r < 0 && r > -4096) {
    errno = static_cast<int>(-r);
    return MAP_FAILED;
  }
  return reinterpret_cast<void *>(r);
}
#endif

namespace kmapsim {
namespace {

// The benchmarks' decision source: no interrupts, migrations or failures,
// highmem for every __GFP_HIGHMEM allocation, the lowest pick, and at a
// choice of tasks either keep running or (alternate) run someone else.
class BenchSource : public DecisionSource {
 public:
  explicit BenchSource(bool alternate) : alternate_(alternate) {}
  uint64_t pick(Site, uint64_t lo, uint64_t) override { return lo; }
  bool should(Site s) override { return s == Site::Highmem; }
  size_t next_task(const Candidate *c, size_t n, int running) override {
    if (!alternate_) return 0;
    for (size_t i = 0; i < n; i++)
      if (c[i].task != running) return i;
    return 0;
  }
  std::string describe() const override { return "bench"; }

 private:
  bool alternate_;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One figure: a function that performs `iters` operations and returns the
// elapsed seconds; the driver calibrates iters once and keeps the per-round
// values (ns per operation).
struct Figure {
  std::string key;
  std::string label;
  std::function<double(uint64_t iters)> run;
  uint64_t iters = 0;
  std::vector<double> ns;
  double median() const {
    std::vector<double> v = ns;
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
  }
};

void calibrate(Figure &f, double target_s) {
  uint64_t n = 16;
  for (;;) {
    double s = f.run(n);
    if (s >= target_s / 4 || n >= (1ull << 34)) {
      double per = s / static_cast<double>(n);
      f.iters = std::max<uint64_t>(16, static_cast<uint64_t>(target_s / std::max(per, 1e-12)));
      return;
    }
    n *= 4;
  }
}

RunResult run_body(Machine &m, void (*body)(), bool alternate) {
  BenchSource src(alternate);
  RunResult r = m.run(body, src);
  if (r.reported) {
    fprintf(stderr, "kmapsim-bench: internal error: a benchmark body reported:\n%s", r.report.text.c_str());
    exit(3);
  }
  return r;
}

// ---- the figures

int g_memfd = -1;
char *g_page = nullptr;

double floor_pair(uint64_t n, bool touch) {
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < n; i++) {
    if (mprotect(g_page, kPage, PROT_READ | PROT_WRITE) != 0) abort();
    if (touch) *reinterpret_cast<volatile char *>(g_page) = 1;
    if (mprotect(g_page, kPage, PROT_NONE) != 0) abort();
  }
  return seconds_since(t0);
}

double memcpy_4k(uint64_t n) {
  static char a[4096] __attribute__((aligned(64))), b[4096] __attribute__((aligned(64)));
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < n; i++) {
    memcpy(a, b, sizeof a);
    asm volatile("" : : "r"(a), "r"(b) : "memory");
  }
  return seconds_since(t0);
}

double body_loop(Machine &m, void (*body)(), uint64_t n, bool touch) {
  bench_iters = n;
  bench_touch = touch;
  auto t0 = std::chrono::steady_clock::now();
  run_body(m, body, false);
  return seconds_since(t0);
}

// Per switch: each of the two tasks switches away once per iteration.
double ctxsw(Machine &m, uint64_t n, int live) {
  bench_iters = n;
  bench_touch = 1;
  bench_live = live;
  auto t0 = std::chrono::steady_clock::now();
  run_body(m, bench_ctxsw, true);
  double s = seconds_since(t0);
  return s / 2;  // 2n switches: report per switch through iters = n
}

Fiber g_host, g_fiber;
void fiber_entry(void *) {
  for (;;) Fiber::switch_to(&g_fiber, &g_host);
}

double fiber_switch(uint64_t n) {
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < n; i++) Fiber::switch_to(&g_host, &g_fiber);
  return seconds_since(t0) / 2;  // two switches per iteration
}

// ---- complete schedules per second of bench20, per decision source.
struct Throughput {
  double runs_per_s = 0;
  double steps_per_run = 0;
  double decisions_per_run = 0;
};

Throughput schedules(Machine &m, void (*body)(), const std::string &kind, double seconds) {
  std::unique_ptr<DecisionSource> src;
  Rng rng(7);
  std::vector<uint8_t> bytes(64);
  auto fresh = [&]() {
    if (kind == "random") src = std::make_unique<RandomSource>(1);
    else if (kind == "pct") src = std::make_unique<PctSource>(1, 3, 20, 2);
    else if (kind == "exhaustive") src = std::make_unique<ExhaustiveSource>(2);
  };
  fresh();
  uint64_t runs = 0, steps = 0, decisions = 0;
  auto t0 = std::chrono::steady_clock::now();
  double el = 0;
  while ((runs & 63) != 0 || (el = seconds_since(t0)) < seconds) {
    RunResult r;
    if (kind == "bytes") {
      for (uint8_t &b : bytes) b = static_cast<uint8_t>(rng.next());
      BytesSource bs(bytes.data(), bytes.size());
      r = m.run(body, bs);
    } else {
      r = m.run(body, *src);
      if (kind == "exhaustive" && static_cast<ExhaustiveSource &>(*src).complete()) fresh();
    }
    runs++;
    steps += r.steps;
    decisions += r.decisions;
  }
  Throughput t;
  t.runs_per_s = static_cast<double>(runs) / el;
  t.steps_per_run = static_cast<double>(steps) / static_cast<double>(runs);
  t.decisions_per_run = static_cast<double>(decisions) / static_cast<double>(runs);
  return t;
}

int main_impl(int argc, char **argv) {
  bool quick = false;
  std::string profile = "x86-32";
  std::string only;  // --only KEY: one per-operation figure (for profilers)
  uint64_t fixed_iters = 0;  // --iters N: no calibration, one round
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--quick") quick = true;
    else if (a == "--profile" && i + 1 < argc) profile = argv[++i];
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else if (a == "--iters" && i + 1 < argc) fixed_iters = strtoull(argv[++i], nullptr, 10);
    else {
      fprintf(stderr, "usage: %s [--quick] [--profile P] [--only KEY] [--iters N]\n", argv[0]);
      return 2;
    }
  }
#if defined(KMAPSIM_BENCH_FUZZBUILD)
  fprintf(stderr, "kmapsim-bench: the check/fuzz build: instrumented bodies, uninstrumented model, ASan runtime\n");
#elif defined(KMAPSIM_BENCH_SANITIZED)
  fprintf(stderr, "kmapsim-bench: warning: a sanitizer build; the numbers mean little (use the release preset)\n");
#endif
  const Profile *prof = find_profile(profile);
  if (!prof) {
    fprintf(stderr, "kmapsim-bench: unknown profile %s\n", profile.c_str());
    return 2;
  }
  const SubjectEntry *b20 = find_subject("bench20");
  if (!b20) {
    fprintf(stderr, "kmapsim-bench: bench20 is not linked in\n");
    return 3;
  }
  Machine m(*prof);
  m.set_step_bound(UINT64_MAX / 2);

  g_memfd = memfd_create("kmapsim-bench-floor", MFD_CLOEXEC);
  if (g_memfd < 0 || ftruncate(g_memfd, kPage) != 0) abort();
  g_page = static_cast<char *>(mmap(nullptr, kPage, PROT_NONE, MAP_SHARED, g_memfd, 0));
  if (g_page == MAP_FAILED) abort();
  g_host.adopt_current();
  g_fiber.init(fiber_entry, nullptr);

  double target = quick ? 0.05 : 0.2;  // seconds per figure per round
  int rounds = quick ? 5 : 9;
  std::vector<Figure> figs = {
      {"floor", "two mprotect() on a one-page mapping (floor)", [](uint64_t n) { return floor_pair(n, false); }},
      {"floor_touched", "the same, with one write in between", [](uint64_t n) { return floor_pair(n, true); }},
      {"memcpy_4k", "memcpy of 4 KiB", memcpy_4k},
      {"local_high", "kmap_local_page+kunmap_local, highmem", [&](uint64_t n) { return body_loop(m, bench_local_high, n, false); }},
      {"local_high_touched", "the same, with one write through the map", [&](uint64_t n) { return body_loop(m, bench_local_high, n, true); }},
      {"local_low", "kmap_local_page+kunmap_local, lowmem", [&](uint64_t n) { return body_loop(m, bench_local_low, n, false); }},
      {"kmap_high", "kmap+kunmap, highmem (PKMAP)", [&](uint64_t n) { return body_loop(m, bench_kmap_high, n, false); }},
      {"sched_point", "one scheduling point (cond_resched, no switch)", [&](uint64_t n) { return body_loop(m, bench_sched_point, n, false); }},
      {"ctxsw_2maps", "context switch, two live local maps per task", [&](uint64_t n) { return ctxsw(m, n, 2); }},
      {"ctxsw_0maps", "context switch, no live maps", [&](uint64_t n) { return ctxsw(m, n, 0); }},
      {"fiber_switch", "raw fiber switch (Fiber::switch_to)", fiber_switch},
  };
  if (!only.empty()) {
    std::erase_if(figs, [&](const Figure &f) { return f.key != only && f.key != "floor"; });
    if (figs.size() < 2 && only != "floor") {
      fprintf(stderr, "kmapsim-bench: --only: no figure '%s'\n", only.c_str());
      return 2;
    }
  }
  for (Figure &f : figs) {
    if (fixed_iters) f.iters = fixed_iters;
    else calibrate(f, target);
  }
  if (fixed_iters) rounds = 1;
  for (int r = 0; r < rounds; r++)
    for (Figure &f : figs) f.ns.push_back(f.run(f.iters) * 1e9 / static_cast<double>(f.iters));

  double floor_ns = figs[0].median();
  fprintf(stderr, "kmapsim-bench: per operation on profile %s (median of %d rounds)\n", prof->name.c_str(), rounds);
  for (const Figure &f : figs) {
    fprintf(stderr, "  %-52s %10.1f ns  %6.2fx floor\n", f.label.c_str(), f.median(), f.median() / floor_ns);
    printf("BENCH %s %.2f ns\n", f.key.c_str(), f.median());
  }

  if (!only.empty()) return 0;
  // Schedules per second of the 20-step two-task subject, per source.
  double secs = quick ? 0.5 : 2.0;
  for (const char *kind : {"random", "pct", "exhaustive", "bytes"}) {
    Throughput t = schedules(m, b20->fn, kind, secs);
    fprintf(stderr, "  bench20 with %-10s %10.0f complete runs/s  (%.1f steps, %.1f decisions per run)\n", kind, t.runs_per_s, t.steps_per_run,
            t.decisions_per_run);
    printf("BENCH schedules_%s %.1f runs/s\n", kind, t.runs_per_s);
    printf("BENCH steps_%s %.2f steps\n", kind, t.steps_per_run);
  }

  // The share of a run spent in the mapping system calls (bench20, random
  // fuzzer-like bytes).
#ifndef KMAPSIM_BENCH_SANITIZED
  g_syscalls = g_syscall_ns = 0;
  g_count_syscalls = true;
  uint64_t runs = 0;
  auto t0 = std::chrono::steady_clock::now();
  {
    Rng rng(11);
    std::vector<uint8_t> bytes(64);
    while (seconds_since(t0) < secs) {
      for (uint8_t &b : bytes) b = static_cast<uint8_t>(rng.next());
      BytesSource bs(bytes.data(), bytes.size());
      m.run(b20->fn, bs);
      runs++;
    }
  }
  double el = seconds_since(t0);
  g_count_syscalls = false;
  double per_run_us = el * 1e6 / static_cast<double>(runs);
  double sys_per_run = static_cast<double>(g_syscalls) / static_cast<double>(runs);
  double share = static_cast<double>(g_syscall_ns) / (el * 1e9);
  fprintf(stderr, "  bench20 run (release, bytes): %.2f us, %.1f mmap/mprotect calls per run, %.0f%% of the run in them\n", per_run_us, sys_per_run,
          share * 100);
  printf("BENCH exec_release_us %.3f us\n", per_run_us);
  printf("BENCH exec_syscalls %.2f calls\n", sys_per_run);
  printf("BENCH exec_syscall_share %.4f ratio\n", share);
#endif
  return 0;
}

}  // namespace
}  // namespace kmapsim

int main(int argc, char **argv) { return kmapsim::main_impl(argc, argv); }
