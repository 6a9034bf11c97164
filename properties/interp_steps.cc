// The interpreter's steps: each kernel call a Step can be, made legal in
// the state the context is in (a step that would break a rule there is
// skipped), and the checks of what it reads. See interp.cc.
#include <cstdio>
#include <cstring>

#include "interp.h"

namespace kprop {

DEFINE_PER_CPU(u64, g_pcpu_token);

namespace {
char g_inv[512];
}  // namespace

static unsigned subpages(const PageSlot &p) { return 1u << p.order; }

static const char *ctx_name(const Ctx &c) {
  static char b[32];
  if (c.id < 0) return "irq handler";
  snprintf(b, sizeof b, c.id ? "kthread %d" : "main", c.id);
  return b;
}

static void observe(Ctx &c, const uint8_t *p, size_t n) {
  c.obs = kmapsim::fnv1a(c.obs, p, n);
  c.nobs += static_cast<uint32_t>(n);
}

// Compares n bytes at addr (a mapping of (slot, sub) at offset off) with
// the shadow and with the frame, and observes them.
static void check_bytes(Ctx &c, const char *how, const volatile char *addr, int slot, int sub, size_t off, size_t n, bool record = true) {
  kmapsim::Machine *m = kmapsim::Machine::running();
  struct page *pg = c.pages[slot].page + sub;
  const char *frame = m->mem().phys(static_cast<kmapsim::Pfn>(page_to_pfn(pg)));
  for (size_t i = 0; i < n; i++) {
    uint8_t got = static_cast<uint8_t>(addr[i]);
    uint8_t want = c.shadow[slot][sub][off + i];
    if (got != want || static_cast<uint8_t>(frame[off + i]) != want)
      fail("%s: %s of slot %d subpage %d (pfn %lu) at offset %zu read 0x%02x, the frame holds 0x%02x, the shadow 0x%02x", ctx_name(c), how, slot,
           sub, page_to_pfn(pg), off + i, got, static_cast<uint8_t>(frame[off + i]), want);
  }
  if (record) observe(c, c.shadow[slot][sub] + off, n);
}

void mark_written(Ctx &c, int slot, int sub) {
  if (c.pages[slot].user_mapped & (1u << sub)) c.pages[slot].dirty |= 1u << sub;
}

// Every address of (slot, sub) this context may use now.
static int aliases(Ctx &c, int slot, int sub, const char **out) {
  int n = 0;
  for (int i = 0; i < c.depth; i++)
    if (c.stack[i].slot == slot && c.stack[i].sub == sub) out[n++] = c.stack[i].base;
  for (int i = 0; i < c.nkmaps; i++)
    if (c.kmaps[i].slot == slot && c.kmaps[i].sub == sub) out[n++] = c.kmaps[i].addr;
  struct page *pg = c.pages[slot].page + sub;
  if (!PageHighMem(pg)) out[n++] = static_cast<const char *>(page_address(pg));
  return n;
}

static void check_aliases(Ctx &c, int slot, int sub, size_t off, size_t n) {
  const char *a[32];
  int k = aliases(c, slot, sub, a);
  for (int i = 0; i < k; i++) check_bytes(c, "an alias", a[i] + off, slot, sub, off, n, false);
}

// The address a Write/Read step uses: a local mapping (top first), a
// kmap() address, or one of the context's pages — through the direct map
// when it is lowmem, else through a temporary kmap_local_page() (*temp;
// the caller unmaps it), so the same step touches the same bytes on every
// profile. False: none.
static bool pick_address(Ctx &c, uint8_t a, char **base, int *slot, int *sub, bool *temp) {
  *temp = false;
  int n = c.depth + c.nkmaps + 1;
  int i = a % n;
  if (i < c.depth) {
    const Mapping &mp = c.stack[c.depth - 1 - i];
    *base = mp.base, *slot = mp.slot, *sub = mp.sub;
    return true;
  }
  i -= c.depth;
  if (i < c.nkmaps) {
    *base = c.kmaps[i].addr, *slot = c.kmaps[i].slot, *sub = c.kmaps[i].sub;
    return true;
  }
  if (c.in_irq ? c.depth >= 2 : c.depth >= kMaxStack) return false;
  for (int k = 0; k < kSlots; k++) {
    int s = (a / 3 + k) % kSlots;
    PageSlot &p = c.pages[s];
    if (!p.page) continue;
    int sb = (a / 5) % subpages(p);
    *slot = s, *sub = sb;
    if (PageHighMem(p.page + sb)) {
      *base = static_cast<char *>(kmap_local_page(p.page + sb));
      *temp = true;
    } else {
      *base = static_cast<char *>(page_address(p.page + sb));
    }
    return true;
  }
  return false;
}

static void clamp_range(const Step &s, size_t *off, size_t *len) {
  *off = s.x % 4096;
  size_t l = s.y ? s.y : 1;
  if (l > 4096 - *off) l = 4096 - *off;
  *len = l;
}

static bool mapped_somewhere(const Ctx &c, int slot) {
  for (int i = 0; i < c.depth; i++)
    if (c.stack[i].slot == slot) return true;
  for (int i = 0; i < c.nkmaps; i++)
    if (c.kmaps[i].slot == slot) return true;
  return false;
}

static void do_alloc(Ctx &c, const Step &s) {
  int slot = s.a % kSlots;
  PageSlot &p = c.pages[slot];
  if (p.page || c.in_irq) return;
  unsigned order = s.c % 3;
  gfp_t gfp;
  bool zero = false;
  if (atomic_ctx(c)) {
    gfp = GFP_ATOMIC | __GFP_HIGHMEM;
  } else {
    switch (s.b % 4) {
      case 0: gfp = GFP_HIGHUSER | __GFP_NOFAIL; break;
      case 1: gfp = GFP_HIGHUSER; break;
      case 2: gfp = GFP_KERNEL | __GFP_NOFAIL; break;
      default: gfp = GFP_HIGHUSER | __GFP_ZERO | __GFP_NOFAIL, zero = true; break;
    }
  }
  struct page *pg = alloc_pages(gfp, order);
  if (!pg) return;
  p.page = pg;
  p.order = order;
  p.user_mapped = p.dirty = 0;
  for (unsigned i = 0; i < subpages(p); i++) memset(c.shadow[slot][i], zero ? 0 : 0x6b, 4096);
}

static void do_free(Ctx &c, const Step &s) {
  int slot = s.a % kSlots;
  PageSlot &p = c.pages[slot];
  if (!p.page || c.in_irq || mapped_somewhere(c, slot)) return;
  __free_pages(p.page, p.order);
  p.page = nullptr;
}

static void do_map(Ctx &c, const Step &s) {
  int slot = s.a % kSlots;
  PageSlot &p = c.pages[slot];
  if (!p.page) return;
  if (c.in_irq ? c.depth >= 2 : c.depth >= kMaxStack) return;
  int sub = s.b % subpages(p);
  MapVariant v = static_cast<MapVariant>(s.c % static_cast<int>(MapVariant::kCount));
  struct page *pg = p.page + sub;
  char *addr;
  size_t in_page = 0;
  switch (v) {
    case MapVariant::LocalPage: addr = static_cast<char *>(kmap_local_page(pg)); break;
    case MapVariant::LocalPageProt: addr = static_cast<char *>(kmap_local_page_prot(pg, PAGE_KERNEL)); break;
    case MapVariant::LocalFolio: {
      size_t off = static_cast<size_t>(sub) * PAGE_SIZE + s.x % PAGE_SIZE;
      addr = static_cast<char *>(kmap_local_folio(reinterpret_cast<struct folio *>(p.page), off));
      in_page = off % PAGE_SIZE;
      break;
    }
    case MapVariant::LocalPfn: addr = static_cast<char *>(kmap_local_pfn(page_to_pfn(pg))); break;
    case MapVariant::Atomic: addr = static_cast<char *>(kmap_atomic(pg)); break;
    default: addr = static_cast<char *>(kmap_atomic_pfn(page_to_pfn(pg))); break;
  }
  char *base = addr - in_page;
  if (reinterpret_cast<uintptr_t>(base) % PAGE_SIZE) fail("%s: a local mapping of pfn %lu is not page-aligned (%p)", ctx_name(c), page_to_pfn(pg), addr);
  bool atomic = v == MapVariant::Atomic || v == MapVariant::AtomicPfn;
  c.stack[c.depth++] = {base, slot, sub, v, atomic};
  c.atomics += atomic;
  check_bytes(c, "a new local mapping", base, slot, sub, 0, 1);
  check_bytes(c, "a new local mapping", base + 4095, slot, sub, 4095, 1);
  check_bytes(c, "a new local mapping", base + in_page, slot, sub, in_page, 1);
  struct page *back = kmap_to_page(addr);
  if (back != pg) fail("%s: kmap_to_page() of a new mapping of pfn %lu gave pfn %lu", ctx_name(c), page_to_pfn(pg), page_to_pfn(back));
}

void pop_mapping(Ctx &c, unsigned off) {
  Mapping &mp = c.stack[c.depth - 1];
  if (mp.atomic)
    kunmap_atomic(mp.base + off % PAGE_SIZE);
  else
    kunmap_local(mp.base + off % PAGE_SIZE);
  c.atomics -= mp.atomic;
  c.depth--;
}

static void do_write(Ctx &c, const Step &s) {
  char *base;
  int slot, sub;
  bool temp;
  if (!pick_address(c, s.a, &base, &slot, &sub, &temp)) return;
  size_t off, len;
  clamp_range(s, &off, &len);
  memset(base + off, s.v, len);
  memset(c.shadow[slot][sub] + off, s.v, len);
  mark_written(c, slot, sub);
  if (temp) {
    check_bytes(c, "a temporary mapping", base + off, slot, sub, off, len, false);
    kunmap_local(base);
  }
  check_aliases(c, slot, sub, off, len);
}

static void do_read(Ctx &c, const Step &s) {
  char *base;
  int slot, sub;
  bool temp;
  if (!pick_address(c, s.a, &base, &slot, &sub, &temp)) return;
  size_t off, len;
  clamp_range(s, &off, &len);
  check_bytes(c, "a read", base + off, slot, sub, off, len);
  if (temp) kunmap_local(base);
}

static void do_kmap(Ctx &c, const Step &s) {
  int slot = s.a % kSlots;
  PageSlot &p = c.pages[slot];
  if (!p.page || atomic_ctx(c) || c.nkmaps >= 2) return;
  int sub = s.b % subpages(p);
  char *a = static_cast<char *>(kmap(p.page + sub));
  for (int i = 0; i < c.nkmaps; i++)
    if ((c.kmaps[i].slot == slot && c.kmaps[i].sub == sub) != (c.kmaps[i].addr == a))
      fail("%s: kmap() of pfn %lu returned %p: the pages held by kmap() and their addresses do not match one to one", ctx_name(c),
           page_to_pfn(p.page + sub), a);
  c.kmaps[c.nkmaps++] = {slot, sub, a};
  check_bytes(c, "a kmap() address", a + s.x % 4096, slot, sub, s.x % 4096, 1);
}

static void do_kunmap(Ctx &c, const Step &s) {
  if (atomic_ctx(c) || !c.nkmaps) return;
  int i = s.a % c.nkmaps;
  kunmap(c.pages[c.kmaps[i].slot].page + c.kmaps[i].sub);
  c.kmaps[i] = c.kmaps[--c.nkmaps];
}

static void do_helper(Ctx &c, const Step &s) {
  int sa = s.a % kSlots, sb = s.b % kSlots;
  PageSlot &pa = c.pages[sa], &pb = c.pages[sb];
  if (c.in_irq || c.depth > kMaxStack - 2 || !pa.page) return;
  size_t off, len;
  clamp_range(s, &off, &len);
  int suba = s.v % subpages(pa);
  struct page *a = pa.page + suba;
  char *buf = c.buf;  // per context: helpers are scheduling points
  switch (s.c % 9) {
    case 0:
    case 1: {  // memcpy_page / memmove_page (memmove when the ranges may overlap)
      if (!pb.page) return;
      int subb = (s.v / 4) % subpages(pb);
      size_t soff = (off * 7 + 13) % (4096 - len + 1);
      // Overlapping ranges of one page through two temporary mappings are
      // not a legal use of either helper (memmove() compares aliases).
      if (sa == sb && suba == subb && off < soff + len && soff < off + len) return;
      if (s.c % 9 == 0)
        memcpy_page(a, off, pb.page + subb, soff, len);
      else
        memmove_page(a, off, pb.page + subb, soff, len);
      memmove(c.shadow[sa][suba] + off, c.shadow[sb][subb] + soff, len);
      break;
    }
    case 2:
      memset_page(a, off, s.v, len);
      memset(c.shadow[sa][suba] + off, s.v, len);
      break;
    case 3:
      for (size_t i = 0; i < len; i++) buf[i] = static_cast<char>(s.v + i);
      memcpy_to_page(a, off, buf, len);
      memcpy(c.shadow[sa][suba] + off, buf, len);
      break;
    case 4:
      memcpy_from_page(buf, a, off, len);
      check_bytes(c, "memcpy_from_page()", buf, sa, suba, off, len);
      return;
    case 5:
      memzero_page(a, off, len);
      memset(c.shadow[sa][suba] + off, 0, len);
      break;
    case 6: {  // zero_user_segments() on the head page, within the folio
      size_t size = 4096u << pa.order;
      size_t s1 = (off * 3) % size, e1 = s1 + (len * 2 > size - s1 ? size - s1 : len * 2);
      size_t s2 = (off * 5 + 7) % size, e2 = s2 + (len > size - s2 ? size - s2 : len);
      zero_user_segments(pa.page, static_cast<unsigned>(s1), static_cast<unsigned>(e1), static_cast<unsigned>(s2), static_cast<unsigned>(e2));
      for (size_t i = s1; i < e1; i++) c.shadow[sa][i / 4096][i % 4096] = 0;
      for (size_t i = s2; i < e2; i++) c.shadow[sa][i / 4096][i % 4096] = 0;
      for (unsigned i = 0; i < subpages(pa); i++) mark_written(c, sa, static_cast<int>(i));
      return;
    }
    case 7:
      clear_highpage(a);
      memset(c.shadow[sa][suba], 0, 4096);
      break;
    default: {
      if (!pb.page) return;
      int subb = (s.v / 4) % subpages(pb);
      if (sa == sb && suba == subb) return;
      copy_highpage(a, pb.page + subb);
      memcpy(c.shadow[sa][suba], c.shadow[sb][subb], 4096);
      break;
    }
  }
  mark_written(c, sa, suba);
  check_aliases(c, sa, suba, 0, 4096);
}

static void do_page_address(Ctx &c, const Step &s) {
  int slot = s.a % kSlots;
  PageSlot &p = c.pages[slot];
  if (!p.page) return;
  int sub = s.b % subpages(p);
  struct page *pg = p.page + sub;
  size_t off, len;
  clamp_range(s, &off, &len);
  if (c.in_irq ? c.depth >= 2 : c.depth >= kMaxStack) return;  // (the same on every profile)
  char *v = static_cast<char *>(page_address(pg));
  if (!PageHighMem(pg)) {
    if (!v) fail("%s: page_address() of lowmem pfn %lu is NULL", ctx_name(c), page_to_pfn(pg));
    check_bytes(c, "page_address()", v + off, slot, sub, off, len);
    return;
  }
  for (int i = 0; i < c.nkmaps; i++)
    if (c.kmaps[i].slot == slot && c.kmaps[i].sub == sub) {
      if (v != c.kmaps[i].addr)
        fail("%s: page_address() of kmap()ed highmem pfn %lu is %p, not its kmap() address %p", ctx_name(c), page_to_pfn(pg), v, c.kmaps[i].addr);
      check_bytes(c, "page_address() of a kmap()ed page", v + off, slot, sub, off, len);
      return;
    }
  // Not held by kmap(): the page must be mapped to be read (same bytes
  // observed on every profile).
  char *t = static_cast<char *>(kmap_local_page(pg));
  check_bytes(c, "a temporary kmap_local_page()", t + off, slot, sub, off, len);
  kunmap_local(t);
}

static void do_user_copy(Ctx &c, const Step &s) {
  if (c.in_irq || !c.depth) return;
  bool faults_off = c.atomics > 0;
  if (atomic_ctx(c) && !faults_off) return;  // spinlock/preempt/irqs off with faults enabled: a fault would sleep
  Mapping &mp = c.stack[c.depth - 1];
  size_t off, len;
  clamp_range(s, &off, &len);
  size_t uoff = (s.x * 3u + s.y) % (2 * 4096 - len + 1);
  unsigned long left;
  if (s.a % 2 == 0) {
    left = faults_off ? __copy_to_user_inatomic(c.ubuf + uoff, mp.base + off, len) : copy_to_user(c.ubuf + uoff, mp.base + off, len);
    if (left > len) fail("%s: copy_to_user() left %lu of %zu bytes", ctx_name(c), left, len);
    memcpy(c.ushadow + uoff, c.shadow[mp.slot][mp.sub] + off, len - left);
    for (size_t i = 0; i < len - left; i++)
      if (static_cast<uint8_t>(c.ubuf[uoff + i]) != c.ushadow[uoff + i])
        fail("%s: copy_to_user() wrote 0x%02x at user offset %zu, the mapping held 0x%02x", ctx_name(c), static_cast<uint8_t>(c.ubuf[uoff + i]),
             uoff + i, c.ushadow[uoff + i]);
    observe(c, c.ushadow + uoff, len - left);
  } else {
    left = faults_off ? __copy_from_user_inatomic(mp.base + off, c.ubuf + uoff, len) : copy_from_user(mp.base + off, c.ubuf + uoff, len);
    if (left > len) fail("%s: copy_from_user() left %lu of %zu bytes", ctx_name(c), left, len);
    memcpy(c.shadow[mp.slot][mp.sub] + off, c.ushadow + uoff, len - left);
    mark_written(c, mp.slot, mp.sub);
    check_aliases(c, mp.slot, mp.sub, off, len - left);
  }
  if (!faults_off && left) fail("%s: a copy with page faults enabled came back short (%lu of %zu bytes)", ctx_name(c), left, len);
}

static void do_user_read(Ctx &c, const Step &s) {
  int slot = s.a % kSlots;
  PageSlot &p = c.pages[slot];
  if (!p.page || c.in_irq) return;
  int sub = s.b % subpages(p);
  struct page *pg = p.page + sub;
  if (!(p.user_mapped & (1u << sub))) {
    kmapsim_user_map(pg);
    p.user_mapped |= 1u << sub;
  }
  if (p.dirty & (1u << sub)) {
    flush_dcache_page(pg);
    p.dirty = 0;  // flush_dcache_page() flushes the whole folio
  }
  size_t off, len;
  clamp_range(s, &off, &len);
  char *buf = c.buf;
  kmapsim_user_read(pg, off, buf, len);
  check_bytes(c, "the user-space alias", buf, slot, sub, off, len);
}

static void do_percpu(Ctx &c, const Step &s) {
  if (c.in_irq || !(c.atomics > 0 || c.preempt_off > 0 || c.spin)) return;
  u64 token = (static_cast<u64>(c.id + 1) << 32) | (s.v + 1u);
  u64 *p = this_cpu_ptr(&g_pcpu_token);
  *p = token;
  complete(&g_tick);  // a scheduling point: other CPUs' tasks may run, none of ours
  u64 *q = this_cpu_ptr(&g_pcpu_token);
  if (q != p || *q != token)
    fail("%s: with preemption disabled, this CPU's per-CPU data changed across a scheduling point (%s)", ctx_name(c),
         q != p ? "the task changed CPUs" : "another task wrote it");
}

void exec_step(Ctx &c, const Step &s) {
  switch (s.op) {
    case Op::Alloc: do_alloc(c, s); break;
    case Op::Free: do_free(c, s); break;
    case Op::Map: do_map(c, s); break;
    case Op::Unmap:
      if (c.depth) pop_mapping(c, s.x);
      break;
    case Op::Write: do_write(c, s); break;
    case Op::Read: do_read(c, s); break;
    case Op::Kmap: do_kmap(c, s); break;
    case Op::Kunmap: do_kunmap(c, s); break;
    case Op::Helper: do_helper(c, s); break;
    case Op::PageAddress: do_page_address(c, s); break;
    case Op::FlushUnused:
      if (!c.in_irq) kmap_flush_unused();
      break;
    case Op::Resched:
      if (c.in_irq) break;
      if (atomic_ctx(c))
        complete(&g_tick);
      else
        cond_resched();
      break;
    case Op::PreemptOff:
      if (!c.in_irq && c.preempt_off < 3) preempt_disable(), c.preempt_off++;
      break;
    case Op::PreemptOn:
      if (!c.in_irq && c.preempt_off > 0) preempt_enable(), c.preempt_off--;
      break;
    case Op::IrqOff:
      if (!c.in_irq && c.irq_off < 3) local_irq_save(c.irq_flags[c.irq_off++]);
      break;
    case Op::IrqOn:
      if (!c.in_irq && c.irq_off > 0) local_irq_restore(c.irq_flags[--c.irq_off]);
      break;
    case Op::SpinLock:
      if (!c.in_irq && !c.spin) spin_lock(&g_lock), c.spin = true;
      break;
    case Op::SpinUnlock:
      if (c.spin) spin_unlock(&g_lock), c.spin = false;
      break;
    case Op::MutexLock:
      if (!atomic_ctx(c) && !c.mutex) mutex_lock(&g_mutex), c.mutex = true;
      break;
    case Op::MutexUnlock:
      if (c.mutex) mutex_unlock(&g_mutex), c.mutex = false;
      break;
    case Op::UserCopy: do_user_copy(c, s); break;
    case Op::UserRead: do_user_read(c, s); break;
    case Op::PerCpu: do_percpu(c, s); break;
    case Op::Kmalloc: {
      if (c.in_irq) break;
      void *&k = c.kmem[s.a % 2];
      if (k) {
        kfree(k);
        k = nullptr;
      } else {
        k = kmalloc(64, atomic_ctx(c) ? GFP_ATOMIC : GFP_KERNEL);
      }
      break;
    }
    case Op::kCount: break;
  }
  kmapsim::Machine *m = kmapsim::Machine::running();
  std::string why = m->check_invariants();
  if (!why.empty()) {
    snprintf(g_inv, sizeof g_inv, "%s", why.c_str());
    why.clear();
    why.shrink_to_fit();
    fail("%s: the model's invariants broke after %s: %s", ctx_name(c), step_cstr(s), g_inv);
  }
  g_steps_done++;
}


}  // namespace kprop
