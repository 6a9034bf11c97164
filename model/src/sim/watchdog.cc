// The watchdog: every run ends. Scheduling points are bounded by
// the step bound (sched.cc) and spins by fairness (sched_fair.cc); what is
// left is a context that runs with no scheduling point at all — a plain
// `while (x) ;`, or a loop around libc calls only. A per-thread timer ticks
// every half watchdog period; when two ticks in a row see the same run at
// the same step while the fiber runs subject code (not inside the model),
// the interrupted context is rewritten to continue in
// kmapsim_watchdog_landing(pc), which reports a soft-lockup and ends the run
// the way a fault report does (fault.cc).
//
// Replay reaches the same report: the run takes the same decisions up to the
// same step, then spins again until the watchdog fires. The report names the
// step, the last API called and the function that spins — never a measured
// time — so its text is the same byte for byte. Where the timer stops the
// loop is a matter of timing, though, so where subject code counts its
// accesses (access_budget.h) the loop is left to the access budget, which
// reports at the same access every time; the timer fires only for a loop
// that makes no counted access.
#include <dlfcn.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "access_budget.h"
#include "machine.h"

// Sanitizer runtimes symbolize with debug information; elsewhere dladdr().
extern "C" int __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out, size_t out_size) __attribute__((weak));

extern "C" [[noreturn]] void kmapsim_watchdog_landing(void *pc) {
  kmapsim::Machine *m = kmapsim::Machine::running();
  if (m) {
    kmapsim::capture_trace(m->reporter().fault_trace(), __builtin_frame_address(0));
    m->watchdog_report(pc, false);
  }
  fprintf(stderr, "kmapsim: the watchdog fired outside a run\n");
  _exit(3);
}

// Defined by asan_window_callbacks.cc, linked where subject code calls the
// access callbacks (which count accesses).
extern "C" const int kmapsim_asan_window_callbacks __attribute__((weak));

// Subject code (kmapsim/subject.h's text section); absent: no subject.
extern "C" char __start_kmapsim_text[] __attribute__((weak));
extern "C" char __stop_kmapsim_text[] __attribute__((weak));

namespace kmapsim {

uint64_t g_subject_accesses = 0;
uint64_t g_access_deadline = UINT64_MAX;

void access_budget_spent() {
  Machine *m = Machine::running();
  if (!m || !m->in_run() || !m->policy().decides_schedule || m->cur_task() < 0 || m->watchdog_fired()) {
    rearm_access_budget();
    return;
  }
  // Subject code the model calls runs at depth 0 (FiberExecutor::run_subject);
  // deeper, a report would abandon the model's frames: look again a little
  // later, at an access that is as fixed as this one.
  if (m->api_depth() > 0) {
    g_access_deadline = g_subject_accesses + (uint64_t(1) << 20);
    return;
  }
  m->set_watchdog_fired();
  // From here: this function, the access callback, the subject's code (the
  // callback's frame is left out when symbolized: it is kmapsim's).
  capture_trace(m->reporter().fault_trace(), __builtin_frame_address(0));
  m->watchdog_report(__builtin_return_address(0), true);
}

namespace {
constexpr int kSignal = SIGVTALRM;  // libFuzzer's -timeout has SIGALRM

// Whether the interrupted pc is the subject's own code. A loop spends part
// of its time in the callbacks its instrumentation calls (kmapsim's access
// checks, libFuzzer's comparison tracing), which may not have set up a
// frame: stopped there, the frame chain skips the looping function and the
// report would name another site than a replay does.
bool in_subject_text(uintptr_t pc) {
  if (!__start_kmapsim_text || +__stop_kmapsim_text <= +__start_kmapsim_text) return true;
  return pc >= reinterpret_cast<uintptr_t>(__start_kmapsim_text) && pc < reinterpret_cast<uintptr_t>(__stop_kmapsim_text);
}
thread_local bool t_armed = false;
thread_local timer_t t_timer;
thread_local double t_period = 0;
thread_local uint64_t t_steps = 0, t_serial = 0;
thread_local int t_stalled = 0;
thread_local int t_retries = 0;  // ticks that found the loop outside subject code
thread_local uint64_t t_accesses = 0;  // g_subject_accesses at the last tick

// The tick period as a timer interval (async-signal-safe: arithmetic only).
timespec period_spec(double period) {
  timespec ts = {};
  ts.tv_sec = static_cast<time_t>(period);
  ts.tv_nsec = static_cast<long>((period - std::floor(period)) * 1e9);
  return ts;
}

void on_tick(int, siginfo_t *, void *uctx) {
  Machine *m = Machine::running();
  if (!m || !m->in_run() || !m->policy().decides_schedule || m->cur_task() < 0) {
    t_stalled = t_retries = 0;
    return;
  }
  if (m->sched().steps() != t_steps || m->run_serial() != t_serial) {
    t_steps = m->sched().steps();
    t_serial = m->run_serial();
    t_stalled = t_retries = 0;
    return;
  }
  // Counted accesses since the last tick: the access budget will end this
  // step at a fixed access (access_budget.h), as the timer cannot.
  bool counting = &kmapsim_asan_window_callbacks != nullptr && g_subject_accesses != t_accesses;
  t_accesses = g_subject_accesses;
  if (counting && !m->watchdog_fired()) {
    t_stalled = t_retries = 0;
    return;
  }
  ++t_stalled;
  if (m->watchdog_fired()) {
    // The landing did not end the run (it may wait for a lock the
    // interrupted code held): end the process, the run still ends.
    if (t_stalled < 8) return;
    static const char msg[] = "BUG: kmapsim: soft-lockup: a context ran past the watchdog and its report could not be made\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(1);
  }
  if (t_stalled < 2 || m->api_depth() > 0) return;  // inside the model: it returns soon
#if defined(__x86_64__)
  greg_t *regs = static_cast<ucontext_t *>(uctx)->uc_mcontext.gregs;
  // Look again in a millisecond (timer_settime is async-signal-safe; the
  // period resumes after that tick), for at most about two seconds: a loop
  // whose code is not in the subject's section (a file built without
  // kmapsim/subject.h) is reported where it stands rather than never.
  if (!in_subject_text(static_cast<uintptr_t>(regs[REG_RIP])) && ++t_retries < 2000) {
    struct itimerspec its = {};
    its.it_value.tv_nsec = 1000000;
    its.it_interval = period_spec(t_period);
    timer_settime(t_timer, 0, &its, nullptr);
    return;
  }
  t_retries = 0;
  m->set_watchdog_fired();
  uintptr_t sp = ((static_cast<uintptr_t>(regs[REG_RSP]) - 256) & ~uintptr_t(15)) - 8;
  // As if the spinning instruction had called the landing (its address + 1:
  // return addresses are looked up at pc - 1): the report's call trace.
  *reinterpret_cast<uintptr_t *>(sp) = static_cast<uintptr_t>(regs[REG_RIP]) + 1;
  regs[REG_RSP] = static_cast<greg_t>(sp);
  regs[REG_RDI] = regs[REG_RIP];
  regs[REG_RIP] = reinterpret_cast<greg_t>(&kmapsim_watchdog_landing);
#else
  (void)uctx;
#endif
}
}  // namespace

void Machine::arm_watchdog() {
  double period = watchdog_seconds_ / 2;
  if (t_armed && period == t_period) return;
  if (!t_armed) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_tick;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(kSignal, &sa, nullptr);
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = kSignal;
    ev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));  // this thread runs the machine
    if (timer_create(CLOCK_MONOTONIC, &ev, &t_timer) != 0) return;  // no watchdog: the step bound still holds
    t_armed = true;
  }
  t_period = period;
  struct itimerspec its = {};
  if (period > 0) {
    its.it_interval = period_spec(period);
    its.it_value = its.it_interval;
  }
  timer_settime(t_timer, 0, &its, nullptr);
}

void Machine::watchdog_report(const void *pc, bool counted) {
  static char where[256];
  where[0] = 0;
  // The subject function on the stack, not the pc's: the timer can stop
  // the loop inside kmapsim's access callback for one of its loads, and
  // which instruction it stops at differs from run to run (a replay must
  // print the same bytes). In a block: report() never returns, and the
  // vector must be freed before it.
  {
    std::vector<Frame> frames = symbolize_trace(reporter().fault_trace());
    if (!frames.empty() && !frames.front().function.empty()) snprintf(where, sizeof where, "%s()", frames.front().function.c_str());
  }
  if (!where[0] && __sanitizer_symbolize_pc) __sanitizer_symbolize_pc(const_cast<void *>(pc), "%f", where, sizeof where);
  if (!where[0] || !strcmp(where, "??")) {
    Dl_info info;
    if (dladdr(pc, &info) && info.dli_sname)
      snprintf(where, sizeof where, "%s", info.dli_sname);
    else
      snprintf(where, sizeof where, "subject code");
  }
  // The period is not in the text: a crash file found under libFuzzer's
  // shorter -timeout replays to the same report with the default period.
  static_assert(kStepAccessBudget == uint64_t(1) << 28, "the report names the budget");
  report(BugClass::SoftLockup, -1, -1,
         "%s ran past the watchdog (%s) with no scheduling point, in %s (a loop that never calls the kernel API?); "
         "the last scheduling point was %s() at step %llu",
         irq_instance_ ? "an interrupt handler" : cur().name.c_str(), counted ? "2^28 memory accesses" : "seconds of host time", where,
         sched_.last_api(), static_cast<unsigned long long>(sched_.steps()));
}

}  // namespace kmapsim
