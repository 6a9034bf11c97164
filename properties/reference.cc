// Model vs reference. A command sequence is generated against a tiny
// reference model (Ref) and then run inside one simulated run: main and two
// kthreads all execute the same list, one command after the other, each by
// whichever context is current — a SwitchTo command makes another task
// current, IrqEnter runs the following commands inside an interrupt handler
// until IrqExit, TaskExit ends a kthread. Every decision the model asks is
// steered (Steer): zones as the Alloc command says, context switches and
// migrations where the commands put them, interrupts only where IrqEnter
// fires one.
//
// After every command the context now current compares the model with the
// reference:
//   - who runs (task, interrupt), each task's CPU and state, each CPU's task;
//   - each task's preempt count, pagefault-disabled count, migrate-disabled
//     count, interrupt state, and its kmap_ctrl stack: same mappings, in the
//     same order, at the same addresses as when they were made, of the same
//     pages (so local mappings keep their address across preemption, IRQs
//     and migrations);
//   - PKMAP: the slot and count of every page kmap() holds (count =
//     holders + 1), the address each maps at, pages nobody holds keep
//     their address until a flush, and nothing else is held;
//   - page contents read through every address this context may use (its
//     local mappings, every kmap() address, the direct map) equal the
//     reference's copy and the frame; a write through one shows through
//     every other mapping of the page (aliasing);
//   - the model's own invariants.
// A disagreement is an RC_ASSERT failure inside the run; it is carried out
// of the run and rethrown, with the run's replay line added.
#include "reference.h"

#include <cstring>
#include <exception>
#include <sstream>

#include "reference_model.h"

namespace kprop {
namespace ref {

Steer g_steer;
struct page *g_pages[kRefSlots];
uint8_t g_shadow[kRefPages][4096];
std::vector<char *> g_addr;
char *g_kaddr[kRefPages];
unsigned long g_flags[kTasks][8];
Ref g_ref;
bool g_exit_now, g_irq_exit;
DECLARE_COMPLETION(g_tick);

namespace {
std::vector<std::shared_ptr<const Cmd>> g_cmds;
size_t g_next;
size_t g_done;  // commands completed (for probe offsets)
std::exception_ptr g_exc;
bool g_draining;
}  // namespace

const std::vector<Access> &accessible(const Ref &s) {
  static std::vector<Access> v;
  v.clear();
  const std::vector<RLocal> &st = s.cur().stack;
  for (size_t i = st.size(); i-- > 0;)
    if (st[i].irq == s.in_irq) v.push_back({Access::Local, st[i].page, st[i].id});
  for (int p = 0; p < kRefPages; p++)
    if (s.page_valid(p) && s.holders_of(p) > 0) v.push_back({Access::Kmap, p, -1});
  for (int p = 0; p < kRefPages; p++)
    if (s.page_valid(p) && !s.high(p)) v.push_back({Access::Direct, p, -1});
  return v;
}

std::string page_name(int p) { return "p" + std::to_string(p / 4) + (p % 4 ? " + " + std::to_string(p % 4) : ""); }
struct page *page_of(int p) { return g_pages[p / 4] + p % 4; }
unsigned long pfn_of(int p) { return page_to_pfn(page_of(p)); }

// ---- checking the model against the reference

void check_bytes(const char *what, const char *addr, int p, size_t off, size_t n) {
  kmapsim::Machine *m = kmapsim::Machine::running();
  const char *frame = m->mem().phys(static_cast<kmapsim::Pfn>(pfn_of(p)));
  for (size_t i = off; i < off + n; i++) {
    uint8_t got = static_cast<uint8_t>(static_cast<const volatile char *>(addr)[i]);
    if (got != g_shadow[p][i] || static_cast<uint8_t>(frame[i]) != g_shadow[p][i]) {
      char b[256];
      snprintf(b, sizeof b, "%s of %s (pfn %lu) at %p + %zu reads 0x%02x, the frame holds 0x%02x, the reference 0x%02x", what,
               page_name(p).c_str(), pfn_of(p), static_cast<const void *>(addr), i, got, static_cast<uint8_t>(frame[i]), g_shadow[p][i]);
      RC_FAIL(b);
    }
  }
}

char *address_of(const Access &a) {
  switch (a.kind) {
    case Access::Local: return g_addr[a.id];
    case Access::Kmap: return g_kaddr[a.page];
    default: return static_cast<char *>(page_address(page_of(a.page)));
  }
}

void post_check() {
  const Ref &s = g_ref;
  kmapsim::Machine &m = *kmapsim::Machine::running();
  if (g_steer.error[0]) RC_FAIL(g_steer.error);
  std::string why = m.check_invariants();
  RC_ASSERT(why == "");
  // Who runs.
  RC_ASSERT(m.cur_task() == s.current);
  RC_ASSERT((m.cur_irq() != 0) == s.in_irq);
  for (int c = 0; c < 2; c++) RC_ASSERT(m.sched().cpu_curr(c) == s.cpu_curr[c]);
  for (int t = 0; t < kTasks; t++) {
    const RTask &rt = s.tasks[t];
    const kmapsim::Task &mt = m.task(t);
    RC_ASSERT((mt.state == kmapsim::TaskState::Dead) == !rt.alive);
    if (!rt.alive) continue;
    RC_ASSERT(mt.cpu == rt.cpu);
    RC_ASSERT(mt.preempt_count == s.preempt_count(t));
    RC_ASSERT(mt.pagefault_disabled == rt.atomics);
    int irqs_off = rt.irqs_off + (s.in_irq && t == s.current ? 1 : 0);  // the handler runs with interrupts off
    RC_ASSERT(mt.irqs_off == irqs_off);
    // kmap_ctrl: the real mappings, in order, where and what they were.
    std::vector<const RLocal *> real;
    for (const RLocal &l : rt.stack)
      if (l.real) real.push_back(&l);
    RC_ASSERT(mt.kmap_ctrl.size() == real.size());
    RC_ASSERT(mt.migrate_disabled == static_cast<int>(real.size()));
    for (size_t i = 0; i < real.size(); i++) {
      const kmapsim::LocalMap &lm = mt.kmap_ctrl[i];
      RC_ASSERT(U(m.arena().addr(lm.window)) == U(g_addr[real[i]->id]));
      RC_ASSERT(lm.pfn == pfn_of(real[i]->page));
      RC_ASSERT(lm.atomic == how_atomic(real[i]->how));
      RC_ASSERT((lm.owner_irq != 0) == real[i]->irq);
    }
  }
  // PKMAP: every held page at its address with count holders + 1; pages
  // nobody holds keep their slot (count 1) until a flush can have happened.
  if (s.highmem) {
    int held_slots = 0;
    for (unsigned sl = 0; sl < m.pkmap().slots(); sl++) held_slots += m.pkmap().count(static_cast<unsigned>(sl)) >= 2;
    RC_ASSERT(held_slots == s.held_high_pages());
    bool exact = s.new_pkmaps < s.last_pkmap;
    for (int p = 0; p < kRefPages; p++) {
      if (!s.page_valid(p) || !s.high(p)) continue;
      int32_t slot = m.pkmap().slot_of(static_cast<kmapsim::Pfn>(pfn_of(p)));
      switch (s.pk[p]) {
        case Pk::Held:
          RC_ASSERT(slot >= 0);
          RC_ASSERT(m.pkmap().count(static_cast<unsigned>(slot)) == s.holders_of(p) + 1);
          RC_ASSERT(U(m.arena().addr(m.arena().pkmap_window(static_cast<unsigned>(slot)))) == U(g_kaddr[p]));
          break;
        case Pk::Stale:
          if (exact || slot >= 0) {
            RC_ASSERT(slot >= 0);
            RC_ASSERT(m.pkmap().count(static_cast<unsigned>(slot)) == 1);
            RC_ASSERT(U(m.arena().addr(m.arena().pkmap_window(static_cast<unsigned>(slot)))) == U(g_kaddr[p]));
          }
          break;
        case Pk::None: RC_ASSERT(slot < 0); break;
      }
    }
  }
  // Contents through every address this context may use.
  size_t probe = (g_done * 97) % 4096;
  for (const Access &a : accessible(s)) {
    const char *addr = address_of(a);
    check_bytes("probe", addr, a.page, 0, 1);
    check_bytes("probe", addr, a.page, 4095, 1);
    check_bytes("probe", addr, a.page, probe, 1);
  }
}

// After a write to page p in [off, off + n): every other address of p shows it.
void check_aliases(const Ref &s, int p, size_t off, size_t n) {
  for (const Access &a : accessible(s))
    if (a.page == p) check_bytes("alias", address_of(a), p, off, n);
}

namespace {

class SteerSource : public DecisionSource {
 public:
  uint64_t pick(Site, uint64_t lo, uint64_t) override { return lo; }
  bool should(Site site) override {
    switch (site) {
      case Site::Highmem: return g_steer.high;
      case Site::Irq: {
        bool f = g_steer.fire_irq;
        g_steer.fire_irq = false;
        return f;
      }
      case Site::Migrate: {
        bool f = g_steer.migrate;
        g_steer.migrate = false;
        return f;
      }
      default: return false;
    }
  }
  size_t next_task(const kmapsim::Candidate *c, size_t n, int running) override {
    int want = g_steer.want;
    g_steer.want = -1;
    if (want == -1) return 0;
    for (size_t i = 0; i < n; i++)
      if (want >= 0 ? c[i].task == want : c[i].task != running) return i;
    if (!g_steer.error[0]) snprintf(g_steer.error, sizeof g_steer.error, "the reference's next task %d is not among the model's %zu candidates", want, n);
    return 0;
  }
  std::string describe() const override { return "steered by the commands"; }
};

// ---- running a sequence inside one simulated run

// Executes commands until they run out, this task exits (TaskExit), or —
// in the interrupt handler — IrqExit. A failed check is carried out of the
// run; the run ends at once.
Ref g_pre[2];  // the state before the running command, per level (task, interrupt)

void interpret() {
  Sut sut;
  while (!g_exc && g_next < g_cmds.size() && !g_draining) {
    const Cmd &c = *g_cmds[g_next++];
    try {
      Ref &pre = g_pre[g_ref.in_irq];
      pre = g_ref;
      c.apply(g_ref);
      c.run(pre, sut);
      if (!g_exit_now) {
        // Whoever runs now continues: orders not taken were for nobody.
        g_steer.want = -1;
        g_steer.migrate = g_steer.fire_irq = false;
      }
      if (!g_exit_now && !g_irq_exit && !g_draining) post_check();
      g_done++;
    } catch (...) {
      g_exc = std::current_exception();
    }
    if (g_exc) break;
    if (g_exit_now || g_irq_exit) {
      g_exit_now = g_irq_exit = false;
      return;
    }
  }
  if (g_exc) kmapsim_subject_bug(__FILE__, __LINE__, "model and reference disagree (see the failure message)");
}

// The commands ran out: release what the running context holds.
void drain_context(bool irq) {
  g_draining = true;
  Ref &s = g_ref;
  s.current = kmapsim::Machine::running()->cur_task();
  RTask &t = s.cur();
  while (!t.stack.empty() && t.stack.back().irq == irq) {
    const RLocal &l = t.stack.back();
    if (how_atomic(l.how))
      kunmap_atomic(g_addr[l.id]);
    else
      kunmap_local(g_addr[l.id]);
    s.high_gets[l.page] -= l.high_get;
    t.stack.pop_back();
  }
  if (irq) return;
  while (t.irqs_off) local_irq_restore(g_flags[s.current][--t.irqs_off]);
  while (t.preempt) preempt_enable(), t.preempt--;
  for (int p = 0; p < kRefPages; p++)
    while (s.holders[p][s.current]) kunmap(page_of(p)), s.holders[p][s.current]--;
}

irqreturn_t ref_irq(int, void *) {
  interpret();
  if ((g_next >= g_cmds.size() || g_draining) && g_ref.in_irq) {
    drain_context(true);
    g_ref.in_irq = false;
  }
  return IRQ_HANDLED;
}

int ref_worker(void *arg) {
  int id = static_cast<int>(reinterpret_cast<intptr_t>(arg));
  interpret();
  if (g_exc) return 0;
  if (g_ref.tasks[id].alive) {  // commands ran out: leave cleanly
    drain_context(false);
    g_ref.tasks[id].alive = false;
    g_steer.want = -1;
  }
  return 0;
}

void ref_main() {
  init_completion(&g_tick);
  request_irq(5, ref_irq, 0, "ref-irq", nullptr);
  kthread_run(ref_worker, reinterpret_cast<void *>(1), kTaskNames[1]);
  kthread_run(ref_worker, reinterpret_cast<void *>(2), kTaskNames[2]);
  interpret();
  if (g_exc) return;
  drain_context(false);
  for (int i = 0; i < 1000 && !g_steer.error[0]; i++) {
    bool others = g_ref.tasks[1].alive || g_ref.tasks[2].alive;
    if (!others) break;
    g_steer.want = -2;  // let the others finish
    complete(&g_tick);
  }
  free_irq(5, nullptr);
}

Ref initial_state(const std::string &profile) {
  const kmapsim::Profile &p = *kmapsim::find_profile(profile);
  Ref s;
  s.profile = profile;
  s.highmem = p.highmem;
  s.force_map = p.force_map;
  s.kmap_high_get = p.kmap_high_get;
  s.max_local = p.max_local_maps();
  s.last_pkmap = p.last_pkmap;
  return s;
}


}  // namespace
}  // namespace ref

void model_vs_reference_case(const std::vector<std::string> &profiles) {
  using namespace ref;
  std::string profile = *gen::elementOf(profiles.empty() ? all_profile_names() : profiles);
  Ref s0 = initial_state(profile);
  auto cmds = *gen::scale(3.0, rc::state::gen::commands(s0, &gen_command));
  g_cmds.assign(cmds.begin(), cmds.end());
  g_next = g_done = 0;
  g_exc = nullptr;
  g_exit_now = g_irq_exit = g_draining = false;
  g_steer = Steer{};
  g_ref = s0;
  g_addr.assign(g_cmds.size() + 1, nullptr);
  memset(g_kaddr, 0, sizeof g_kaddr);
  SteerSource src;
  RunResult r = run(profile, ref_main, src);
  g_cmds.clear();
  std::string where = "profile " + profile + ", after " + std::to_string(g_done) + " of " + std::to_string(cmds.size()) + " commands\n" +
                      (r.reported ? r.report.text : std::string("")) + replay_hint(profile);
  if (g_exc) {
    try {
      std::rethrow_exception(g_exc);
    } catch (const rc::detail::CaseResult &cr) {
      g_exc = nullptr;
      if (cr.type != rc::detail::CaseResult::Type::Failure) throw;
      RC_FAIL("model and reference disagree: " + cr.description + "\n" + where);
    }
  }
  if (r.reported || r.livelock) RC_FAIL("a legal command sequence was reported:\n" + where);
  if (g_steer.error[0]) RC_FAIL(std::string(g_steer.error) + "\n" + where);
  RC_TAG(cmds.size() < 30 ? "< 30 commands" : cmds.size() < 100 ? "30-99 commands" : ">= 100 commands");
  if (getenv("KMAPSIM_PROPERTIES_VERBOSE")) fprintf(stderr, "commands %zu: %s\n", cmds.size(), scheduling_events(cmds).c_str());
}

}  // namespace kprop
