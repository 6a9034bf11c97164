// Generators of legal SMP code around kmap calls, for the soundness family:
// spin-waits (smp_load_acquire + cond_resched, READ_ONCE + cpu_relax,
// atomic_read, a bare re-read, with preemption on or off), flag hand-offs
// (smp_store_release, WRITE_ONCE after smp_wmb, atomic_set, atomic_inc) from
// a kthread, a work item or an interrupt handler, one or two waiters, and
// error paths written the kernel's way (a kmap() released on the
// copy_from_user() -EFAULT path, mutex_lock_interruptible, a timed wait
// nobody completes). Every one must be clean under random and PCT runs that
// fail fallible calls, the fault sweep and bounded-exhaustive enumeration.
#include <sstream>

#include "cases.h"
#include "smp_gen.h"

#include <kmapsim/subject.h>
#undef current

namespace kprop {

namespace {

SmpScenario g_sc;
bool g_ready;
int g_payload;
atomic_t g_atom;
struct page *g_page;
struct work_struct g_work;
int g_irq_dev;
DEFINE_MUTEX(g_mx);
DECLARE_COMPLETION(g_never);
int g_waiters_done;

bool published() {
  if (g_sc.publish >= 2) return atomic_read(&g_atom) != 0;
  switch (g_sc.wait) {
    case 0:
    case 4: return smp_load_acquire(&g_ready);
    default: return READ_ONCE(g_ready);
  }
}

void relax() {
  switch (g_sc.wait) {
    case 0: cond_resched(); break;
    case 1:
    case 2: cpu_relax(); break;
    case 3: break;  // a bare re-read: the read itself is the spin
    case 4: schedule(); break;
  }
}

void wait_for_publisher() {
  bool atomic_section = g_sc.atomic_waiter && g_sc.wait != 0 && g_sc.wait != 4;  // cond_resched/schedule may sleep
  if (atomic_section) preempt_disable();
  while (!published()) relax();
  if (atomic_section) preempt_enable();
  BUG_ON(g_payload != 42);
}

void publish() {
  for (int i = 0; i < g_sc.work_before; i++) {
    char *k = static_cast<char *>(kmap_local_page(g_page));
    k[i] = static_cast<char>(i + 1);
    kunmap_local(k);
  }
  g_payload = 42;
  switch (g_sc.publish) {
    case 0: smp_store_release(&g_ready, true); break;
    case 1:
      smp_wmb();
      WRITE_ONCE(g_ready, true);
      break;
    case 2: atomic_set(&g_atom, 1); break;
    default: atomic_inc(&g_atom); break;
  }
}

int publisher_thread(void *) {
  publish();
  return 0;
}
void publisher_work(struct work_struct *) { publish(); }
irqreturn_t publisher_irq(int, void *) {
  static bool fired;  // once is enough: the flag stays set
  if (!fired || !g_ready) {
    fired = true;
    if (!(g_sc.publish >= 2 ? atomic_read(&g_atom) : READ_ONCE(g_ready))) publish();
  }
  return IRQ_HANDLED;
}

int second_waiter(void *) {
  wait_for_publisher();
  g_waiters_done++;
  return 0;
}

// The error paths, each released the way the kernel does.
void error_path(struct page *page) {
  switch (g_sc.error) {
    case 1: {
      char __user *ubuf = static_cast<char __user *>(kmapsim_user_buffer(2 * PAGE_SIZE));
      char *k = static_cast<char *>(kmap(page));
      if (copy_from_user(k, ubuf + PAGE_SIZE - 16, 32)) {
        kunmap(page);
        return;
      }
      kunmap(page);
      break;
    }
    case 2:
      if (mutex_lock_interruptible(&g_mx) == 0) mutex_unlock(&g_mx);
      break;
    case 3:
      init_completion(&g_never);
      if (!wait_for_completion_timeout(&g_never, msecs_to_jiffies(10))) break;  // nobody completes it: it times out
      break;
    default: break;
  }
}

void smp_body() {
  g_ready = false;
  g_payload = 0;
  g_atom.counter = 0;
  g_waiters_done = 0;
  mutex_init(&g_mx);
  g_page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
  if (g_sc.waiters > 1) kthread_run(second_waiter, nullptr, "waiter2");
  switch (g_sc.publisher) {
    case 0: kthread_run(publisher_thread, nullptr, "publisher"); break;
    case 1:
      INIT_WORK(&g_work, publisher_work);
      schedule_work(&g_work);
      break;
    default: request_irq(7, publisher_irq, 0, "publisher", &g_irq_dev); break;
  }
  wait_for_publisher();
  if (g_sc.publisher == 1) flush_work(&g_work);
  if (g_sc.publisher == 2) free_irq(7, &g_irq_dev);
  error_path(g_page);
  __free_page(g_page);
}

}  // namespace

void showValue(const SmpScenario &s, std::ostream &os) {
  static const char *const kWait[] = {"smp_load_acquire + cond_resched", "READ_ONCE + cpu_relax", "atomic_read + cpu_relax",
                                      "bare READ_ONCE", "smp_load_acquire + schedule"};
  static const char *const kPub[] = {"smp_store_release", "smp_wmb + WRITE_ONCE", "atomic_set", "atomic_inc"};
  static const char *const kWho[] = {"kthread", "work item", "interrupt handler"};
  static const char *const kErr[] = {"none", "kmap + copy_from_user -EFAULT", "mutex_lock_interruptible", "wait_for_completion_timeout"};
  os << "profile " << s.profile << ": " << s.waiters << " waiter(s) spinning with " << kWait[s.wait] << (s.atomic_waiter ? " (preemption off)" : "")
     << "; " << kWho[s.publisher] << " publishes with " << kPub[s.publish] << " after " << s.work_before << " kmap_local_page()s"
     << "; error path: " << kErr[s.error];
}

rc::Gen<SmpScenario> gen_smp_scenario() {
  // Full size: every choice uniform over its range from the first case.
  return rc::gen::resize(100, rc::gen::exec([] {
    SmpScenario s;
    s.profile = *rc::gen::elementOf(all_profile_names());
    const kmapsim::Profile *p = kmapsim::find_profile(s.profile);
    s.wait = *rc::gen::inRange(0, 5);
    s.publish = *rc::gen::inRange(0, 4);
    s.publisher = *rc::gen::inRange(0, 3);
    // Preemption off while waiting only where another CPU can run the
    // publisher (one CPU: a real soft lockup), and not for an interrupt
    // handler (nothing to balance), and with one waiter (two
    // non-preemptible waiters could hold both CPUs).
    s.atomic_waiter = p && p->nr_cpus > 1 && s.publisher == 0 && *rc::gen::arbitrary<bool>();
    s.waiters = s.publisher == 2 || s.atomic_waiter ? 1 : *rc::gen::inRange(1, 3);
    s.work_before = *rc::gen::inRange(0, 4);
    s.error = *rc::gen::inRange(0, 4);
    return s;
  }));
}

void smp_soundness_case() {
  g_sc = *gen_smp_scenario();
  int kind = *rc::gen::resize(100, rc::gen::inRange(0, 4));
  uint64_t seed = *rc::gen::resize(100, rc::gen::arbitrary<uint32_t>());
  auto fail = [&](const RunResult &r, const std::string &how) {
    std::ostringstream os;
    showValue(g_sc, os);
    RC_FAIL("legal SMP code was reported (" + how + "): " + os.str() + "\n" + r.report.text + "  replay: " + replay_hint(g_sc.profile));
  };
  if (kind == 0 || kind == 1) {
    kmapsim::RandomSource rnd(seed);
    kmapsim::PctSource pct(seed, 2 + static_cast<unsigned>(seed % 2), 50, 3);
    rnd.set_fault_injection(true);
    pct.set_fault_injection(true);
    DecisionSource &src = kind == 0 ? static_cast<DecisionSource &>(rnd) : pct;
    for (int i = 0; i < 4; i++) {
      RunResult r = run(g_sc.profile, smp_body, src);
      if (r.reported || r.livelock) fail(r, src.describe());
    }
    RC_TAG(kind == 0 ? "random" : "pct");
  } else if (kind == 2) {
    uint64_t n = 1;
    for (; n < 64; n++) {
      kmapsim::FaultSweepSource fs(n);
      RunResult r = run(g_sc.profile, smp_body, fs);
      if (r.reported || r.livelock) fail(r, fs.describe());
      if (!fs.injected()) break;
    }
    RC_TAG("fault sweep");
  } else {
    unsigned k = static_cast<unsigned>(seed % 3);
    kmapsim::ExhaustiveSource ex(k, 300);
    for (int runs = 0; runs < 300 && !ex.complete(); runs++) {
      RunResult r = run(g_sc.profile, smp_body, ex);
      if (r.reported || r.livelock) fail(r, ex.describe());
    }
    RC_TAG("exhaustive K=" + std::to_string(k));
  }
}

}  // namespace kprop
