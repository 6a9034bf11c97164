// The program interpreter: runs a Program's steps on the model, each made
// legal in the state the run is in, and checks as it goes:
//   - every byte read through any mapping (local, atomic, kmap, direct map,
//     a helper's copy, a user copy, the user-space alias) equals the shadow
//     copy of the page, and the frame itself (the model's physical view);
//   - a write through one mapping is seen through every other mapping of
//     the same page (aliasing), and page_address() of a kmap()ed page is
//     its kmap() address;
//   - with preemption disabled, this CPU's per-CPU data stays ours across a
//     scheduling point;
//   - the model's invariants hold after every step.
// A finding ends the run with a SubjectBug report and the text in g_error.
#include "interp.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace kprop {

Ctx g_ctx[1 + kMaxWorkers];
Ctx g_irq_ctx;
const Program *g_prog;
DEFINE_SPINLOCK(g_lock);
DEFINE_MUTEX(g_mutex);
DECLARE_COMPLETION(g_tick);
char g_error[2048];
bool g_injected, g_missed, g_return_now;
std::vector<std::string> g_expect_words;
uint64_t g_steps_done;

namespace {
struct page *g_irq_pages[2];
bool g_irq_registered;
}  // namespace

void fail(const char *fmt, ...) {
  if (!g_error[0]) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_error, sizeof g_error, fmt, ap);
    va_end(ap);
  }
  kmapsim_subject_bug(__FILE__, __LINE__, "a property check of the interpreter (see the failure message)");
  __builtin_unreachable();
}

bool atomic_ctx(const Ctx &c) { return c.in_irq || c.atomics > 0 || c.preempt_off > 0 || c.irq_off > 0 || c.spin; }


void normalize(Ctx &c, int max_depth) {
  while (c.irq_off) local_irq_restore(c.irq_flags[--c.irq_off]);
  if (c.spin) spin_unlock(&g_lock), c.spin = false;
  while (c.preempt_off) preempt_enable(), c.preempt_off--;
  while (c.atomics || c.depth > max_depth) pop_mapping(c, 0);
  if (c.mutex) mutex_unlock(&g_mutex), c.mutex = false;
}

void drain(Ctx &c) {
  normalize(c, 0);
  while (c.nkmaps) {
    c.nkmaps--;
    kunmap(c.pages[c.kmaps[c.nkmaps].slot].page + c.kmaps[c.nkmaps].sub);
  }
  if (c.in_irq) return;
  for (void *&k : c.kmem)
    if (k) kfree(k), k = nullptr;
  for (PageSlot &p : c.pages)
    if (p.page) __free_pages(p.page, p.order), p.page = nullptr;
}

struct page *fresh_page(bool highmem, unsigned order) {
  Forcing saved = g_force;
  g_force.highmem = highmem;
  g_force.lowmem = !highmem;
  struct page *p = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, order);
  g_force.highmem = saved.highmem;
  g_force.lowmem = saved.lowmem;
  // On a kmap_high_get() machine (arm-vivt) a local map of a page that still
  // has a PKMAP address (a freed page's slot is recycled only by a flush)
  // reuses that address: not on the kmap_local stack, usable from any
  // context, as on ARM. The injected violations are about fixmap mappings:
  // drop the unused PKMAP addresses once the page is ours, so that no other
  // context can give it one again.
  if (kmapsim::Machine::running()->profile().kmap_high_get) kmap_flush_unused();
  return p;
}

std::string pfn_word(struct page *page) { return "pfn " + std::to_string(page_to_pfn(page)); }

std::string addr_word(const void *addr) {
  char b[32];
  snprintf(b, sizeof b, "%p", addr);
  return b;
}

static void reset_ctx(Ctx &c, int id, const std::vector<Step> *steps) {
  memset(static_cast<void *>(&c), 0, sizeof c);
  c.id = id;
  c.steps = steps;
  c.obs = kmapsim::kFnvBasis;
  init_completion(&c.done);
}

static void run_steps(Ctx &c) {
  const std::vector<Step> &steps = *c.steps;
  bool inject_here = c.id == 0 && g_prog->inject != BugClass::None;
  for (size_t i = 0; i <= steps.size(); i++) {
    if (inject_here && i == g_prog->inject_at) {
      inject(c);
      if (g_return_now) return;
    }
    if (i < steps.size()) exec_step(c, steps[i]);
  }
}

static int worker_fn(void *data) {
  Ctx &c = *static_cast<Ctx *>(data);
  c.ubuf = static_cast<char *>(kmapsim_user_buffer(2 * 4096));
  run_steps(c);
  drain(c);
  complete(&c.done);
  return 0;
}

static irqreturn_t irq_handler(int, void *) {
  Ctx &c = g_irq_ctx;
  c.in_irq = true;
  c.depth = c.atomics = 0;
  for (const Step &s : *c.steps) exec_step(c, s);
  drain(c);
  return IRQ_HANDLED;
}

static void program_main() {
  g_force = Forcing{};
  g_force.no_alloc_fail = g_force.no_user_fault = g_prog->fixed_data;
  spin_lock_init(&g_lock);
  mutex_init(&g_mutex);
  init_completion(&g_tick);
  g_irq_registered = false;
  const Program &p = *g_prog;
  for (int i = 0; i <= kMaxWorkers; i++) reset_ctx(g_ctx[i], i, &p.task[i]);
  reset_ctx(g_irq_ctx, -1, &p.irq);
  Ctx &mc = g_ctx[0];
  mc.ubuf = static_cast<char *>(kmapsim_user_buffer(2 * 4096));
  if (!p.irq.empty()) {
    // The handler's own pages, touched by nobody else.
    for (int i = 0; i < 2; i++) {
      PageSlot &ps = g_irq_ctx.pages[i];
      ps.page = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 0);
      ps.order = 0;
      memset(g_irq_ctx.shadow[i][0], 0x6b, 4096);
      g_irq_pages[i] = ps.page;
    }
    request_irq(7, irq_handler, 0, "prop-irq", nullptr);
    g_irq_registered = true;
  }
  static const char *const names[] = {"main", "kthread1", "kthread2"};
  for (int i = 1; i <= p.nworkers; i++) kthread_run(worker_fn, &g_ctx[i], names[i]);
  run_steps(mc);
  if (g_return_now) return;
  drain(mc);
  for (int i = 1; i <= p.nworkers; i++) wait_for_completion(&g_ctx[i].done);
  if (g_irq_registered) {
    free_irq(7, nullptr);
    for (struct page *pg : g_irq_pages) __free_pages(pg, 0);
  }
}

bool irq_handler_registered() { return g_irq_registered; }

Outcome run_program(const Program &p, DecisionSource &src, bool force) {
  g_prog = &p;
  g_error[0] = 0;
  g_injected = g_missed = g_return_now = false;
  g_expect_words.clear();
  g_steps_done = 0;
  g_force = Forcing{};
  ForcingSource fs(src);
  Outcome o;
  o.result = force ? run(p.profile, program_main, fs) : run(p.profile, program_main, src);
  g_force = Forcing{};
  o.error = g_error;
  o.injected = g_injected;
  o.missed = g_missed;
  o.expect_words = g_expect_words;
  for (int i = 0; i <= kMaxWorkers; i++) {
    o.obs[i] = g_ctx[i].obs;
    o.nobs[i] = g_ctx[i].nobs;
  }
  o.steps_done = g_steps_done;
  return o;
}

Outcome run_program(const Program &p) {
  std::unique_ptr<DecisionSource> src = make_source(p.source, p.seed);
  return run_program(p, *src);
}

}  // namespace kprop
