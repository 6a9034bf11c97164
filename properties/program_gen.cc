// The generators of programs (every weight in one place) and how a program
// is shown in a counterexample: one kernel call per line.
#include <cstdio>
#include <sstream>

#include "program.h"

namespace kprop {

namespace gen = rc::gen;

// ---- weights

// Steps of a task. Mapping and unmapping dominate so that stacks grow and
// shrink; reads and writes check what the mappings show.
static rc::Gen<Op> gen_task_op() {
  return gen::weightedElement<Op>({
      {6, Op::Alloc},      {2, Op::Free},       {14, Op::Map},        {11, Op::Unmap},      {8, Op::Write},
      {8, Op::Read},       {3, Op::Kmap},       {3, Op::Kunmap},      {4, Op::Helper},      {2, Op::PageAddress},
      {1, Op::FlushUnused}, {4, Op::Resched},   {1, Op::PreemptOff},  {2, Op::PreemptOn},   {1, Op::IrqOff},
      {2, Op::IrqOn},      {1, Op::SpinLock},   {2, Op::SpinUnlock},  {1, Op::MutexLock},   {2, Op::MutexUnlock},
      {2, Op::UserCopy},   {2, Op::UserRead},   {1, Op::PerCpu},      {1, Op::Kmalloc},
  });
}

// Steps of the interrupt handler: it only maps, touches and unmaps its own pages.
static rc::Gen<Op> gen_irq_op() {
  return gen::weightedElement<Op>({{5, Op::Map}, {4, Op::Unmap}, {4, Op::Write}, {4, Op::Read}, {1, Op::PageAddress}});
}

// Offsets: anywhere, with the page's edges more often than chance.
static rc::Gen<uint16_t> gen_offset() {
  return gen::weightedOneOf<uint16_t>({{4, gen::inRange<uint16_t>(0, 4096)}, {1, gen::element<uint16_t>(0, 1, 4095, 4094, 2048)}});
}

// Lengths: mostly short, sometimes up to a whole page.
static rc::Gen<uint16_t> gen_length() {
  return gen::weightedOneOf<uint16_t>({{5, gen::inRange<uint16_t>(1, 65)}, {1, gen::inRange<uint16_t>(1, 4097)}, {1, gen::just<uint16_t>(4096)}});
}

static rc::Gen<Step> gen_step(rc::Gen<Op> ops) {
  return gen::apply(
      [](Op op, uint8_t a, uint8_t b, uint8_t c, uint8_t v, uint16_t x, uint16_t y) {
        Step s;
        s.op = op, s.a = a, s.b = b, s.c = c, s.v = v, s.x = x, s.y = y;
        return s;
      },
      ops, gen::inRange<uint8_t>(0, 12), gen::inRange<uint8_t>(0, 8), gen::inRange<uint8_t>(0, 18), gen::arbitrary<uint8_t>(), gen_offset(),
      gen_length());
}

static rc::Gen<std::vector<Step>> gen_steps(rc::Gen<Op> ops, int max_len) {
  return gen::withSize([ops, max_len](int size) {
    int n = size * max_len / 100 + 1;
    return gen::resize(n, gen::container<std::vector<Step>>(gen_step(ops)));
  });
}

// A task's program: it first allocates its page slots (any zone, orders
// 0-2), then runs random steps.
static rc::Gen<std::vector<Step>> gen_task_steps(int max_len) {
  return gen::apply(
      [](std::vector<Step> allocs, std::vector<Step> steps) {
        for (size_t i = 0; i < allocs.size(); i++) allocs[i].a = static_cast<uint8_t>(i);
        allocs.insert(allocs.end(), steps.begin(), steps.end());
        return allocs;
      },
      gen::container<std::vector<Step>>(kSlots, gen_step(gen::just(Op::Alloc))), gen_steps(gen_task_op(), max_len));
}

// Decision sources: random, PCT d=2, PCT d=3, per-site streams.
static rc::Gen<int> gen_source() { return gen::inRange(0, 4); }

rc::Gen<Program> gen_program(const std::vector<std::string> &profiles) {
  return gen::exec([profiles] {
    Program p;
    p.profile = *gen::elementOf(profiles);
    p.source = *gen_source();
    p.seed = *gen::arbitrary<uint64_t>();
    p.nworkers = *gen::inRange(0, kMaxWorkers + 1);
    p.task[0] = *gen_task_steps(120);
    for (int i = 1; i <= p.nworkers; i++) p.task[i] = *gen_task_steps(80);
    if (*gen::weightedElement<bool>({{1, false}, {2, true}})) p.irq = *gen::resize(8, gen::nonEmpty(gen::container<std::vector<Step>>(gen_step(gen_irq_op()))));
    return p;
  });
}

std::vector<std::string> profiles_detecting(BugClass cls) {
  std::vector<std::string> v;
  for (const kmapsim::Profile &p : kmapsim::all_profiles()) {
    bool ok;
    switch (cls) {
      case BugClass::SleepInAtomic:
      case BugClass::FaultInAtomic:
      case BugClass::LostAtomicity:
      case BugClass::PkmapDeadlock:
      case BugClass::SoftLockup:
      case BugClass::KmapLeak: ok = true; break;  // kmap-leak on 64-bit: an unbalanced kmap_atomic() only
      case BugClass::MissingFlushDcache: ok = p.aliasing_dcache; break;
      default: ok = p.highmem; break;
    }
    if (ok) v.push_back(p.name);
  }
  return v;
}

int inject_variants(BugClass cls) {
  switch (cls) {
    case BugClass::KmapOverrun: return 6;
    case BugClass::KmapEscape: return 3;
    case BugClass::KunmapOrder: return 3;
    case BugClass::KunmapBadAddress: return 6;
    case BugClass::KmapUseAfterUnmap: return 4;
    case BugClass::KmapLeak: return 5;
    case BugClass::KmapSlotOverflow: return 2;
    case BugClass::SleepInAtomic: return 6;
    case BugClass::FaultInAtomic: return 2;
    case BugClass::HighmemPageAddress: return 2;
    case BugClass::LostAtomicity: return 2;
    case BugClass::MissingFlushDcache: return 3;
    case BugClass::PkmapDeadlock: return 3;
    case BugClass::SoftLockup: return 2;
    default: return 0;
  }
}

bool inject_variant_ok(BugClass cls, int v, const std::string &profile) {
  const kmapsim::Profile *p = kmapsim::find_profile(profile);
  if (!p) return false;
  if (cls == BugClass::KmapLeak && !p->highmem) return v == 4;  // only kmap_atomic() is tracked on 64-bit
  if (cls == BugClass::PkmapDeadlock && v == 0) return p->highmem && p->last_pkmap <= 8;  // exhausting the pool: tiny profiles
  return true;
}

rc::Gen<Program> gen_injected_program(BugClass cls) {
  return gen::exec([cls] {
    Program p;
    p.profile = *gen::elementOf(profiles_detecting(cls));
    p.source = *gen_source();
    p.seed = *gen::arbitrary<uint64_t>();
    p.nworkers = *gen::inRange(0, 2);
    p.task[0] = *gen_task_steps(40);
    if (p.nworkers) p.task[1] = *gen_task_steps(25);
    if (*gen::element(false, true)) p.irq = *gen::resize(6, gen::nonEmpty(gen::container<std::vector<Step>>(gen_step(gen_irq_op()))));
    std::vector<int> ok;
    for (int v = 0; v < inject_variants(cls); v++)
      if (inject_variant_ok(cls, v, p.profile)) ok.push_back(v);
    p.inject = cls;
    p.inject_variant = *gen::elementOf(ok);
    p.inject_at = *gen::inRange<size_t>(0, p.task[0].size() + 1);
    return p;
  });
}

// ---- showing

static const char *const kOpNames[] = {"alloc", "free", "map", "unmap", "write", "read", "kmap", "kunmap", "helper", "page_address",
                                       "kmap_flush_unused", "resched", "preempt_disable", "preempt_enable", "local_irq_save",
                                       "local_irq_restore", "spin_lock", "spin_unlock", "mutex_lock", "mutex_unlock", "user_copy",
                                       "user_read", "percpu", "kmalloc"};

std::string show_step(const Step &s) { return step_cstr(s); }

const char *step_cstr(const Step &s) {
  static char b[160];
  unsigned slot = s.a % kSlots, off = s.x % 4096, len = s.y ? s.y : 1;
  static const char *const maps[] = {"kmap_local_page", "kmap_local_folio", "kmap_local_pfn", "kmap_atomic", "kmap_atomic_pfn", "kmap_local_page_prot"};
  static const char *const gfps[] = {"GFP_HIGHUSER | __GFP_NOFAIL", "GFP_HIGHUSER", "GFP_KERNEL | __GFP_NOFAIL", "GFP_HIGHUSER | __GFP_ZERO | __GFP_NOFAIL"};
  static const char *const helpers[] = {"memcpy_page", "memmove_page", "memset_page", "memcpy_to_page", "memcpy_from_page",
                                        "memzero_page", "zero_user_segments", "clear_highpage", "copy_highpage"};
  switch (s.op) {
    case Op::Alloc: snprintf(b, sizeof b, "p%u = alloc_pages(%s, %u);", slot, gfps[s.b % 4], s.c % 3); break;
    case Op::Free: snprintf(b, sizeof b, "__free_pages(p%u, order);", slot); break;
    case Op::Map:
      if (s.c % 6 == 1)
        snprintf(b, sizeof b, "v = kmap_local_folio(page_folio(p%u), %u * PAGE_SIZE + %u);", slot, s.b, off);
      else if (s.c % 6 == 2 || s.c % 6 == 4)
        snprintf(b, sizeof b, "v = %s(page_to_pfn(p%u + %u));", maps[s.c % 6], slot, s.b);
      else
        snprintf(b, sizeof b, "v = %s(p%u + %u);", maps[s.c % 6], slot, s.b);
      break;
    case Op::Unmap: snprintf(b, sizeof b, "kunmap_local/kunmap_atomic(top + %u);", off); break;
    case Op::Write: snprintf(b, sizeof b, "memset(addr[%u] + %u, 0x%02x, %u);", s.a, off, s.v, len); break;
    case Op::Read: snprintf(b, sizeof b, "memcmp(addr[%u] + %u, shadow, %u);", s.a, off, len); break;
    case Op::Kmap: snprintf(b, sizeof b, "k = kmap(p%u + %u);", slot, s.b); break;
    case Op::Kunmap: snprintf(b, sizeof b, "kunmap(kmapped[%u]);", s.a); break;
    case Op::Helper:
      snprintf(b, sizeof b, "%s(p%u, %u, p%u, len %u, 0x%02x);", helpers[s.c % 9], slot, off, s.b % kSlots, len, s.v);
      break;
    case Op::PageAddress: snprintf(b, sizeof b, "page_address(p%u + %u) [+%u, %u bytes];", slot, s.b, off, len); break;
    case Op::UserCopy: snprintf(b, sizeof b, "%s(ubuf, top + %u, %u);", s.a % 2 ? "copy_from_user" : "copy_to_user", off, len); break;
    case Op::UserRead: snprintf(b, sizeof b, "kmapsim_user_read(p%u + %u, %u, buf, %u);", slot, s.b, off, len); break;
    case Op::PerCpu: snprintf(b, sizeof b, "*this_cpu_ptr(&token) = %u; complete(&tick); check;", s.v); break;
    case Op::Kmalloc: snprintf(b, sizeof b, "kmalloc/kfree(m%u);", s.a % 2); break;
    default: snprintf(b, sizeof b, "%s();", kOpNames[static_cast<int>(s.op)]); break;
  }
  return b;
}

void showValue(const Program &p, std::ostream &os) {
  os << "/* profile " << p.profile << ", source " << source_name(p.source) << " seed " << p.seed << ", " << p.nworkers << " kthread"
     << (p.nworkers == 1 ? "" : "s") << (p.irq.empty() ? "" : ", an interrupt handler") << " */\n";
  for (int t = 0; t <= p.nworkers; t++) {
    os << (t ? "kthread" + std::to_string(t) : std::string("main")) << ":\n";
    for (size_t i = 0; i <= p.task[t].size(); i++) {
      if (t == 0 && p.inject != BugClass::None && i == p.inject_at)
        os << "  /* here: break the " << kmapsim::bug_class_name(p.inject) << " rule, way #" << p.inject_variant << " */\n";
      if (i < p.task[t].size()) os << "  " << step_cstr(p.task[t][i]) << "\n";
    }
  }
  if (!p.irq.empty()) {
    os << "interrupt handler:\n";
    for (const Step &s : p.irq) os << "  " << step_cstr(s) << "\n";
  }
}

std::string describe(const Program &p, const Outcome &o) {
  std::ostringstream os;
  os << "verdict: " << verdict(o.result) << "\n";
  if (!o.error.empty()) os << "interpreter: " << o.error << "\n";
  if (o.result.reported) os << o.result.report.text;
  os << "steps done: " << o.steps_done << ", decisions: " << o.result.decisions << ", trace hash " << std::hex << o.result.trace_hash << std::dec
     << "\n";
  os << replay_hint(p.profile) << "\n";
  return os.str();
}

}  // namespace kprop
