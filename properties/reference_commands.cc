// The commands of the model-vs-reference property: one per kernel API
// call and scheduling event. Each is generated against the reference
// (parameters chosen among what is valid there), states its precondition,
// applies itself to the reference, runs the real call inside the run and
// checks what that call returns, and shows itself as the kernel call.
#include <algorithm>
#include <cstring>

#include "reference_model.h"

namespace kprop {
namespace ref {
namespace {

// ---- commands


int pick_valid_page(const Ref &s) {
  std::vector<int> v;
  for (int p = 0; p < kRefPages; p++)
    if (s.page_valid(p)) v.push_back(p);
  RC_PRE(!v.empty());
  return *gen::elementOf(v);
}

struct Alloc : Cmd {
  int slot, order;
  bool high;
  explicit Alloc(const Ref &) : slot(*gen::inRange(0, kRefSlots)), order(*gen::inRange(0, 3)), high(*gen::arbitrary<bool>()) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(static_cast<bool>(!s.slots[slot].allocated && s.may_sleep())); }
  void apply(Ref &s) const override {
    s.slots[slot] = {true, high && s.highmem, order};
    for (int i = 0; i < 4; i++) s.pk[slot * 4 + i] = Pk::None;
  }
  void run(const Ref &, Sut &) const override {
    g_steer.high = high;
    struct page *pg = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, static_cast<unsigned>(order));
    g_steer.high = false;
    g_pages[slot] = pg;
    RC_ASSERT(PageHighMem(pg) == g_ref.slots[slot].high);
    for (int i = 0; i < (1 << order); i++) memset(g_shadow[slot * 4 + i], 0x6b, 4096);
  }
  void show(std::ostream &os) const override {
    os << "struct page *p" << slot << " = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, " << order << ");  /* " << (high ? "HighMem" : "Normal") << " */";
  }
};

struct Free : Cmd {
  int slot;
  explicit Free(const Ref &) : slot(*gen::inRange(0, kRefSlots)) {}
  void checkPreconditions(const Ref &s) const override {
    RC_PRE(static_cast<bool>(s.slots[slot].allocated && !s.page_in_use(slot) && s.may_sleep()));
  }
  void apply(Ref &s) const override { s.slots[slot].allocated = false; }
  void run(const Ref &s, Sut &) const override { __free_pages(g_pages[slot], static_cast<unsigned>(s.slots[slot].order)); }
  void show(std::ostream &os) const override { os << "__free_pages(p" << slot << ", order);"; }
};

// kmap_local_page, kmap_local_folio, kmap_local_pfn, kmap_atomic,
// kmap_atomic_pfn: one command each (MapWith<How> below).
struct Map : Cmd {
  int page;
  How how;
  uint16_t in_page;
  Map(const Ref &s, How h) : page(pick_valid_page(s)), how(h), in_page(*gen::inRange<uint16_t>(0, 4096)) {}
  void checkPreconditions(const Ref &s) const override {
    RC_PRE(s.page_valid(page));
    // Room on the stack (the interrupt handler keeps to two).
    int irq_depth = 0;
    for (const RLocal &l : s.cur().stack) irq_depth += l.irq;
    RC_PRE(static_cast<bool>(s.cur().stack.size() < 14u && (!s.in_irq || irq_depth < 2)));
    if (s.real(page, how)) RC_PRE(s.real_depth(s.current) < s.max_local);
    // Whether an unheld slot was flushed is not known once kmap()s wrapped
    // the pool: kmap_high_get() may or may not find it.
    if (s.maps_by_high_get(page, how)) RC_PRE(static_cast<bool>(s.pk[page] == Pk::Held || s.pk_exact()));
  }
  void apply(Ref &s) const override {
    bool hg = s.maps_by_high_get(page, how);
    RLocal l{s.next_id++, page, how, s.real(page, how) && !hg, s.in_irq, hg, how == How::LocalFolio ? in_page : uint16_t(0)};
    s.cur().stack.push_back(l);
    if (how_atomic(how)) s.cur().atomics++;
    if (hg) {
      s.high_gets[page]++;
      s.pk[page] = Pk::Held;
    }
  }
  void run(const Ref &s, Sut &) const override {
    struct page *pg = page_of(page);
    char *a;
    switch (how) {
      case How::LocalPage: a = static_cast<char *>(kmap_local_page(pg)); break;
      case How::LocalFolio:
        a = static_cast<char *>(kmap_local_folio(reinterpret_cast<struct folio *>(g_pages[page / 4]), (page % 4) * PAGE_SIZE + in_page));
        break;
      case How::LocalPfn: a = static_cast<char *>(kmap_local_pfn(page_to_pfn(pg))); break;
      case How::Atomic: a = static_cast<char *>(kmap_atomic(pg)); break;
      default: a = static_cast<char *>(kmap_atomic_pfn(page_to_pfn(pg))); break;
    }
    const RLocal &l = g_ref.cur().stack.back();
    char *base = a - l.in_page;
    g_addr[l.id] = base;
    RC_ASSERT(reinterpret_cast<uintptr_t>(base) % PAGE_SIZE == 0u);
    if (l.high_get) {
      RC_ASSERT(U(base) == U(g_kaddr[page]));  // the page's PKMAP address
    } else if (!l.real) {
      RC_ASSERT(U(base) == U(page_address(pg)));  // the direct map, nothing tracked
    } else {
      kmapsim::Machine &m = *kmapsim::Machine::running();
      RC_ASSERT(!m.mem().in_direct_map(base));
      for (const RTask &t : s.tasks)  // distinct from every other live local mapping
        for (const RLocal &o : t.stack)
          if (o.real) RC_ASSERT(U(g_addr[o.id]) != U(base));
    }
  }
  void show(std::ostream &os) const override {
    os << "void *v = " << how_name(how) << "(";
    if (how == How::LocalFolio)
      os << "page_folio(p" << page / 4 << "), " << (page % 4) << " * PAGE_SIZE + " << in_page;
    else if (how_pfn(how))
      os << "page_to_pfn(" << page_name(page) << ")";
    else
      os << page_name(page);
    os << ");";
  }
};

template <How H>
struct MapWith : Map {
  explicit MapWith(const Ref &s) : Map(s, H) {}
};
using KmapLocalPage = MapWith<How::LocalPage>;
using KmapLocalFolio = MapWith<How::LocalFolio>;
using KmapLocalPfn = MapWith<How::LocalPfn>;
using KmapAtomic = MapWith<How::Atomic>;
using KmapAtomicPfn = MapWith<How::AtomicPfn>;

// kunmap_local and kunmap_atomic (below) of the newest mapping, through an
// address anywhere in its page.
struct Unmap : Cmd {
  bool atomic;
  uint16_t off;
  explicit Unmap(bool at) : atomic(at), off(*gen::inRange<uint16_t>(0, 4096)) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(static_cast<bool>(s.top() != nullptr && how_atomic(s.top()->how) == atomic)); }
  void apply(Ref &s) const override {
    const RLocal l = s.cur().stack.back();
    s.cur().stack.pop_back();
    if (atomic) s.cur().atomics--;
    if (l.high_get && --s.high_gets[l.page] == 0 && s.holders_of(l.page) == 0) s.pk[l.page] = Pk::Stale;
  }
  void run(const Ref &s, Sut &) const override {
    char *a = g_addr[s.top()->id] + off;
    if (atomic)
      kunmap_atomic(a);
    else
      kunmap_local(a);
  }
  void show(std::ostream &os) const override { os << (atomic ? "kunmap_atomic" : "kunmap_local") << "(v + " << off << ");  /* the newest mapping */"; }
};

struct KunmapLocal : Unmap {
  explicit KunmapLocal(const Ref &) : Unmap(false) {}
};
struct KunmapAtomic : Unmap {
  explicit KunmapAtomic(const Ref &) : Unmap(true) {}
};

struct Write : Cmd {
  int which;
  uint16_t off, len;
  uint8_t val;
  explicit Write(const Ref &)
      : which(*gen::inRange(0, 64)), off(*gen::inRange<uint16_t>(0, 4096)), len(*gen::inRange<uint16_t>(1, 65)), val(*gen::arbitrary<uint8_t>()) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(!accessible(s).empty()); }
  void run(const Ref &s, Sut &) const override {
    const std::vector<Access> &acc = accessible(s);
    const Access a = acc[which % acc.size()];
    size_t n = len > 4096 - off ? 4096 - off : len;
    memset(address_of(a) + off, val, n);
    memset(g_shadow[a.page] + off, val, n);
    check_aliases(s, a.page, off, n);
  }
  void show(std::ostream &os) const override { os << "memset(addr#" << which << " + " << off << ", 0x" << std::hex << int(val) << std::dec << ", " << len << ");"; }
};

struct Read : Cmd {
  int which;
  uint16_t off, len;
  explicit Read(const Ref &) : which(*gen::inRange(0, 64)), off(*gen::inRange<uint16_t>(0, 4096)), len(*gen::inRange<uint16_t>(1, 257)) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(!accessible(s).empty()); }
  void run(const Ref &s, Sut &) const override {
    const std::vector<Access> &acc = accessible(s);
    const Access a = acc[which % acc.size()];
    size_t n = len > 4096 - off ? 4096 - off : len;
    check_bytes("read", address_of(a), a.page, off, n);
  }
  void show(std::ostream &os) const override { os << "memcmp(addr#" << which << " + " << off << ", expected, " << len << ");"; }
};

struct Kmap : Cmd {
  int page;
  explicit Kmap(const Ref &s) : page(pick_valid_page(s)) {}
  void checkPreconditions(const Ref &s) const override {
    RC_PRE(static_cast<bool>(s.page_valid(page) && s.may_sleep()));
    // Never wait for a slot: at most LAST_PKMAP pages held.
    RC_PRE(static_cast<bool>(s.held_high_pages() + (s.high(page) && s.holders_of(page) == 0 ? 1 : 0) <= static_cast<int>(s.last_pkmap)));
  }
  void apply(Ref &s) const override {
    if (s.high(page)) {
      bool needs_slot = s.pk[page] == Pk::None || (s.pk[page] == Pk::Stale && s.new_pkmaps >= s.last_pkmap);
      if (needs_slot) s.new_pkmaps++;
      s.pk[page] = Pk::Held;
    }
    s.holders[page][s.current]++;
  }
  void run(const Ref &s, Sut &) const override {
    char *a = static_cast<char *>(kmap(page_of(page)));
    if (!g_ref.high(page)) {
      RC_ASSERT(U(a) == U(page_address(page_of(page))));
      g_kaddr[page] = a;
      return;
    }
    RC_ASSERT(!kmapsim::Machine::running()->mem().in_direct_map(a));
    bool exact = s.new_pkmaps < s.last_pkmap;
    if (s.pk[page] == Pk::Held || (s.pk[page] == Pk::Stale && exact)) RC_ASSERT(U(a) == U(g_kaddr[page]));
    for (int p = 0; p < kRefPages; p++)  // one address per held page
      if (p != page && s.page_valid(p) && s.high(p) && s.holders_of(p) > 0) RC_ASSERT(U(g_kaddr[p]) != U(a));
    g_kaddr[page] = a;
  }
  void show(std::ostream &os) const override { os << "kmap(" << page_name(page) << ");"; }
};

struct Kunmap : Cmd {
  int page;
  explicit Kunmap(const Ref &s) : page(pick_valid_page(s)) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(static_cast<bool>(s.page_valid(page) && s.holders[page][s.current] > 0 && s.may_sleep())); }
  void apply(Ref &s) const override {
    s.holders[page][s.current]--;
    if (s.high(page) && s.holders_of(page) == 0) s.pk[page] = Pk::Stale;
  }
  void run(const Ref &, Sut &) const override { kunmap(page_of(page)); }
  void show(std::ostream &os) const override { os << "kunmap(" << page_name(page) << ");"; }
};

struct FlushUnused : Cmd {
  explicit FlushUnused(const Ref &) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(!s.in_irq); }
  void apply(Ref &s) const override {
    for (Pk &p : s.pk)
      if (p == Pk::Stale) p = Pk::None;
  }
  void run(const Ref &, Sut &) const override { kmap_flush_unused(); }
  void show(std::ostream &os) const override { os << "kmap_flush_unused();"; }
};

struct PageAddress : Cmd {
  int page;
  explicit PageAddress(const Ref &s) : page(pick_valid_page(s)) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(s.page_valid(page)); }
  void run(const Ref &s, Sut &) const override {
    char *v = static_cast<char *>(page_address(page_of(page)));
    kmapsim::Machine &m = *kmapsim::Machine::running();
    if (!s.high(page)) {
      RC_ASSERT(U(v) != 0u);
      RC_ASSERT(m.mem().in_direct_map(v));
      return;
    }
    switch (s.pk[page]) {
      case Pk::Held: RC_ASSERT(U(v) == U(g_kaddr[page])); break;
      case Pk::Stale:
        if (s.new_pkmaps < s.last_pkmap)
          RC_ASSERT(U(v) == U(g_kaddr[page]));
        else
          RC_ASSERT(static_cast<bool>(U(v) == 0u || U(v) == U(g_kaddr[page])));
        break;
      case Pk::None: RC_ASSERT(U(v) == 0u); break;
    }
  }
  void show(std::ostream &os) const override { os << "page_address(" << page_name(page) << ");"; }
};

// The highmem.h helpers: each maps (up to two pages) locally and unmaps.
struct Helper : Cmd {
  int kind, a, b;
  uint16_t off, soff, len;
  uint8_t val;
  explicit Helper(const Ref &s)
      : kind(*gen::inRange(0, 7)),
        a(pick_valid_page(s)),
        b(pick_valid_page(s)),
        off(*gen::inRange<uint16_t>(0, 4096)),
        soff(*gen::inRange<uint16_t>(0, 4096)),
        len(*gen::inRange<uint16_t>(0, 4097)),
        val(*gen::arbitrary<uint8_t>()) {}
  size_t n() const {
    size_t l = len;
    if (l > 4096u - off) l = 4096u - off;
    if (kind == 0 && l > 4096u - soff) l = 4096u - soff;
    return l;
  }
  void checkPreconditions(const Ref &s) const override {
    RC_PRE(static_cast<bool>(s.page_valid(a) && s.page_valid(b)));
    RC_PRE(static_cast<bool>(s.real_depth(s.current) + 2 <= s.max_local && s.cur().stack.size() < 13u));
    if (kind == 0 && a == b) RC_PRE(static_cast<bool>(off + n() <= soff || soff + n() <= off));  // memcpy: no overlap
    if (kind == 5) RC_PRE(a != b);
  }
  void run(const Ref &s, Sut &) const override {
    static char buf[4096];
    size_t l = n();
    switch (kind) {
      case 0:
        memcpy_page(page_of(a), off, page_of(b), soff, l);
        memmove(g_shadow[a] + off, g_shadow[b] + soff, l);
        break;
      case 1:
        memset_page(page_of(a), off, val, l);
        memset(g_shadow[a] + off, val, l);
        break;
      case 2:
        for (size_t i = 0; i < l; i++) buf[i] = static_cast<char>(val ^ i);
        memcpy_to_page(page_of(a), off, buf, l);
        memcpy(g_shadow[a] + off, buf, l);
        break;
      case 3:
        memset(buf, 0, sizeof buf);
        memcpy_from_page(buf, page_of(a), off, l);
        for (size_t i = 0; i < l; i++) RC_ASSERT(static_cast<uint8_t>(buf[i]) == g_shadow[a][off + i]);
        break;
      case 4:
        memzero_page(page_of(a), off, l);
        memset(g_shadow[a] + off, 0, l);
        break;
      case 5:
        copy_highpage(page_of(a), page_of(b));
        memcpy(g_shadow[a], g_shadow[b], 4096);
        break;
      default:
        clear_highpage(page_of(a));
        memset(g_shadow[a], 0, 4096);
        break;
    }
    check_aliases(s, a, 0, 4096);
  }
  void show(std::ostream &os) const override {
    switch (kind) {
      case 0: os << "memcpy_page(" << page_name(a) << ", " << off << ", " << page_name(b) << ", " << soff << ", " << n() << ");"; break;
      case 1: os << "memset_page(" << page_name(a) << ", " << off << ", 0x" << std::hex << int(val) << std::dec << ", " << n() << ");"; break;
      case 2: os << "memcpy_to_page(" << page_name(a) << ", " << off << ", buf, " << n() << ");"; break;
      case 3: os << "memcpy_from_page(buf, " << page_name(a) << ", " << off << ", " << n() << ");"; break;
      case 4: os << "memzero_page(" << page_name(a) << ", " << off << ", " << n() << ");"; break;
      case 5: os << "copy_highpage(" << page_name(a) << ", " << page_name(b) << ");"; break;
      default: os << "clear_highpage(" << page_name(a) << ");"; break;
    }
  }
};

// One of the tasks the scheduler could run now (discarded when none).
int pick_candidate(const std::vector<int> &c) {
  RC_PRE(!c.empty());
  return *gen::elementOf(c);
}

struct SwitchTo : Cmd {
  int task;
  explicit SwitchTo(const Ref &s) : task(s.in_irq ? 0 : pick_candidate(s.candidates(true))) {}
  void checkPreconditions(const Ref &s) const override {
    RC_PRE(static_cast<bool>(!s.in_irq && task != s.current && s.tasks[task].alive));
    std::vector<int> c = s.candidates(true);
    RC_PRE(std::find(c.begin(), c.end(), task) != c.end());
  }
  void apply(Ref &s) const override { s.run_task(task); }
  void run(const Ref &, Sut &) const override {
    g_steer.want = task;
    complete(&g_tick);  // a scheduling point that never sleeps
  }
  void show(std::ostream &os) const override { os << "schedule();  /* the scheduler runs " << kTaskNames[task] << " */"; }
};

struct Migrate : Cmd {
  explicit Migrate(const Ref &) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(s.preemptible()); }
  void apply(Ref &s) const override {
    // Real local mappings pin the task (migrate_disable): nothing happens.
    if (s.real_depth(s.current) > 0) return;
    RTask &t = s.cur();
    int from = t.cpu, to = 1 - from;
    s.cpu_curr[from] = -1;
    t.cpu = to;
    s.run_task(s.cpu_curr[to] >= 0 ? s.cpu_curr[to] : s.current);
  }
  void run(const Ref &, Sut &) const override {
    g_steer.migrate = true;
    g_steer.want = g_ref.current;
    complete(&g_tick);
  }
  void show(std::ostream &os) const override { os << "schedule();  /* the task migrates to the other CPU, unless a local mapping pins it */"; }
};

struct IrqEnter : Cmd {
  explicit IrqEnter(const Ref &) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(static_cast<bool>(!s.in_irq && s.cur().irqs_off == 0)); }
  void apply(Ref &s) const override { s.in_irq = true; }
  void run(const Ref &, Sut &) const override {
    g_steer.fire_irq = true;
    complete(&g_tick);  // the handler runs the next commands, up to IrqExit
  }
  void show(std::ostream &os) const override { os << "/* interrupt: the handler runs */ {"; }
};

struct IrqExit : Cmd {
  explicit IrqExit(const Ref &) {}
  void checkPreconditions(const Ref &s) const override {
    RC_PRE(s.in_irq);
    for (const RLocal &l : s.cur().stack) RC_PRE(!l.irq);
  }
  void apply(Ref &s) const override { s.in_irq = false; }
  void run(const Ref &, Sut &) const override { g_irq_exit = true; }
  void show(std::ostream &os) const override { os << "} /* return IRQ_HANDLED */"; }
};

// A kthread releases what it holds (local mappings newest first,
// interrupts, preemption, kmap()s) and returns; another task runs.
struct TaskExit : Cmd {
  int next;
  explicit TaskExit(const Ref &s) : next(s.in_irq || s.current == 0 ? 0 : pick_candidate(after_exit(s).candidates(false))) {}
  static void exit_current(Ref &s) {
    RTask &t = s.cur();
    for (const RLocal &l : t.stack) s.high_gets[l.page] -= l.high_get;  // their kunmap_local()s drop the references
    t.stack.clear();
    t.atomics = t.preempt = t.irqs_off = 0;
    for (int p = 0; p < kRefPages; p++) {
      s.holders[p][s.current] = 0;
      if (s.high(p) && s.pk[p] == Pk::Held && s.holders_of(p) == 0) s.pk[p] = Pk::Stale;
    }
    t.alive = false;
    if (s.cpu_curr[t.cpu] == s.current) s.cpu_curr[t.cpu] = -1;
  }
  static Ref after_exit(const Ref &s) {
    Ref after = s;
    exit_current(after);
    return after;
  }
  void checkPreconditions(const Ref &s) const override {
    RC_PRE(static_cast<bool>(!s.in_irq && s.current != 0));
    std::vector<int> c = after_exit(s).candidates(false);
    RC_PRE(std::find(c.begin(), c.end(), next) != c.end());
  }
  void apply(Ref &s) const override {
    exit_current(s);
    s.run_task(next);
  }
  void run(const Ref &s, Sut &) const override {
    const RTask &t = s.cur();
    for (size_t i = t.stack.size(); i-- > 0;) {
      if (how_atomic(t.stack[i].how))
        kunmap_atomic(g_addr[t.stack[i].id]);
      else
        kunmap_local(g_addr[t.stack[i].id]);
    }
    for (int i = t.irqs_off; i-- > 0;) local_irq_restore(g_flags[s.current][i]);
    for (int i = 0; i < t.preempt; i++) preempt_enable();
    for (int p = 0; p < kRefPages; p++)
      for (int i = 0; i < s.holders[p][s.current]; i++) kunmap(page_of(p));
    g_steer.want = next;
    g_exit_now = true;
  }
  void show(std::ostream &os) const override {
    os << "/* the kthread unmaps, kunmap()s and re-enables what it holds */ return 0;  /* " << kTaskNames[next] << " runs */";
  }
};

struct PreemptDisable : Cmd {
  explicit PreemptDisable(const Ref &) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(static_cast<bool>(!s.in_irq && s.cur().preempt < 3)); }
  void apply(Ref &s) const override { s.cur().preempt++; }
  void run(const Ref &, Sut &) const override { preempt_disable(); }
  void show(std::ostream &os) const override { os << "preempt_disable();"; }
};

struct PreemptEnable : Cmd {
  explicit PreemptEnable(const Ref &) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(static_cast<bool>(!s.in_irq && s.cur().preempt > 0)); }
  void apply(Ref &s) const override { s.cur().preempt--; }
  void run(const Ref &, Sut &) const override { preempt_enable(); }
  void show(std::ostream &os) const override { os << "preempt_enable();"; }
};

struct IrqSave : Cmd {
  explicit IrqSave(const Ref &) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(static_cast<bool>(!s.in_irq && s.cur().irqs_off < 3)); }
  void apply(Ref &s) const override { s.cur().irqs_off++; }
  void run(const Ref &s, Sut &) const override { local_irq_save(g_flags[s.current][s.cur().irqs_off]); }
  void show(std::ostream &os) const override { os << "local_irq_save(flags);"; }
};

struct IrqRestore : Cmd {
  explicit IrqRestore(const Ref &) {}
  void checkPreconditions(const Ref &s) const override { RC_PRE(static_cast<bool>(!s.in_irq && s.cur().irqs_off > 0)); }
  void apply(Ref &s) const override { s.cur().irqs_off--; }
  void run(const Ref &s, Sut &) const override { local_irq_restore(g_flags[s.current][s.cur().irqs_off - 1]); }
  void show(std::ostream &os) const override { os << "local_irq_restore(flags);"; }
};

template <typename C>
std::pair<size_t, rc::Gen<std::shared_ptr<const Cmd>>> weighted(size_t w, const Ref &s) {
  return {w, gen::exec([s] { return std::shared_ptr<const Cmd>(std::make_shared<C>(s)); })};
}

}  // namespace

rc::Gen<std::shared_ptr<const Cmd>> gen_command(const Ref &s) {
  bool any_page = false;
  for (int p = 0; p < kRefPages; p++) any_page |= s.page_valid(p);
  if (!any_page) return gen::exec([s] { return std::shared_ptr<const Cmd>(std::make_shared<Alloc>(s)); });
  return gen::weightedOneOf<std::shared_ptr<const Cmd>>({
      weighted<Alloc>(3, s),          weighted<Free>(1, s),           weighted<KmapLocalPage>(4, s), weighted<KmapLocalFolio>(3, s),
      weighted<KmapLocalPfn>(2, s),   weighted<KmapAtomic>(3, s),     weighted<KmapAtomicPfn>(2, s), weighted<KunmapLocal>(6, s),
      weighted<KunmapAtomic>(4, s),
      weighted<Write>(6, s),          weighted<Read>(4, s),           weighted<Kmap>(5, s),         weighted<Kunmap>(5, s),
      weighted<FlushUnused>(1, s),    weighted<PageAddress>(3, s),    weighted<Helper>(3, s),       weighted<SwitchTo>(8, s),
      weighted<Migrate>(2, s),        weighted<IrqEnter>(2, s),       weighted<IrqExit>(4, s),      weighted<TaskExit>(1, s),
      weighted<PreemptDisable>(1, s), weighted<PreemptEnable>(2, s),  weighted<IrqSave>(1, s),      weighted<IrqRestore>(2, s),
  });
}

std::string scheduling_events(const std::vector<std::shared_ptr<const Cmd>> &cmds) {
  int switches = 0, irqs = 0, migrations = 0, exits = 0;
  for (const auto &c : cmds) {
    switches += dynamic_cast<const SwitchTo *>(c.get()) != nullptr;
    irqs += dynamic_cast<const IrqEnter *>(c.get()) != nullptr;
    migrations += dynamic_cast<const Migrate *>(c.get()) != nullptr;
    exits += dynamic_cast<const TaskExit *>(c.get()) != nullptr;
  }
  return "switches " + std::to_string(switches) + ", interrupts " + std::to_string(irqs) + ", migrations " + std::to_string(migrations) +
         ", task exits " + std::to_string(exits);
}

}  // namespace ref
}  // namespace kprop
